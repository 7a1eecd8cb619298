import { InputError, ShapeError } from '../../errors';

/** How a window treats positions outside the input (Neural Tangents' `Padding`). */
export type Padding = 'SAME' | 'VALID' | 'CIRCULAR';

export const PADDINGS: readonly Padding[] = ['SAME', 'VALID', 'CIRCULAR'];

/**
 * A window slid over the positions of an image or sequence: for each output
 * position and each offset in the window, the input position it reads, or −1
 * for a zero (padding). Positions and offsets are flattened row-major over
 * the spatial axes. Sizes and padding follow XLA (and so Neural Tangents):
 * `SAME` gives ⌈L/s⌉ outputs with the padding split low ⌊p/2⌋, high ⌈p/2⌉;
 * `VALID` gives ⌊(L − F)/s⌋ + 1 with no padding; `CIRCULAR` is `SAME` with
 * the padding taken from the other side of the input (periodic boundaries).
 */
export interface Window {
  /** Input spatial shape, e.g. [H, W]. */
  readonly input: readonly number[];
  /** Output spatial shape. */
  readonly output: readonly number[];
  /** Window shape, e.g. [3, 3]. */
  readonly window: readonly number[];
  /** Input positions, output positions and window offsets, flattened. */
  readonly inSize: number;
  readonly outSize: number;
  readonly taps: number;
  /** taps·outSize entries: `index[o·taps + f]` is the input position read by offset f at output o, or −1. */
  readonly index: Int32Array;
  /** The same, one spatial axis at a time: `axes[d].index[t·F_d + f]` is the input index on axis d, or −1. */
  readonly axes: readonly AxisTaps[];
}

/** One axis of a window: input and output lengths, window length, and the input index each offset reads. */
export interface AxisTaps {
  readonly input: number;
  readonly output: number;
  readonly taps: number;
  readonly index: Int32Array;
}

/** The output length and low padding of one axis. */
function axis(length: number, filter: number, stride: number, padding: Padding): { out: number; low: number } {
  if (padding === 'VALID') return { out: Math.floor((length - filter) / stride) + 1, low: 0 };
  const out = Math.ceil(length / stride);
  const total = Math.max((out - 1) * stride + filter - length, 0);
  return { out, low: Math.floor(total / 2) };
}

/** Checks and builds a window; `where` names the layer in errors. */
export function slidingWindow(where: string, input: readonly number[], window: readonly number[], strides: readonly number[], padding: Padding): Window {
  if (!PADDINGS.includes(padding)) {
    throw new InputError(`${where}: padding must be 'SAME', 'VALID' or 'CIRCULAR', got ${JSON.stringify(padding)}`);
  }
  if (window.length !== input.length) {
    throw new ShapeError(
      `${where}: a ${window.length}-D window needs inputs with ${window.length} spatial axes (${window.length === 2 ? '(n, H, W, C) images' : '(n, L, C) sequences'}), got ${input.length} (positions ${input.join('×') || 'none'})`,
    );
  }
  const axes = input.map((length, d) => {
    if (padding === 'VALID' && window[d] > length) {
      throw new ShapeError(
        `${where}: the window ${window.join('×')} is larger than the input's ${input.join('×')} positions on axis ${d} with padding 'VALID'; use a smaller window, padding 'SAME', or larger inputs`,
      );
    }
    return axis(length, window[d], strides[d], padding);
  });
  const output = axes.map((a) => a.out);
  const inSize = input.reduce((a, b) => a * b, 1);
  const outSize = output.reduce((a, b) => a * b, 1);
  const taps = window.reduce((a, b) => a * b, 1);
  const index = new Int32Array(outSize * taps);
  const rank = input.length;
  const o = new Array<number>(rank).fill(0);
  const f = new Array<number>(rank).fill(0);
  for (let oi = 0; oi < outSize; oi++) {
    let rest = oi;
    for (let d = rank - 1; d >= 0; d--) {
      o[d] = rest % output[d];
      rest = Math.floor(rest / output[d]);
    }
    for (let fi = 0; fi < taps; fi++) {
      let r = fi;
      for (let d = rank - 1; d >= 0; d--) {
        f[d] = r % window[d];
        r = Math.floor(r / window[d]);
      }
      let position = 0;
      for (let d = 0; d < rank; d++) {
        let u = o[d] * strides[d] + f[d] - axes[d].low;
        if (padding === 'CIRCULAR') u = ((u % input[d]) + input[d]) % input[d];
        if (u < 0 || u >= input[d]) {
          position = -1;
          break;
        }
        position = position * input[d] + u;
      }
      index[oi * taps + fi] = position;
    }
  }
  const perAxis = input.map((length, d): AxisTaps => {
    const axisIndex = new Int32Array(output[d] * window[d]);
    for (let t = 0; t < output[d]; t++) {
      for (let f = 0; f < window[d]; f++) {
        let u = t * strides[d] + f - axes[d].low;
        if (padding === 'CIRCULAR') u = ((u % length) + length) % length;
        axisIndex[t * window[d] + f] = u >= 0 && u < length ? u : -1;
      }
    }
    return { input: length, output: output[d], taps: window[d], index: axisIndex };
  });
  return { input, output, window, inSize, outSize, taps, index, axes: perAxis };
}

/** The windows of one layer, built once per input shape (a network sees few). */
export function windowCache(where: string, window: readonly number[], strides: readonly number[], padding: Padding): (spatial: readonly number[]) => Window {
  const windows = new Map<string, Window>();
  return (spatial) => {
    const key = spatial.join(',');
    let w = windows.get(key);
    if (!w) {
      w = slidingWindow(where, spatial, window, strides, padding);
      windows.set(key, w);
    }
    return w;
  };
}
