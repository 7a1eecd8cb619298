import { examplesOn, sliceExamples, type Examples } from '../examples';
import { anyNeed, inputNeed } from '../stax/make-layer';
import { inputKernel, isKernelList, materialize } from '../stax/kernel-state';
import type { Layer } from '../stax/types';

/** A batch of examples (a matrix or a tensor) on shared memory, as posted to worker threads. */
export interface SharedBatch {
  shape: number[];
  buffer: SharedArrayBuffer | ArrayBuffer;
}

/** One block of the output kernel: rows [i0, i1) of x1 against rows [j0, j1) of x2. */
export interface Tile {
  i0: number;
  i1: number;
  j0: number;
  j1: number;
}

/** One tile to compute: the inputs, the tile, and the full n1×n2 outputs it is written into (possibly on shared memory). */
export interface TileJob {
  x1: SharedBatch;
  x2: SharedBatch;
  tile: Tile;
  nngp: SharedArrayBuffer | ArrayBuffer;
  ntk: SharedArrayBuffer | ArrayBuffer | null;
  /** x2 is x1: only tiles on or above the diagonal are computed and each is mirrored. */
  symmetric: boolean;
}

function batchOf(m: SharedBatch): Examples {
  return examplesOn(m, new Float64Array(m.buffer));
}

/**
 * Lays out the tiles of an n1×n2 kernel. For a symmetric kernel only the
 * tiles with j0 ≥ i0 are listed; diagonal tiles are themselves symmetric.
 */
export function planTiles(n1: number, n2: number, batchSize: number, symmetric: boolean): Tile[] {
  const tiles: Tile[] = [];
  for (let i0 = 0; i0 < n1; i0 += batchSize) {
    for (let j0 = symmetric ? i0 : 0; j0 < n2; j0 += batchSize) {
      tiles.push({ i0, i1: Math.min(i0 + batchSize, n1), j0, j1: Math.min(j0 + batchSize, n2) });
    }
  }
  return tiles;
}

/**
 * Computes one tile with the layer's kernel rule and writes it (and, for a
 * symmetric kernel, its mirror image) into the outputs. Every entry goes
 * through exactly the arithmetic of the untiled computation — the rules are
 * entry-wise and the input Gram is accumulated in a fixed order — so the
 * tiled kernel equals the untiled one bit for bit.
 */
export function computeTile(layer: Layer, job: TileJob): void {
  const { i0, i1, j0, j1 } = job.tile;
  const n2 = job.x2.shape[0];
  const a = sliceExamples(batchOf(job.x1), i0, i1);
  const onDiagonal = job.symmetric && i0 === j0;
  const b = onDiagonal ? null : sliceExamples(batchOf(job.x2), j0, j1);
  const result = layer.impl.kernelRule(inputKernel(a, b, job.ntk !== null, !anyNeed(inputNeed(layer.impl))));
  if (isKernelList(result)) throw new Error(`${layer.name}: the network ends in several branches`);
  const state = materialize(result);
  const width = j1 - j0;
  const write = (src: Float64Array, dst: Float64Array) => {
    for (let i = i0; i < i1; i++) {
      for (let j = j0; j < j1; j++) {
        const v = src[(i - i0) * width + (j - j0)];
        dst[i * n2 + j] = v;
        if (job.symmetric) dst[j * n2 + i] = v;
      }
    }
  };
  write(state.nngp, new Float64Array(job.nngp));
  if (job.ntk && state.ntk) write(state.ntk, new Float64Array(job.ntk));
}
