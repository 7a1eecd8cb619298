import type { AxisTaps, Window } from './window';

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
 *
 * The filter is a product over spatial axes, so is the map: it is applied one
 * axis at a time (for a full block, to the pair of that axis's two position
 * indices), |F_h| + |F_w| terms per entry instead of |F_h|·|F_w|. `scratch`
 * holds the intermediate blocks (see {@link convScratch}).
 */
export function convBlock(w: Window, diagonal: boolean, src: Float64Array, srcOff: number, dst: Float64Array, dstOff: number, scratch: Float64Array[]): void {
  const k = w.axes.length;
  // dims: the block's current shape, input lengths still on the axes not yet mapped.
  const dims = diagonal ? w.axes.map((a) => a.input) : [...w.axes.map((a) => a.input), ...w.axes.map((a) => a.input)];
  let from = src;
  let fromOff = srcOff;
  for (let d = k - 1; d >= 0; d--) {
    const last = d === 0;
    const to = last ? dst : scratch[d];
    const toOff = last ? dstOff : 0;
    const axis = w.axes[d];
    if (diagonal) {
      axisPass(from, fromOff, to, toOff, dims, d, axis);
      dims[d] = axis.output;
    } else {
      pairPass(from, fromOff, to, toOff, dims, d, k + d, axis);
      dims[d] = axis.output;
      dims[k + d] = axis.output;
    }
    from = to;
    fromOff = toOff;
  }
}

/** Scratch blocks for {@link convBlock}: one per axis but the first, large enough for any intermediate. */
export function convScratch(w: Window, diagonal: boolean): Float64Array[] {
  const positions = w.axes.reduce((s, a) => s * Math.max(a.input, a.output), 1);
  return w.axes.map(() => new Float64Array(diagonal ? positions : positions * positions));
}

/** Dimensions before `axis`, and after it, in a row-major array of shape `dims`. */
function around(dims: readonly number[], axis: number): { outer: number; inner: number } {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= dims[i];
  for (let i = axis + 1; i < dims.length; i++) inner *= dims[i];
  return { outer, inner };
}

/** out[…, t, …] = (1/F) Σ_f in[…, index(t, f), …] along one axis. */
function axisPass(src: Float64Array, srcOff: number, dst: Float64Array, dstOff: number, dims: readonly number[], axis: number, taps: AxisTaps): void {
  const { outer, inner } = around(dims, axis);
  const { input, output, taps: f, index } = taps;
  const inv = 1 / f;
  for (let o = 0; o < outer; o++) {
    for (let t = 0; t < output; t++) {
      const to = dstOff + (o * output + t) * inner;
      for (let r = 0; r < inner; r++) dst[to + r] = 0;
      for (let q = 0; q < f; q++) {
        const u = index[t * f + q];
        if (u < 0) continue;
        const from = srcOff + (o * input + u) * inner;
        for (let r = 0; r < inner; r++) dst[to + r] += src[from + r];
      }
      for (let r = 0; r < inner; r++) dst[to + r] *= inv;
    }
  }
}

/** out[…, t1, …, t2, …] = (1/F) Σ_f in[…, index(t1, f), …, index(t2, f), …] along a pair of axes (the same offset on both). */
function pairPass(src: Float64Array, srcOff: number, dst: Float64Array, dstOff: number, dims: readonly number[], a1: number, a2: number, taps: AxisTaps): void {
  let outer = 1;
  let mid = 1;
  let inner = 1;
  for (let i = 0; i < a1; i++) outer *= dims[i];
  for (let i = a1 + 1; i < a2; i++) mid *= dims[i];
  for (let i = a2 + 1; i < dims.length; i++) inner *= dims[i];
  const { input, output, taps: f, index } = taps;
  const size = outer * output * mid * output * inner;
  for (let e = 0; e < size; e++) dst[dstOff + e] = 0;
  // Offset by offset, so the innermost loops run along contiguous rows.
  for (let o = 0; o < outer; o++) {
    for (let t1 = 0; t1 < output; t1++) {
      for (let q = 0; q < f; q++) {
        const u1 = index[t1 * f + q];
        if (u1 < 0) continue;
        for (let m = 0; m < mid; m++) {
          const toRow = dstOff + ((o * output + t1) * mid + m) * output * inner;
          const fromRow = srcOff + ((o * input + u1) * mid + m) * input * inner;
          for (let t2 = 0; t2 < output; t2++) {
            const u2 = index[t2 * f + q];
            if (u2 < 0) continue;
            const to = toRow + t2 * inner;
            const from = fromRow + u2 * inner;
            for (let r = 0; r < inner; r++) dst[to + r] += src[from + r];
          }
        }
      }
    }
  }
  const inv = 1 / f;
  for (let e = 0; e < size; e++) dst[dstOff + e] *= inv;
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
  src: Float64Array,
  dst: Float64Array,
  n1: number,
  n2: number,
  upperOnly: boolean,
  inBlock: number,
  outBlock: number,
  op: (src: Float64Array, srcOff: number, dst: Float64Array, dstOff: number) => void,
): void {
  for (let i = 0; i < n1; i++) {
    for (let j = upperOnly ? i : 0; j < n2; j++) {
      const b = i * n2 + j;
      op(src, b * inBlock, dst, b * outBlock);
    }
  }
}

/** A block map applied to each example's covariance with itself (cov1, cov2), into a new array. */
export function mapSelfBlocks(
  cov: Float64Array,
  n: number,
  inBlock: number,
  outBlock: number,
  op: (src: Float64Array, srcOff: number, dst: Float64Array, dstOff: number) => void,
): Float64Array {
  const dst = new Float64Array(n * outBlock);
  mapBlocks(cov, dst, n, 1, false, inBlock, outBlock, op);
  return dst;
}
