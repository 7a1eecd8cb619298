import type { Tensor as TfTensor } from '@tensorflow/tfjs';
import type { Tfjs } from '../../engines/tfjs/backend';
import type { Padding } from './window';

/** tfjs's padding name for ours: circular inputs are wrapped first, then convolved 'valid'. */
export function tfjsPadding(padding: Padding): 'same' | 'valid' {
  return padding === 'SAME' ? 'same' : 'valid';
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
    const length = x.shape[axis];
    const outLength = Math.ceil(length / strides[d]);
    const total = Math.max((outLength - 1) * strides[d] + f - length, 0);
    const low = Math.floor(total / 2);
    const high = total - low;
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
