import { InputError } from '../errors';
import { Matrix, type MatrixLike } from '../matrix';
import { isVectorInput, vectorArg, type VectorLike } from './vector';

/**
 * Index of the largest entry (the first, on ties), as `numpy.argmax`:
 * - a vector → one index;
 * - a matrix with `axis: 1` → the column of each row's maximum (the predicted
 *   class of each example from logits or a GP mean); `axis: 0` → the row of
 *   each column's maximum; no axis → the flat row-major index.
 *
 * @example
 * ```ts
 * argmax([0.1, 0.7, 0.2]);                   // 1
 * argmax([[0.1, 0.9], [0.8, 0.2]], 1);      // [1, 0]
 * ```
 */
export function argmax(x: VectorLike): number;
export function argmax(x: MatrixLike, axis: 0 | 1 | -1): number[];
export function argmax(x: MatrixLike): number;
export function argmax(x: MatrixLike, axis?: 0 | 1 | -1): number | number[] {
  if (axis === undefined) {
    const v = isVectorInput(x) ? vectorArg('argmax', 'x', x) : Matrix.from(x, 'argmax: x').data;
    return argmaxRange(v, 0, v.length, 1);
  }
  if (axis !== 0 && axis !== 1 && axis !== -1)
    throw new InputError(`argmax: axis must be 0 (down each column), 1 or -1 (along each row), or omitted, got ${String(axis)}`);
  const m = Matrix.from(x, 'argmax: x');
  if (axis === 0) return Array.from({ length: m.cols }, (_, j) => argmaxRange(m.data, j, m.rows, m.cols));
  return Array.from({ length: m.rows }, (_, i) => argmaxRange(m.data, i * m.cols, m.cols, 1));
}

/** Position (0…count−1) of the largest of data[start + k·stride]. */
export function argmaxRange(data: ArrayLike<number>, start: number, count: number, stride: number): number {
  let best = 0;
  let bestValue = data[start];
  for (let k = 1; k < count; k++) {
    const v = data[start + k * stride];
    if (v > bestValue) {
      best = k;
      bestValue = v;
    }
  }
  return best;
}
