import type { Get, Layer } from '../stax/types';
import { KernelStore } from './store';
import { analyticTile, batchOf, type SharedBatch, type Tile, type TileValues } from './tiles';

/**
 * Where a computed tile goes: back to the calling thread, which writes it into
 * the full outputs, or into a kernel store on disk, written by the worker.
 */
export type TileSink = { kind: 'reply' } | { kind: 'store'; dir: string };

/** One tile of an analytic kernel to compute, as posted to a worker thread (plain, shareable data). */
export interface TileJob {
  x1: SharedBatch;
  x2: SharedBatch;
  symmetric: boolean;
  get: Get[];
  tile: Tile;
  sink: TileSink;
}

const stores = new Map<string, KernelStore>();

/**
 * Computes the tile and delivers it: returned, for the worker to send back
 * with its buffers transferred (no copy), or written as `.npy` files by this
 * very thread (then nothing is returned).
 *
 * Why not write into outputs shared by all threads: shared memory is released
 * only once every thread's garbage collector has let go of it, so each call
 * would take fresh pages from the system (64 MB of page faults for a
 * 2000-point NNGP + NTK, on every call), where unshared outputs reuse the
 * memory of earlier results as the calling thread's own tiles do.
 */
export function runTileJob(layer: Layer, job: TileJob): TileValues | null {
  const values = analyticTile(layer, batchOf(job.x1), batchOf(job.x2), job.tile, job.symmetric, job.get);
  const { sink } = job;
  if (sink.kind === 'reply') return values;
  let store = stores.get(sink.dir);
  if (!store) {
    store = KernelStore.open(sink.dir);
    stores.set(sink.dir, store);
  }
  store.writeTile(job.tile, values);
  return null;
}
