import type { Window } from './window';

/**
 * Linear maps on the spatial blocks of a kernel, one pair of examples (or one
 * example with itself) at a time. Blocks are row-major: S entries (one per
 * position, "diagonal") or S×S (every pair of positions, "full").
 */

/**
 * The covariance of a conv's output from its input's, before σ_w², σ_b²
 * (Neural Tangents' `_conv_kernel_*_spatial`): the mean over the filter's
 * offsets f of the input covariance at the positions read by f — the same f
 * at both positions, because the weights are shared. Zero-padded positions
 * contribute zero; the mean is over all |F| offsets.
 */
export function convBlock(w: Window, diagonal: boolean, src: Float64Array, srcOff: number, dst: Float64Array, dstOff: number): void {
  const { index, taps, outSize, inSize } = w;
  const inv = 1 / taps;
  if (diagonal) {
    for (let o = 0; o < outSize; o++) {
      let sum = 0;
      for (let f = 0; f < taps; f++) {
        const u = index[o * taps + f];
        if (u >= 0) sum += src[srcOff + u];
      }
      dst[dstOff + o] = sum * inv;
    }
    return;
  }
  for (let o1 = 0; o1 < outSize; o1++) {
    for (let o2 = 0; o2 < outSize; o2++) {
      let sum = 0;
      for (let f = 0; f < taps; f++) {
        const u1 = index[o1 * taps + f];
        const u2 = index[o2 * taps + f];
        if (u1 >= 0 && u2 >= 0) sum += src[srcOff + u1 * inSize + u2];
      }
      dst[dstOff + o1 * outSize + o2] = sum * inv;
    }
  }
}

/**
 * The covariance of an average pool's output (Neural Tangents' `_pool_kernel`):
 * at positions (p, q) the mean over the two windows' positions, independently
 * for each side, of the input covariance. `normalizeEdges` divides by the
 * number of positions each window really covers instead of the window size.
 */
export function poolBlock(w: Window, normalizeEdges: boolean, src: Float64Array, srcOff: number, dst: Float64Array, dstOff: number): void {
  const { index, taps, outSize, inSize } = w;
  const norm = new Float64Array(outSize);
  for (let o = 0; o < outSize; o++) {
    let count = taps;
    if (normalizeEdges) {
      count = 0;
      for (let f = 0; f < taps; f++) if (index[o * taps + f] >= 0) count++;
    }
    norm[o] = 1 / count;
  }
  // Pool the second position, then the first: rows then columns of the S×S block.
  const half = new Float64Array(inSize * outSize);
  for (let u = 0; u < inSize; u++) {
    for (let o = 0; o < outSize; o++) {
      let sum = 0;
      for (let f = 0; f < taps; f++) {
        const v = index[o * taps + f];
        if (v >= 0) sum += src[srcOff + u * inSize + v];
      }
      half[u * outSize + o] = sum * norm[o];
    }
  }
  for (let o1 = 0; o1 < outSize; o1++) {
    for (let o2 = 0; o2 < outSize; o2++) {
      let sum = 0;
      for (let f = 0; f < taps; f++) {
        const u = index[o1 * taps + f];
        if (u >= 0) sum += half[u * outSize + o2];
      }
      dst[dstOff + o1 * outSize + o2] = sum * norm[o1];
    }
  }
}

/**
 * Applies `op` to every block of a kernel of n1×n2 blocks (or, `upperOnly`,
 * those with j ≥ i), from blocks of `inBlock` entries to blocks of `outBlock`.
 */
export function mapBlocks(
  src: Float64Array, dst: Float64Array, n1: number, n2: number, upperOnly: boolean, inBlock: number, outBlock: number,
  op: (src: Float64Array, srcOff: number, dst: Float64Array, dstOff: number) => void,
): void {
  for (let i = 0; i < n1; i++) {
    for (let j = upperOnly ? i : 0; j < n2; j++) {
      const b = i * n2 + j;
      op(src, b * inBlock, dst, b * outBlock);
    }
  }
}
