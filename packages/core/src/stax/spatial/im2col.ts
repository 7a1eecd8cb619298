import type { Window } from './window';

/**
 * Patch rows a conv multiplies its filters with: row r = (i, o) holds, for
 * every window offset f and channel c, example i's input at the position
 * offset f reads for output position o (zero where the window is over
 * padding). A conv is then patches (n·S′ × |F|·C) times W (|F|·C × out).
 *
 * The patches of a whole batch are |F| times the input — 38 MB for a 3×3,
 * 64-channel layer on 32 images of 16×16 — so they are never built whole: the
 * layer walks the rows in blocks of {@link patchBlockRows}, each written into
 * a buffer that stays in cache for its gemm and is reused across calls.
 */
export function im2colRows(x: Float64Array, channels: number, w: Window, r0: number, r1: number, dst: Float64Array): void {
  const { index, taps, outSize, inSize } = w;
  const width = taps * channels;
  for (let r = r0; r < r1; r++) {
    const i = Math.floor(r / outSize);
    const o = r - i * outSize;
    const base = i * inSize * channels;
    const row = (r - r0) * width;
    gatherPositions(x, base, channels, index, o * taps, taps, dst, row);
  }
}

/**
 * dst[to + k·C …] = the C channels of input position index[start + k] (from
 * `base`), or zeros where it is −1, for k < count. Entries that read
 * consecutive positions (a filter row over an image row, channels last) are
 * one contiguous run: one native copy each.
 */
export function gatherPositions(
  x: Float64Array,
  base: number,
  channels: number,
  index: Int32Array,
  start: number,
  count: number,
  dst: Float64Array,
  to: number,
): void {
  for (let k = 0; k < count;) {
    const u = index[start + k];
    let end = k + 1;
    if (u < 0) {
      while (end < count && index[start + end] < 0) end++;
      dst.fill(0, to + k * channels, to + end * channels);
    } else {
      while (end < count && index[start + end] === u + end - k) end++;
      dst.set(x.subarray(base + u * channels, base + (u + end - k) * channels), to + k * channels);
    }
    k = end;
  }
}

/** The adjoint of {@link im2colRows}: adds each patch entry of rows r0…r1 back onto the input position it was read from. */
export function col2imRows(patches: Float64Array, channels: number, w: Window, r0: number, r1: number, out: Float64Array): void {
  const { index, taps, outSize, inSize } = w;
  const width = taps * channels;
  for (let r = r0; r < r1; r++) {
    const i = Math.floor(r / outSize);
    const o = r - i * outSize;
    const base = i * inSize * channels;
    const row = (r - r0) * width;
    for (let f = 0; f < taps;) {
      const u = index[o * taps + f];
      let end = f + 1;
      if (u < 0) {
        f = end;
        continue;
      }
      while (end < taps && index[o * taps + end] === u + end - f) end++;
      const to = base + u * channels - (row + f * channels);
      for (let e = row + f * channels, stop = row + end * channels; e < stop; e++) out[to + e] += patches[e];
      f = end;
    }
  }
}

/**
 * Rows per block: about 2 MiB of patches (at least one row, at most all),
 * which measured fastest for the 3×3, 64-channel layer of `bench/cnn.bench.ts`
 * — large enough for an efficient gemm, small enough to stay in cache.
 */
export function patchBlockRows(width: number, rows: number): number {
  return Math.max(1, Math.min(rows, Math.floor(PATCH_BLOCK_ENTRIES / width)));
}

const PATCH_BLOCK_ENTRIES = 1 << 18;

const buffers: Float64Array[] = [];

/**
 * Scratch buffer `slot` (0, 1 or 2: a backward pass needs patches and their
 * gradient at once, and the shifted-gemm path a padded grid, its anchors' gradient and the grid's) of at least `size` entries, reused across calls so a
 * training step does not page in fresh memory for every block. Each worker
 * thread has its own module state, and the conv's passes are synchronous, so
 * a slot is never used by two passes at once.
 */
export function patchScratch(slot: 0 | 1 | 2, size: number): Float64Array {
  if ((buffers[slot]?.length ?? 0) < size) buffers[slot] = new Float64Array(size);
  return buffers[slot].subarray(0, size);
}
