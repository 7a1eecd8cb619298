import { examplesOn, sliceExamples, type Examples } from '../examples';
import { inputKernel, isKernelList, materialize } from '../stax/kernel-state';
import { anyNeed, inputNeed } from '../stax/make-layer';
import type { Get, Layer } from '../stax/types';

/** A batch of examples (a matrix or a tensor of images) on shared memory, as posted to worker threads. */
export interface SharedBatch {
  shape: number[];
  buffer: SharedArrayBuffer | ArrayBuffer;
}

/** One block of the output kernel: rows [i0, i1) of x1 against rows [j0, j1) of x2; (r, c) is its place in the tile grid. */
export interface Tile {
  r: number;
  c: number;
  i0: number;
  i1: number;
  j0: number;
  j1: number;
}

/** A tile's values, one row-major (i1 − i0)×(j1 − j0) array per output kernel. */
export type TileValues = Record<string, Float64Array>;

export function batchOf(m: SharedBatch): Examples {
  return examplesOn(m, new Float64Array(m.buffer));
}

/**
 * Lays out the tiles of an n1×n2 kernel. For a symmetric kernel only the
 * tiles with c ≥ r are listed; diagonal tiles are themselves symmetric.
 */
export function planTiles(n1: number, n2: number, batchSize: number, symmetric: boolean): Tile[] {
  const tiles: Tile[] = [];
  for (let r = 0, i0 = 0; i0 < n1; r++, i0 += batchSize) {
    for (let c = symmetric ? r : 0, j0 = c * batchSize; j0 < n2; c++, j0 += batchSize) {
      tiles.push({ r, c, i0, i1: Math.min(i0 + batchSize, n1), j0, j1: Math.min(j0 + batchSize, n2) });
    }
  }
  return tiles;
}

/** Relative work of a tile: its entries, halved on the diagonal of a symmetric kernel (one triangle is computed). */
export function tileCost(tile: Tile, symmetric: boolean): number {
  const entries = (tile.i1 - tile.i0) * (tile.j1 - tile.j0);
  return symmetric && tile.r === tile.c ? entries / 2 : entries;
}

/**
 * The tiles in the order to hand them out: largest first (the classic
 * longest-processing-time rule), so the last tiles to finish are small and the
 * threads end together. Ties keep grid order.
 */
export function scheduleOrder(tiles: readonly Tile[], symmetric: boolean): Tile[] {
  return tiles
    .map((tile, k) => ({ tile, k, cost: tileCost(tile, symmetric) }))
    .sort((a, b) => b.cost - a.cost || a.k - b.k)
    .map((e) => e.tile);
}

/**
 * One tile of an analytic kernel, with the layer's kernel rule. Every entry
 * goes through exactly the arithmetic of the untiled computation — the rules
 * are entry-wise and the input Gram is accumulated in a fixed order — so the
 * tiled kernel equals the untiled one bit for bit. A diagonal tile of a
 * symmetric kernel is computed as the kernel of its rows with themselves.
 */
export function analyticTile(layer: Layer, x1: Examples, x2: Examples, tile: Tile, symmetric: boolean, get: readonly Get[]): TileValues {
  const a = sliceExamples(x1, tile.i0, tile.i1);
  const onDiagonal = symmetric && tile.r === tile.c;
  const b = onDiagonal ? null : sliceExamples(x2, tile.j0, tile.j1);
  const result = layer.impl.kernelRule(inputKernel(a, b, get.includes('ntk'), !anyNeed(inputNeed(layer.impl))));
  if (isKernelList(result)) throw new Error(`${layer.name}: the network ends in several branches`);
  const state = materialize(result);
  const values: TileValues = {};
  for (const g of get) {
    const v = g === 'nngp' ? state.nngp : state.ntk;
    if (v) values[g] = v;
  }
  return values;
}

/**
 * Writes a tile into full n1×n2 outputs and, for a symmetric kernel, its
 * mirror image below the diagonal.
 */
export function writeTile(values: TileValues, tile: Tile, outputs: Record<string, Float64Array>, n2: number, symmetric: boolean): void {
  const { i0, i1, j0, j1 } = tile;
  const width = j1 - j0;
  for (const [name, src] of Object.entries(values)) {
    const dst = outputs[name];
    for (let i = i0; i < i1; i++) dst.set(src.subarray((i - i0) * width, (i - i0 + 1) * width), i * n2 + j0);
    if (symmetric && tile.r !== tile.c) {
      // The transpose block by block, so that each block's column writes stay in cache.
      const B = 64;
      for (let ib = i0; ib < i1; ib += B) {
        const ie = Math.min(ib + B, i1);
        for (let jb = j0; jb < j1; jb += B) {
          const je = Math.min(jb + B, j1);
          for (let j = jb; j < je; j++) {
            const row = j * n2;
            for (let i = ib; i < ie; i++) dst[row + i] = src[(i - i0) * width + (j - j0)];
          }
        }
      }
    }
  }
}
