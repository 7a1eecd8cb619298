/**
 * Tiled kernel computation (Neural Tangents' `nt.batch`): on the calling
 * thread, on worker threads, into an on-disk store that survives
 * interruptions, and across machines through a job queue.
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import { InputError, ShapeError } from '../errors';
import { batchShape, exampleCount, examplesFrom, exampleShape, sameExampleShape, sliceExamples, type Examples } from '../examples';
import { Matrix } from '../matrix';
import type { InputLike } from '../tensor';
import { checkOptions } from '../options';
import { kernelOrder, orderedKernel, type KernelFor, type KernelOf } from '../stax/kernel-result';
import { parseGet } from '../stax/make-layer';
import { specModules } from '../stax/registry';
import type { Get, Kernel, KernelFn, Layer } from '../stax/types';
import { runTasks, warmUp, workerProblem, type WorkerTask } from '../workers/pool';
import { ProgressTracker, type ProgressFn } from './progress';
import { computeOnQueue, checkQueueUrl } from './queue';
import { KernelStore, sha256Of, type StoredKernel, type StoredKernelSource, type StoredMatrix } from './store';
import type { TileJob, TileSink } from './tile-job';
import { analyticTile, planTiles, scheduleOrder, tileCost, writeTile, type SharedBatch, type Tile, type TileValues } from './tiles';

export { formatProgress, logProgress, type BatchProgress, type ProgressFn } from './progress';
export { KernelStore, StoredMatrix, type StoredKernel, type StoreManifest, type StoredKernelSource, type StoredInput } from './store';
export type { Tile, TileValues } from './tiles';
export { runQueueWorker, type QueueWorker, type QueueWorkerOptions } from './queue';
export { predictStored } from './predict-stored';

export interface BatchOptions {
  /** Rows of x1 (and of x2) per tile (default 256). */
  batchSize?: number;
  /**
   * Worker threads computing tiles (default 0: tiles are computed in the
   * calling thread). Only for analytic stax kernels (`net.kernel`), which a
   * worker rebuilds from the network's spec; other kernel functions tile on
   * the calling thread.
   */
  workers?: number;
  /**
   * A directory to write the kernel to, tile by tile (`.npy` files and a
   * manifest), instead of returning it in memory. The batched function then
   * resolves to readers ({@link StoredMatrix}); rerunning it resumes an
   * interrupted computation, computing only the missing tiles.
   */
  store?: string;
  /**
   * A Redis URL (`redis://host:port`): the missing tiles are put on a BullMQ
   * queue for `tangent-lab worker --queue URL --store DIR` processes on any
   * number of machines sharing the store's directory. Needs `store` and an
   * analytic stax kernel. The call resolves once workers have written every
   * tile (start them before or after; without any it waits).
   */
  queue?: string;
  /** The queue's name, when several stores share one Redis (default `'tangent-lab-tiles'`). */
  queueName?: string;
  /** Called after each tile with the tiles done, the total and an ETA (see `logProgress`). */
  onProgress?: ProgressFn;
}

/** A batched analytic kernel function: like {@link KernelFn} (the same narrowing on `get`, the same tuple order), but asynchronous. */
export interface BatchedKernelFn {
  (x1: InputLike, x2?: InputLike | null, get?: undefined): Promise<KernelOf<Get>>;
  (x1: InputLike, x2: InputLike | null | undefined, get: Get): Promise<Matrix>;
  <const G extends readonly Get[]>(x1: InputLike, x2: InputLike | null | undefined, get: G): Promise<KernelFor<G>>;
  (x1: InputLike, x2?: InputLike | null, get?: Get | readonly Get[]): Promise<Kernel | Matrix>;
}

/** A batched analytic kernel function writing to a store: resolves to readers of the stored kernels. */
export interface StoredKernelFn {
  (x1: InputLike, x2?: InputLike | null): Promise<StoredKernel>;
  (x1: InputLike, x2: InputLike | null | undefined, get: Get): Promise<StoredMatrix>;
  (x1: InputLike, x2: InputLike | null | undefined, get: readonly Get[]): Promise<StoredKernel>;
  (x1: InputLike, x2?: InputLike | null, get?: Get | readonly Get[]): Promise<StoredKernel | StoredMatrix>;
}

/**
 * Any kernel function `(x1, x2, ...rest)` returning a {@link Matrix} or a
 * `{ nngp, ntk }` {@link Kernel} (possibly as a promise): an empirical kernel
 * (`empirical.ntkFn(apply)`, called with `params` as `rest`), a Monte Carlo
 * kernel (`monteCarloKernelFn(...)`, with `get`), or your own.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyKernelFn = (x1: InputLike, x2: InputLike | null | undefined, ...rest: any[]) => Matrix | Kernel | Promise<Matrix | Kernel>;

/** The arguments of a kernel function after x1 and x2 (`get`, `params`, …). */
export type KernelFnRest<F> = F extends (x1: InputLike, x2: InputLike | null | undefined, ...rest: infer R) => unknown ? R : never;
/** The stored counterpart of a kernel function's result: {@link StoredMatrix} for a Matrix, {@link StoredKernel} for a Kernel. */
export type StoredOf<T> = T extends Matrix ? StoredMatrix : StoredKernel;

/** The batched form of an {@link AnyKernelFn}: same arguments, asynchronous. */
export type BatchedFn<F extends AnyKernelFn> = (x1: InputLike, x2?: InputLike | null, ...rest: KernelFnRest<F>) => Promise<Awaited<ReturnType<F>>>;
/** The stored form of an {@link AnyKernelFn}: resolves to readers of the stored kernels. */
export type StoredFn<F extends AnyKernelFn> = (x1: InputLike, x2?: InputLike | null, ...rest: KernelFnRest<F>) => Promise<StoredOf<Awaited<ReturnType<F>>>>;

const DEFAULT_QUEUE = 'tangent-lab-tiles';

function onMemory(m: Examples, shared: boolean): SharedBatch {
  const buffer = shared ? new SharedArrayBuffer(m.data.byteLength) : new ArrayBuffer(m.data.byteLength);
  new Float64Array(buffer).set(m.data);
  return { shape: batchShape(m), buffer };
}

/** A stable hash of the extra arguments of a kernel function (parameters, `get`), for a store's manifest. */
function hashArgs(args: readonly unknown[]): string {
  const h = createHash('sha256');
  const walk = (v: unknown): void => {
    if (v instanceof Matrix) {
      h.update(`M${v.rows}x${v.cols}`).update(new Uint8Array(v.data.buffer, v.data.byteOffset, v.data.byteLength));
    } else if (ArrayBuffer.isView(v)) {
      h.update(`T${v.byteLength}`).update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    } else if (Array.isArray(v)) {
      h.update('[');
      v.forEach(walk);
      h.update(']');
    } else if (v !== null && typeof v === 'object') {
      h.update('{');
      for (const key of Object.keys(v).sort()) {
        h.update(JSON.stringify(key));
        walk((v as Record<string, unknown>)[key]);
      }
      h.update('}');
    } else {
      h.update(typeof v === 'function' ? `F${v.toString()}` : `${typeof v}:${JSON.stringify(v)}`);
    }
  };
  walk(args);
  return h.digest('hex');
}

/** The Matrix-valued outputs of one kernel function result. */
function outputsOf(result: Matrix | Kernel, where: string): { single: boolean; names: string[] } {
  if (result instanceof Matrix) return { single: true, names: ['kernel'] };
  if (Array.isArray(result)) {
    throw new InputError(
      `${where}: the kernel function returned a list of ${result.length} results (a monteCarloKernelFn with a list of sample counts?); batch takes a function returning one Matrix or { nngp, ntk }: use one sample count`,
    );
  }
  if (result === null || typeof result !== 'object')
    throw new InputError(`${where}: the kernel function must return a Matrix or a { nngp, ntk } kernel, got ${typeof result}`);
  const names = Object.keys(result).filter((k) => (result as unknown as Record<string, unknown>)[k] instanceof Matrix);
  if (names.length === 0) throw new InputError(`${where}: the kernel function returned an object without Matrix fields (expected { nngp, ntk })`);
  return { single: false, names };
}

function valuesOf(result: Matrix | Kernel, names: readonly string[], tile: Tile): TileValues {
  const rows = tile.i1 - tile.i0;
  const cols = tile.j1 - tile.j0;
  const values: TileValues = {};
  for (const name of names) {
    const m = result instanceof Matrix ? result : (result as unknown as Record<string, Matrix | undefined>)[name];
    if (!(m instanceof Matrix) || m.rows !== rows || m.cols !== cols) {
      const k = m instanceof Matrix ? m.rows / rows : 0;
      // An (n1·k)×(n2·k) result is the full output-by-output kernel of k outputs (traceAxes: []).
      const outputs =
        Number.isInteger(k) && k > 1 && m instanceof Matrix && m.cols === cols * k
          ? ` It looks like the full kernel of ${k} outputs ((n1·${k})×(n2·${k}), traceAxes: []): batch tiles kernels with one entry per pair of inputs, so keep the default traceAxes (the trace over outputs), or compute the full kernel without batch.`
          : '';
      throw new ShapeError(
        `batch: the kernel function returned ${m instanceof Matrix ? `a ${m.rows}×${m.cols}` : 'no'} '${name}' matrix for a ${rows}×${cols} tile; it must return one row per row of x1 and one column per row of x2.${outputs}`,
      );
    }
    values[name] = m.data;
  }
  return values;
}

/** The kernel from its tiles' outputs; a `{ nngp, ntk }` result destructures in the order it was asked for, as the unbatched one. */
function assemble(outputs: Record<string, Float64Array>, single: boolean, n1: number, n2: number, symmetric: boolean, order: readonly Get[]): Matrix | Kernel {
  const entries = Object.entries(outputs).map(([name, data]) => [name, new Matrix(n1, n2, data)] as const);
  if (single) return entries[0][1];
  return orderedKernel({ ...Object.fromEntries(entries), x1IsX2: symmetric } as unknown as Kernel, order);
}

/**
 * Computes a kernel in tiles of `batchSize` rows of x1 by `batchSize` rows of
 * x2 — Neural Tangents' `nt.batch` — with progress, on worker threads, into
 * a resumable on-disk store, or on many machines through a job queue.
 *
 * **Which kernel functions.** Any `(x1, x2, ...rest)` function returning a
 * {@link Matrix} or `{ nngp, ntk }`: extra arguments (`get`, `params`) pass
 * through to every tile.
 * - An analytic stax kernel (`net.kernel`) runs anywhere: on the calling
 *   thread, on `workers` threads, or on queue workers, which all rebuild the
 *   network from its spec. Tiles equal the unbatched kernel bit for bit.
 * - Other functions (`empirical.ntkFn(apply)`, `empirical.nngpFn(apply)`,
 *   `monteCarloKernelFn(...)`, your own) cannot be rebuilt elsewhere: their
 *   tiles run on the calling thread, one after the other (`workers` and
 *   `queue` are refused for them). The result equals the unbatched one up to
 *   round-off (products of different sizes may sum in another order).
 *
 * **Symmetric kernels.** With x2 omitted (or x2 the same array as x1) only the
 * tiles on or above the diagonal are computed, and mirrored.
 *
 * **Memory.** In memory the output plus the tiles in flight; with `store`,
 * only the tiles in flight (each thread holds one tile of each kernel).
 *
 * @example
 * ```ts
 * const kernelFn = batch(net.kernel, { batchSize: 200, workers: 2, onProgress: logProgress });
 * const { nngp, ntk } = await kernelFn(xTest, xTrain);
 * // bigger than memory: tiles on disk, resumable; read back in row blocks
 * const stored = await batch(net.kernel, { batchSize: 1000, workers: 2, store: 'kernels/train' })(xTrain);
 * const rows = stored.ntk!.readRows(0, 100);
 * // any kernel function: an empirical NTK (tiles on the calling thread)
 * const theta = await batch(empirical.ntkFn(net.apply), { batchSize: 100 })(x, null, params);
 * ```
 */
export function batch(kernelFn: KernelFn, options: BatchOptions & { store: string }): StoredKernelFn;
export function batch(kernelFn: KernelFn, options?: BatchOptions): BatchedKernelFn;
export function batch<F extends AnyKernelFn>(kernelFn: F, options: BatchOptions & { store: string }): StoredFn<F>;
export function batch<F extends AnyKernelFn>(kernelFn: F, options?: BatchOptions): BatchedFn<F>;
export function batch(kernelFn: KernelFn | AnyKernelFn, options: BatchOptions = {}): unknown {
  checkOptions('batch', options, ['batchSize', 'workers', 'store', 'queue', 'queueName', 'onProgress']);
  if (typeof kernelFn !== 'function') {
    throw new InputError('batch: pass a kernel function, e.g. batch(net.kernel, { batchSize: 256 }) or batch(empirical.ntkFn(net.apply))');
  }
  const layer = (kernelFn as { layer?: Layer }).layer;
  const { batchSize = 256, workers = 0, store, queue, queueName = DEFAULT_QUEUE, onProgress } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError(`batch: batchSize must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(workers) || workers < 0) throw new InputError(`batch: workers must be a non-negative integer, got ${workers}`);
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new InputError('batch: onProgress must be a function (e.g. logProgress)');
  if (store !== undefined && (typeof store !== 'string' || store === '')) throw new InputError('batch: store must be a directory path');
  if (queue !== undefined) {
    if (store === undefined) throw new InputError('batch: queue needs a store: the directory, shared by every worker machine, that the tiles are written to');
    checkQueueUrl('batch', queue);
    if (typeof queueName !== 'string' || !/^[\w.-]+$/.test(queueName))
      throw new InputError(`batch: queueName must be letters, digits, '_', '.' or '-', got ${JSON.stringify(queueName)}`);
  }
  if (!layer && (workers > 0 || queue !== undefined)) {
    throw new InputError(
      `batch: ${workers > 0 ? 'worker threads' : 'a job queue'} can only compute analytic stax kernels (net.kernel), which are rebuilt elsewhere from the network's spec; this function's tiles run on the calling thread: use workers: 0 and no queue`,
    );
  }
  if (layer && (workers > 0 || queue !== undefined)) {
    const problem = workerProblem(layer);
    if (problem !== undefined)
      throw new InputError(`batch: cannot compute on ${workers > 0 ? 'worker threads' : 'queue workers'}: ${problem}; or use workers: 0 and no queue`);
  }
  if (layer && workers > 0) warmUp(workers);

  const run = async (x1In: InputLike, x2In?: InputLike | null, ...rest: unknown[]) => {
    const x1 = examplesFrom(x1In, 'x1');
    const symmetric = x2In === undefined || x2In === null || x2In === x1In;
    const x2 = symmetric ? x1 : examplesFrom(x2In, 'x2');
    if (!sameExampleShape(x1, x2)) {
      throw new ShapeError(
        `batch: x1 and x2 have different example shapes ((${exampleShape(x1).join(', ')}) vs (${exampleShape(x2).join(', ')})); both must have the same features, or the same positions and channels`,
      );
    }
    const [n1, n2] = [exampleCount(x1), exampleCount(x2)];
    const tiles = planTiles(n1, n2, batchSize, symmetric);

    // What the function returns, from one row (validating the network and `get` before the real work).
    let source: StoredKernelSource;
    let names: string[];
    let single: boolean;
    let get: Get[] = [];
    let order: readonly Get[];
    if (layer) {
      const parsed = parseGet('batch', rest[0]);
      const probe = (kernelFn as KernelFn)(sliceExamples(x1, 0, 1), null, parsed.kernels);
      get = parsed.kernels.filter((g) => probe[g] !== undefined);
      names = get;
      order = get;
      single = parsed.single;
      source = { kind: 'stax', name: layer.name, spec: layer.spec };
    } else {
      const probe = await (kernelFn as AnyKernelFn)(sliceExamples(x1, 0, 1), symmetric ? null : sliceExamples(x2, 0, 1), ...rest);
      ({ names, single } = outputsOf(probe, 'batch'));
      order = kernelOrder(probe) ?? names.filter((n): n is Get => n === 'nngp' || n === 'ntk');
      source = {
        kind: 'function',
        name: kernelFn.name || 'anonymous',
        sourceSha256: createHash('sha256').update(kernelFn.toString()).digest('hex'),
        argsSha256: hashArgs(rest),
      };
    }

    const kernelStore =
      store === undefined
        ? undefined
        : KernelStore.prepare(
            store,
            {
              kernel: source,
              inputs: {
                x1: { shape: batchShape(x1), sha256: sha256Of(x1), file: 'x1.npy' },
                x2: symmetric ? null : { shape: batchShape(x2), sha256: sha256Of(x2), file: 'x2.npy' },
              },
              outputs: names,
              single,
              grid: { n1, n2, batchSize, symmetric },
            },
            x1,
            symmetric ? null : x2,
          );
    const todo = scheduleOrder(kernelStore ? kernelStore.missing() : tiles, symmetric);
    const work = (t: Tile) => tileCost(t, symmetric);
    const progress = new ProgressTracker(
      tiles.length,
      tiles.length - todo.length,
      todo.reduce((s, t) => s + work(t), 0),
      onProgress,
    );

    const onWorkers = layer !== undefined && workers > 0 && queue === undefined;
    const outputs: Record<string, Float64Array> = {};
    let sink: TileSink;
    if (kernelStore) {
      sink = { kind: 'store', dir: kernelStore.dir };
    } else {
      const buffers: Record<string, SharedArrayBuffer | ArrayBuffer> = {};
      for (const name of names) {
        const bytes = n1 * n2 * Float64Array.BYTES_PER_ELEMENT;
        buffers[name] = onWorkers ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
        outputs[name] = new Float64Array(buffers[name]);
      }
      sink = { kind: 'memory', outputs: buffers, n2 };
    }

    if (kernelStore && queue !== undefined) {
      await computeOnQueue(kernelStore, todo, { url: queue, name: queueName }, (tile) => progress.tick(work(tile)));
    } else if (onWorkers) {
      const a = onMemory(x1, true);
      const base = { x1: a, x2: symmetric ? a : onMemory(x2, true), symmetric, get, sink };
      const modules = [...specModules((layer as Layer).spec)];
      const tasks = todo.map((tile): WorkerTask<'tile', TileJob> => ({ kind: 'tile', spec: (layer as Layer).spec, modules, job: { ...base, tile } }));
      await runTasks(tasks, workers, (k) => progress.tick(work(todo[k])));
    } else {
      for (const tile of todo) {
        let values: TileValues;
        if (layer) {
          values = analyticTile(layer, x1, x2, tile, symmetric, get);
        } else {
          const a = sliceExamples(x1, tile.i0, tile.i1);
          const diagonal = symmetric && tile.r === tile.c;
          const result = await (kernelFn as AnyKernelFn)(a, diagonal ? null : sliceExamples(x2, tile.j0, tile.j1), ...rest);
          values = valuesOf(result, names, tile);
        }
        if (kernelStore) kernelStore.writeTile(tile, values);
        else writeTile(values, tile, outputs, n2, symmetric);
        progress.tick(work(tile));
        // Let the event loop breathe between tiles (progress displays, timers).
        await new Promise((r) => setImmediate(r));
      }
    }
    if (kernelStore) return kernelStore.result();
    return assemble(outputs, single, n1, n2, symmetric, order);
  };
  return run;
}
