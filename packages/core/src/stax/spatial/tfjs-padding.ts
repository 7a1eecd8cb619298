import type { Tensor as TfTensor } from '@tensorflow/tfjs';
import type { Tfjs } from '../../engines/tfjs/backend';

/** The low and high padding of `SAME` (and `CIRCULAR`) on each spatial axis, as XLA splits it. */
export function samePads(spatial: readonly number[], window: readonly number[], strides: readonly number[]): [number, number][] {
  return spatial.map((length, d) => {
    const out = Math.ceil(length / strides[d]);
    const total = Math.max((out - 1) * strides[d] + window[d] - length, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  });
}

/** Zero padding of [n, ...spatial, C] activations, `SAME`'s split. */
export function zeroPad(tf: Tfjs, x: TfTensor, window: readonly number[], strides: readonly number[]): TfTensor {
  const pads = samePads(x.shape.slice(1, -1), window, strides);
  return tf.pad(x, [[0, 0], ...pads, [0, 0]]);
}

/**
 * Every s-th position on each spatial axis of [n, ...spatial, C]
 * activations, starting at 0: a strided window from a stride-1 one, built
 * from pad, reshape and slice, whose gradients every tfjs backend has.
 */
export function subsample(tf: Tfjs, y: TfTensor, strides: readonly number[]): TfTensor {
  let out = y;
  strides.forEach((s, d) => {
    if (s === 1) return;
    const axis = d + 1;
    const length = out.shape[axis];
    const kept = Math.floor((length - 1) / s) + 1;
    const widths = out.shape.map(() => [0, 0] as [number, number]);
    widths[axis] = [0, kept * s - length];
    const padded = tf.pad(out, widths);
    const split = [...padded.shape.slice(0, axis), kept, s, ...padded.shape.slice(axis + 1)];
    const begin = split.map(() => 0);
    const size = split.map((v) => v);
    size[axis + 1] = 1;
    out = tf.reshape(tf.slice(tf.reshape(padded, split), begin, size), [...padded.shape.slice(0, axis), kept, ...padded.shape.slice(axis + 1)]);
  });
  return out;
}

/**
 * Wraps [n, ...spatial, C] activations periodically so that a 'valid' window
 * gives the outputs of `CIRCULAR` padding: the same split as `SAME`
 * (low ⌊p/2⌋, high ⌈p/2⌉), filled from the opposite side.
 */
export function circularPad(tf: Tfjs, x: TfTensor, window: readonly number[], strides: readonly number[]): TfTensor {
  let out = x;
  window.forEach((f, d) => {
    const axis = d + 1;
    const [[low, high]] = samePads([x.shape[axis]], [f], [strides[d]]);
    const size = out.shape[axis];
    const parts: TfTensor[] = [];
    const slice = (start: number, count: number) => {
      const begin = out.shape.map(() => 0);
      const sizes = out.shape.map(() => -1);
      begin[axis] = start;
      sizes[axis] = count;
      return tf.slice(out, begin, sizes);
    };
    if (low > 0) parts.push(slice(size - low, low));
    parts.push(out);
    if (high > 0) parts.push(slice(0, high));
    out = parts.length === 1 ? out : tf.concat(parts, axis);
  });
  return out;
}
