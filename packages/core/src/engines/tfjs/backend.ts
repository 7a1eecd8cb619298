import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as TfModule from '@tensorflow/tfjs';
import { InputError, OptionError } from '../../errors';
import { checkOptions } from '../../options';

/** The TensorFlow.js module (`@tensorflow/tfjs`, or a native binding that re-exports it). */
export type Tfjs = typeof TfModule;

/**
 * The TensorFlow.js backends the `'tfjs'` engine can run on, fastest first:
 * native TensorFlow with CUDA, native TensorFlow on the CPU, WebAssembly
 * (XNNPACK), and plain JavaScript.
 */
export type TfjsBackend = 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';

/** The backends in order of preference: without `backend`, the first that loads runs. */
export const TFJS_BACKENDS: readonly TfjsBackend[] = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];

/** A loaded TensorFlow.js with an active backend. */
export interface TfjsRuntime {
  /** The module whose tensors the backend runs: build model functions with this `tf`. */
  tf: Tfjs;
  backend: TfjsBackend;
}

/** Why a backend could not be used, by backend (kept so the fallback is explained, and not retried). */
const unavailable = new Map<TfjsBackend, string>();
let active: TfjsRuntime | null = null;

/** The `backend` option: undefined (pick the best) or one of {@link TFJS_BACKENDS}, else an OptionError. */
export function backendOption(where: string, backend: unknown): TfjsBackend | undefined {
  if (backend === undefined) return undefined;
  if (!TFJS_BACKENDS.includes(backend as TfjsBackend)) {
    throw new OptionError(
      `${where}: backend must be one of ${TFJS_BACKENDS.map((b) => `'${b}'`).join(', ')} (or omitted for the fastest that loads); got ${JSON.stringify(backend)}`,
    );
  }
  return backend as TfjsBackend;
}

/**
 * A package that is not our dependency (the native bindings): a user adds it
 * to their own project, so it is looked up from here and, failing that, from
 * the working directory (where a project's node_modules is under pnpm's strict layout).
 */
function requireOptional(name: string): Tfjs {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(name) as Tfjs;
  } catch (e) {
    if ((e as { code?: string }).code !== 'MODULE_NOT_FOUND') throw e;
    return createRequire(join(process.cwd(), 'index.js'))(name) as Tfjs;
  }
}

/** Loads the module a backend runs on; returns it with the name tfjs registers the backend under. */
function load(backend: TfjsBackend): { tf: Tfjs; registered: string } {
  switch (backend) {
    case 'tfjs-node-gpu':
    case 'tfjs-node':
      // The binding re-exports the whole tfjs API of the tfjs-core it registers
      // with; running on that module keeps tensors and backend together.
      return { tf: requireOptional(`@tensorflow/${backend}`), registered: 'tensorflow' };
    case 'wasm': {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const tf = require('@tensorflow/tfjs') as Tfjs;
      // Its Node build reads the .wasm binaries from its own dist/ folder, so no setWasmPaths is needed.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('@tensorflow/tfjs-backend-wasm');
      return { tf, registered: 'wasm' };
    }
    case 'cpu':
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return { tf: require('@tensorflow/tfjs') as Tfjs, registered: 'cpu' };
  }
}

function reason(e: unknown, backend: TfjsBackend): string {
  const message = ((e as Error).message ?? String(e)).split('\n')[0];
  return message.includes(`Cannot find module '@tensorflow/${backend}'`) ? 'not installed' : message;
}

async function tryBackend(backend: TfjsBackend): Promise<TfjsRuntime | null> {
  if (unavailable.has(backend)) return null;
  try {
    const { tf, registered } = load(backend);
    if (await tf.setBackend(registered)) return { tf, backend };
    unavailable.set(backend, `tf.setBackend('${registered}') failed to initialise it`);
  } catch (e) {
    unavailable.set(backend, reason(e, backend));
  }
  return null;
}

async function activate(where: string, forced: TfjsBackend | undefined): Promise<TfjsRuntime> {
  for (const backend of forced ? [forced] : TFJS_BACKENDS) {
    const runtime = await tryBackend(backend);
    if (runtime) {
      active = runtime;
      return runtime;
    }
  }
  const why = [...unavailable].map(([b, r]) => `${b}: ${r}`).join('; ');
  if (forced) {
    const install = forced.startsWith('tfjs-node') ? ` Add @tensorflow/${forced} to your project, or` : '';
    throw new InputError(
      `${where}: the tfjs backend '${forced}' cannot be used here (${unavailable.get(forced)}).${install} omit backend to use the fastest one that loads.`,
    );
  }
  throw new InputError(`${where}: no TensorFlow.js backend could be loaded (${why})`);
}

/** Runs after the previous tfjs job: the backend is process-wide, so jobs must not interleave. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Activates a backend (the forced one, else the first of {@link TFJS_BACKENDS}
 * that loads) and runs `work` on it — synchronously, so no other job can
 * switch the backend midway.
 */
export function withTfjs<T>(where: string, forced: TfjsBackend | undefined, work: (runtime: TfjsRuntime) => T): Promise<T> {
  const job = queue.then(async () => work(await activate(where, forced)));
  queue = job.catch(() => undefined);
  return job;
}

/**
 * Loads TensorFlow.js on the backend the `'tfjs'` engine would use (or the
 * one named) and returns the module, so that model functions for
 * `empirical.ntkFn(fn, { engine: 'tfjs' })` build their tensors with the very
 * module the engine runs.
 *
 * @example
 * ```ts
 * const { tf, backend } = await engines.loadTfjs();
 * backend; // 'wasm' here; 'tfjs-node' where @tensorflow/tfjs-node is installed
 * ```
 */
export function loadTfjs(options: { backend?: TfjsBackend } = {}): Promise<TfjsRuntime> {
  const where = 'engines.loadTfjs';
  checkOptions(where, options, ['backend']);
  const forced = backendOption(where, options.backend);
  return withTfjs(where, forced, (runtime) => runtime);
}

/** The backend the `'tfjs'` engine last ran on, or null before its first use (like `linalg.backend()`). */
export function tfjsBackend(): TfjsBackend | null {
  return active?.backend ?? null;
}

/** {@link tfjsBackend} and, for each backend tried without success, why (e.g. `'tfjs-node': 'not installed'`). */
export function tfjsBackendInfo(): { backend: TfjsBackend | null; unavailable: Partial<Record<TfjsBackend, string>> } {
  return { backend: tfjsBackend(), unavailable: Object.fromEntries(unavailable) };
}
