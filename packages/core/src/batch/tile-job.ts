import { lendingZeroed } from '../scratch-pool';
import type { Get, Layer } from '../stax/types';
import { KernelStore } from './store';
import { analyticTile, batchOf, writeTile, type SharedBatch, type Tile, type TileValues } from './tiles';

/** Where a computed tile goes: into full outputs in (shared) memory, or into a kernel store on disk. */
export type TileSink = { kind: 'memory'; outputs: Record<string, SharedArrayBuffer | ArrayBuffer>; n2: number } | { kind: 'store'; dir: string };

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
 * Computes the tile and delivers it: written in place into the shared outputs
 * (no copy back to the caller) or as `.npy` files by this very thread.
 */
export function runTileJob(layer: Layer, job: TileJob): void {
  // The tile's kernel arrays are lent by the scratch pool: nothing keeps them once they are delivered.
  lendingZeroed(
    () => analyticTile(layer, batchOf(job.x1), batchOf(job.x2), job.tile, job.symmetric, job.get),
    (values) => deliver(values, job),
  );
}

function deliver(values: TileValues, job: TileJob): void {
  const { sink } = job;
  if (sink.kind === 'memory') {
    const outputs: Record<string, Float64Array> = {};
    for (const [name, buffer] of Object.entries(sink.outputs)) outputs[name] = new Float64Array(buffer);
    writeTile(values, job.tile, outputs, sink.n2, job.symmetric);
  } else {
    let store = stores.get(sink.dir);
    if (!store) {
      store = KernelStore.open(sink.dir);
      stores.set(sink.dir, store);
    }
    store.writeTile(job.tile, values);
  }
}
