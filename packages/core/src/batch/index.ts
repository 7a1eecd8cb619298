/**
 * Tiled, multi-threaded kernel computation (Neural Tangents' `nt.batch`).
 * @packageDocumentation
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { InputError, ShapeError } from '../errors';
import { Matrix, type MatrixLike } from '../matrix';
import { checkOptions } from '../options';
import { fromSpec } from '../stax/from-spec';
import { parseGet } from '../stax/make-layer';
import type { Get, Kernel, KernelFn, Layer, LayerSpec } from '../stax/types';
import { THREADS_ENV } from '../threads/pool';
import { computeTile, planTiles, type Tile, type TileOutputs } from './tiles';
import type { WorkerSetup } from './worker';

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
  (x1: MatrixLike, x2?: MatrixLike | null): Promise<Kernel>;
  (x1: MatrixLike, x2: MatrixLike | null | undefined, get: Get): Promise<Matrix>;
  (x1: MatrixLike, x2: MatrixLike | null | undefined, get: readonly Get[]): Promise<Kernel>;
  (x1: MatrixLike, x2?: MatrixLike | null, get?: Get | readonly Get[]): Promise<Kernel | Matrix>;
}

const SAMPLE_POINTS = [-2.5, -1, -0.3, 0, 0.7, 1.9];

/**
 * Workers rebuild `elementwise` activations from their source text. A
 * function that closes over outside variables cannot survive that, so we
 * rebuild here first and compare before starting any worker.
 */
function checkRebuildable(spec: LayerSpec, original: Layer): void {
  let rebuilt: Layer;
  try {
    rebuilt = fromSpec(spec);
  } catch (error) {
    throw new InputError(`batch: cannot rebuild the network in a worker (${(error as Error).message}); use workers: 0`);
  }
  const probe = Matrix.from(SAMPLE_POINTS.map((v, i) => [v, 0.5 * i - 1]), 'probe');
  try {
    const a = original.kernel(probe, null, 'nngp').data;
    const b = rebuilt.kernel(probe, null, 'nngp').data;
    if (a.some((v, i) => Math.abs(v - b[i]) > 1e-12 * Math.max(1, Math.abs(v)))) throw new Error('different values');
  } catch (error) {
    throw new InputError(
      `batch: a stax.elementwise activation refers to variables outside its own body (${(error as Error).message}), so worker threads cannot rebuild it; make the function self-contained or use workers: 0`,
    );
  }
}

function shared(m: Matrix): { rows: number; cols: number; buffer: SharedArrayBuffer } {
  const buffer = new SharedArrayBuffer(m.data.byteLength);
  new Float64Array(buffer).set(m.data);
  return { rows: m.rows, cols: m.cols, buffer };
}

const WORKER_SCRIPT = join(__dirname, 'worker.js');

async function runOnWorkers(
  setup: WorkerSetup,
  tiles: Tile[],
  workers: number,
  progress: () => void,
): Promise<void> {
  // Each batch worker computes whole tiles on its own thread; nested thread
  // pools inside the workers would only compete for the same cores.
  const env = { ...process.env, [THREADS_ENV]: '1' };
  const pool = Array.from({ length: Math.min(workers, tiles.length) }, () => new Worker(WORKER_SCRIPT, { workerData: setup, env }));
  let next = 0;
  try {
    await Promise.all(pool.map((worker) => new Promise<void>((resolve, reject) => {
      const send = () => {
        if (next >= tiles.length) {
          resolve();
          return;
        }
        worker.postMessage(tiles[next++]);
      };
      worker.on('message', (msg: { ok: boolean; message?: string }) => {
        if (!msg.ok) {
          reject(new Error(`batch: a worker failed: ${msg.message}`));
          return;
        }
        try {
          progress();
        } catch (error) {
          reject(error);
          return;
        }
        send();
      });
      worker.on('error', reject);
      send();
    })));
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
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
  if (workers > 0) checkRebuildable(layer.spec, layer);

  const run = async (x1In: MatrixLike, x2In?: MatrixLike | null, get?: Get | readonly Get[]) => {
    const { kernels, single } = parseGet('batch', get);
    const x1 = Matrix.from(x1In, 'x1');
    const symmetric = x2In === undefined || x2In === null || x2In === x1In;
    const x2 = symmetric ? x1 : Matrix.from(x2In, 'x2');
    if (x1.cols !== x2.cols) {
      throw new ShapeError(`batch: x1 and x2 have different feature dimensions (${x1.cols} vs ${x2.cols}); both must have one column per input feature`);
    }
    // Validate the network and `get` on one row before committing to the full job.
    const probe = kernelFn(x1.sliceRows(0, 1), null, kernels);
    const wantNtk = probe.ntk !== undefined;
    const tiles = planTiles(x1.rows, x2.rows, batchSize, symmetric);
    let done = 0;
    const progress = () => {
      done++;
      onProgress?.({ done, total: tiles.length });
    };
    const size = x1.rows * x2.rows * Float64Array.BYTES_PER_ELEMENT;
    const nngpBuffer = workers > 0 ? new SharedArrayBuffer(size) : new ArrayBuffer(size);
    const ntkBuffer = wantNtk ? (workers > 0 ? new SharedArrayBuffer(size) : new ArrayBuffer(size)) : null;
    const out: TileOutputs = {
      n2: x2.rows,
      nngp: new Float64Array(nngpBuffer),
      ntk: ntkBuffer ? new Float64Array(ntkBuffer) : null,
      symmetric,
    };
    if (workers === 0) {
      for (const tile of tiles) {
        computeTile(layer, x1, x2, tile, out);
        progress();
        // Let the event loop breathe between tiles (progress displays, timers).
        await new Promise((r) => setImmediate(r));
      }
    } else {
      const sharedX1 = shared(x1);
      const setup: WorkerSetup = {
        spec: layer.spec,
        x1: sharedX1,
        x2: symmetric ? sharedX1 : shared(x2),
        n2: x2.rows,
        nngp: nngpBuffer as SharedArrayBuffer,
        ntk: ntkBuffer as SharedArrayBuffer | null,
        symmetric,
      };
      await runOnWorkers(setup, tiles, workers, progress);
    }
    const result: Kernel = { nngp: new Matrix(x1.rows, x2.rows, out.nngp) };
    if (out.ntk) result.ntk = new Matrix(x1.rows, x2.rows, out.ntk);
    if (single) return kernels[0] === 'nngp' ? result.nngp : (result.ntk as Matrix);
    return result;
  };
  return run as BatchedKernelFn;
}
