import { Matrix } from '../../matrix';
import type { Window } from './window';

/**
 * The patches a conv multiplies its filters with: row (i, o) holds, for every
 * window offset f and channel c, example i's input at the position offset f
 * reads for output position o (zero where the window is over padding). The
 * conv is then one gemm: patches (n·S′ × |F|·C) times W (|F|·C × out).
 */
export function im2col(x: Float64Array, n: number, channels: number, w: Window): Matrix {
  const { index, taps, outSize, inSize } = w;
  const width = taps * channels;
  const out = new Matrix(n * outSize, width);
  const dst = out.data;
  for (let i = 0; i < n; i++) {
    const base = i * inSize * channels;
    for (let o = 0; o < outSize; o++) {
      const row = (i * outSize + o) * width;
      for (let f = 0; f < taps; f++) {
        const u = index[o * taps + f];
        if (u < 0) continue;
        const from = base + u * channels;
        const to = row + f * channels;
        for (let c = 0; c < channels; c++) dst[to + c] = x[from + c];
      }
    }
  }
  return out;
}

/** The adjoint of {@link im2col}: sums each patch entry's gradient back onto the input position it was read from. */
export function col2im(patches: Float64Array, n: number, channels: number, w: Window): Float64Array {
  const { index, taps, outSize, inSize } = w;
  const width = taps * channels;
  const out = new Float64Array(n * inSize * channels);
  for (let i = 0; i < n; i++) {
    const base = i * inSize * channels;
    for (let o = 0; o < outSize; o++) {
      const row = (i * outSize + o) * width;
      for (let f = 0; f < taps; f++) {
        const u = index[o * taps + f];
        if (u < 0) continue;
        const to = base + u * channels;
        const from = row + f * channels;
        for (let c = 0; c < channels; c++) out[to + c] += patches[from + c];
      }
    }
  }
  return out;
}
