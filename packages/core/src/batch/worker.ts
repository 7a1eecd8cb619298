import { parentPort, workerData } from 'node:worker_threads';
import { Matrix } from '../matrix';
import { fromSpec } from '../stax/from-spec';
import type { LayerSpec } from '../stax/types';
import { computeTile, type Tile } from './tiles';

/** What `batch` hands each worker when it starts. */
export interface WorkerSetup {
  spec: LayerSpec;
  x1: { rows: number; cols: number; buffer: SharedArrayBuffer };
  x2: { rows: number; cols: number; buffer: SharedArrayBuffer };
  n2: number;
  nngp: SharedArrayBuffer;
  ntk: SharedArrayBuffer | null;
  symmetric: boolean;
}

const setup = workerData as WorkerSetup;
const layer = fromSpec(setup.spec);
const x1 = new Matrix(setup.x1.rows, setup.x1.cols, new Float64Array(setup.x1.buffer));
const x2 = new Matrix(setup.x2.rows, setup.x2.cols, new Float64Array(setup.x2.buffer));
const out = {
  n2: setup.n2,
  nngp: new Float64Array(setup.nngp),
  ntk: setup.ntk ? new Float64Array(setup.ntk) : null,
  symmetric: setup.symmetric,
};

// Pull model: compute the tile we are sent, report, wait for the next one.
parentPort?.on('message', (tile: Tile) => {
  try {
    computeTile(layer, x1, x2, tile, out);
    parentPort?.postMessage({ ok: true });
  } catch (error) {
    parentPort?.postMessage({ ok: false, message: (error as Error).message });
  }
});
