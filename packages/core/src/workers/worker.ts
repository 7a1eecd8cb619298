/**
 * The script every pool worker runs: it rebuilds layers from their specs
 * (loading the modules of layer types defined outside the library first) and
 * runs rows of an activation's kernel rule, rows of deferred activation
 * duals, or tiles of a kernel.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';
import { runTileJob, type TileJob } from '../batch/tile-job';
import { fromSpec } from '../stax';
import type { ActivationImpl } from '../stax/activation';
import { deferredRows, type DeferredJob } from '../stax/deferred-duals';
import type { Layer, LayerSpec } from '../stax/types';
import { reportDone, type DeferredMessage, type RowsMessage, type TileReply, type WorkerTask } from './pool';

const loaded = new Set<string>();

/**
 * A real dynamic import, for layer types defined in ES modules. This package
 * compiles to CommonJS, where TypeScript turns `import()` into `require()`.
 */
// eslint-disable-next-line no-new-func
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

/**
 * Loads a module that registers layer types: with `require` (CommonJS, and
 * TypeScript under a require hook such as tsx's), else as an ES module.
 */
async function load(module: string): Promise<void> {
  const path = module.startsWith('file:') ? fileURLToPath(module) : module;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(path);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_REQUIRE_ESM') throw error;
    await importModule(pathToFileURL(path).href);
  }
}
const layers = new Map<string, Layer>();
/**
 * Layers kept rebuilt, the most recently used: a layer keeps its caches (the
 * expansions of numerical activations, hundreds of kilobytes to megabytes),
 * so keeping every layer a session ever sent (each network of `batch`
 * tiles, each distinct activation) held all of them for the worker's life.
 */
const KEPT_LAYERS = 16;

/**
 * The layer of a task, rebuilt once per spec (while among the KEPT_LAYERS
 * last used), after loading the modules that register its layer types
 * (CommonJS or ES modules, by path or file URL).
 */
async function layerOf(task: Pick<WorkerTask<string, unknown>, 'spec' | 'modules'>): Promise<Layer> {
  for (const module of task.modules) {
    if (loaded.has(module)) continue;
    await load(module);
    loaded.add(module);
  }
  const key = JSON.stringify(task.spec);
  let layer = layers.get(key);
  if (layer) {
    layers.delete(key);
  } else {
    layer = fromSpec(task.spec as LayerSpec);
    if (layers.size >= KEPT_LAYERS) layers.delete(layers.keys().next().value as string);
  }
  // Last in the map's order: the least recently used is first.
  layers.set(key, layer);
  return layer;
}

async function runRows(task: RowsMessage<unknown>): Promise<void> {
  try {
    const { impl } = await layerOf(task);
    if (!impl.rows) throw new Error(`layer ${task.spec.type} has no rows to run on a worker thread`);
    impl.rows(task.job, task.i0, task.i1);
    reportDone(task.control);
  } catch (error) {
    reportDone(task.control, (error as Error).message);
  }
}

async function runDeferred(task: DeferredMessage<DeferredJob>): Promise<void> {
  try {
    const activations = [];
    for (const spec of task.specs) activations.push(((await layerOf({ spec, modules: task.modules })).impl as ActivationImpl).activation);
    deferredRows(activations, task.job, task.i0, task.i1);
    reportDone(task.control);
  } catch (error) {
    reportDone(task.control, (error as Error).message);
  }
}

async function runTile(task: WorkerTask<'tile', TileJob>): Promise<void> {
  let reply: TileReply;
  try {
    runTileJob(await layerOf(task), task.job);
    reply = { ok: true };
  } catch (error) {
    reply = { ok: false, message: (error as Error).message };
  }
  parentPort?.postMessage(reply);
}

// Tasks run one at a time, in the order they arrive.
let queue = Promise.resolve();
parentPort?.on('message', (task: RowsMessage<unknown> | DeferredMessage<DeferredJob> | WorkerTask<'tile', TileJob>) => {
  queue = queue.then(() => (task.kind === 'rows' ? runRows(task) : task.kind === 'deferred' ? runDeferred(task) : runTile(task)));
});
