import { ShapeError } from '../errors';
import { Matrix } from '../matrix';
import { Tensor } from '../tensor';
import type { Tensors } from './types';

/** Whether `x` is one activation (a matrix or a tensor) rather than a branch list. */
export function isSingle(x: Tensors): x is Matrix | Tensor {
  return x instanceof Matrix || x instanceof Tensor;
}

/** Zeros with the shape of `x` (one activation or a branch list). */
export function zerosLike(x: Tensors): Tensors {
  if (x instanceof Matrix) return new Matrix(x.rows, x.cols);
  if (x instanceof Tensor) return new Tensor(x.shape);
  return x.map(zerosLike);
}

function shapeOf(x: Matrix | Tensor): readonly number[] {
  return x instanceof Matrix ? [x.rows, x.cols] : x.shape;
}

/** Elementwise sum of two activations of the same shape. */
export function addTensors(a: Tensors, b: Tensors): Tensors {
  if (isSingle(a) && isSingle(b)) {
    const sa = shapeOf(a);
    const sb = shapeOf(b);
    if (sa.length !== sb.length || sa.some((d, i) => d !== sb[i])) {
      throw new ShapeError(`cannot add activations of shapes (${sa.join(', ')}) and (${sb.join(', ')})`);
    }
    const out = new Float64Array(a.data.length);
    for (let i = 0; i < out.length; i++) out[i] = a.data[i] + b.data[i];
    return a instanceof Matrix ? new Matrix(a.rows, a.cols, out) : new Tensor(a.shape, out);
  }
  if (!isSingle(a) && !isSingle(b) && a.length === b.length) {
    return a.map((ai, i) => addTensors(ai, b[i]));
  }
  throw new ShapeError('cannot add activations with different branch structures');
}
