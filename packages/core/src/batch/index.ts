/**
 * Tiled, multi-threaded kernel computation (Neural Tangents' `nt.batch`).
 * @packageDocumentation
 */
import { InputError, ShapeError } from '../errors';
import { batchShape, exampleCount, examplesFrom, exampleShape, sameExampleShape, sliceExamples, type Examples } from '../examples';
import { Matrix } from '../matrix';
import type { InputLike } from '../tensor';
import { checkOptions } from '../options';
import { parseGet } from '../stax/make-layer';
import { specModules } from '../stax/registry';
import type { Get, Kernel, KernelFn, Layer } from '../stax/types';
import { runTasks, workerProblem, type WorkerTask } from '../workers/pool';
import { computeTile, planTiles, type SharedBatch, type TileJob } from './tiles';

export interface BatchOptions {
  /** Rows of x1 (and of x2) per tile (default 256). */
  batchSize?: number;
  /** Worker threads computing tiles (default 0: tiles are computed in the calling thread). */
  workers?: number;
  /** Called after each tile with the number of tiles done and in total. */
  onProgress?: (progress: { done: number; total: number }) => void;
}

/** A batched kernel function: like {@link KernelFn}, but asynchronous. */
export interface BatchedKernelFn {
  (x1: InputLike, x2?: InputLike | null): Promise<Kernel>;
  (x1: InputLike, x2: InputLike | null | undefined, get: Get): Promise<Matrix>;
  (x1: InputLike, x2: InputLike | null | undefined, get: readonly Get[]): Promise<Kernel>;
  (x1: InputLike, x2?: InputLike | null, get?: Get | readonly Get[]): Promise<Kernel | Matrix>;
}

function onMemory(m: Examples, shared: boolean): SharedBatch {
  const buffer = shared ? new SharedArrayBuffer(m.data.byteLength) : new ArrayBuffer(m.data.byteLength);
  new Float64Array(buffer).set(m.data);
  return { shape: batchShape(m), buffer };
}

/**
 * Computes an N×M kernel in tiles of `batchSize` rows, on `workers` threads,
 * writing each tile straight into the output so that memory stays at the
 * output plus the tiles in flight. The result equals the unbatched
 * `kernelFn(x1, x2, get)` exactly (bit for bit).
 *
 * @param kernelFn - a layer's `kernel` (e.g. `net.kernel`).
 * @example
 * ```ts
 * const kernelFn = batch(net.kernel, { batchSize: 200, workers: 2, onProgress: console.log });
 * const { nngp, ntk } = await kernelFn(xTest, xTrain);
 * ```
 */
export function batch(kernelFn: KernelFn, options: BatchOptions = {}): BatchedKernelFn {
  checkOptions('batch', options, ['batchSize', 'workers', 'onProgress']);
  const layer = (kernelFn as { layer?: Layer } | undefined)?.layer;
  if (typeof kernelFn !== 'function' || !layer) {
    throw new InputError('batch: pass a layer\'s kernel function, e.g. batch(net.kernel, { batchSize: 256 })');
  }
  const { batchSize = 256, workers = 0, onProgress } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError(`batch: batchSize must be a positive integer, got ${batchSize}`);
  if (!Number.isInteger(workers) || workers < 0) throw new InputError(`batch: workers must be a non-negative integer, got ${workers}`);
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new InputError('batch: onProgress must be a function');
  const problem = workers > 0 ? workerProblem(layer) : undefined;
  if (problem !== undefined) throw new InputError(`batch: cannot compute on worker threads: ${problem}; or use workers: 0`);

  const run = async (x1In: InputLike, x2In?: InputLike | null, get?: Get | readonly Get[]) => {
    const { kernels, single } = parseGet('batch', get);
    const x1 = examplesFrom(x1In, 'x1');
    const symmetric = x2In === undefined || x2In === null || x2In === x1In;
    const x2 = symmetric ? x1 : examplesFrom(x2In, 'x2');
    if (!sameExampleShape(x1, x2)) {
      throw new ShapeError(`batch: x1 and x2 have different example shapes ((${exampleShape(x1).join(', ')}) vs (${exampleShape(x2).join(', ')})); both must have the same features, or the same positions and channels`);
    }
    const [n1, n2] = [exampleCount(x1), exampleCount(x2)];
    // Validate the network and `get` on one example before committing to the full job.
    const probe = kernelFn(sliceExamples(x1, 0, 1), null, kernels);
    const wantNtk = probe.ntk !== undefined;
    const tiles = planTiles(n1, n2, batchSize, symmetric);
    let done = 0;
    const progress = () => {
      done++;
      onProgress?.({ done, total: tiles.length });
    };
    const size = n1 * n2 * Float64Array.BYTES_PER_ELEMENT;
    const onWorkers = workers > 0;
    const nngp = onWorkers ? new SharedArrayBuffer(size) : new ArrayBuffer(size);
    const ntk = wantNtk ? (onWorkers ? new SharedArrayBuffer(size) : new ArrayBuffer(size)) : null;
    const a = onMemory(x1, onWorkers);
    const base = { x1: a, x2: symmetric ? a : onMemory(x2, onWorkers), nngp, ntk, symmetric };
    if (!onWorkers) {
      for (const tile of tiles) {
        computeTile(layer, { ...base, tile });
        progress();
        // Let the event loop breathe between tiles (progress displays, timers).
        await new Promise((r) => setImmediate(r));
      }
    } else {
      const modules = [...specModules(layer.spec)];
      const tasks = tiles.map((tile): WorkerTask<'tile', TileJob> => ({ kind: 'tile', spec: layer.spec, modules, job: { ...base, tile } }));
      await runTasks(tasks, workers, progress);
    }
    const out = { nngp: new Float64Array(nngp), ntk: ntk && new Float64Array(ntk) };
    const result: Kernel = { nngp: new Matrix(n1, n2, out.nngp) };
    if (out.ntk) result.ntk = new Matrix(n1, n2, out.ntk);
    if (single) return kernels[0] === 'nngp' ? result.nngp : (result.ntk as Matrix);
    return result;
  };
  return run as BatchedKernelFn;
}
