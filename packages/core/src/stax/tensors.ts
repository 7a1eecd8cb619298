import { ShapeError } from '../errors';
import { Matrix } from '../matrix';
import type { Tensors } from './types';

/** Zeros with the shape of `x` (one matrix or a branch list). */
export function zerosLike(x: Tensors): Tensors {
  return x instanceof Matrix ? new Matrix(x.rows, x.cols) : x.map(zerosLike);
}

/** Elementwise sum of two activations of the same shape. */
export function addTensors(a: Tensors, b: Tensors): Tensors {
  if (a instanceof Matrix && b instanceof Matrix) {
    if (a.rows !== b.rows || a.cols !== b.cols) {
      throw new ShapeError(`cannot add ${a.rows}×${a.cols} and ${b.rows}×${b.cols} activations`);
    }
    const out = new Matrix(a.rows, a.cols);
    for (let i = 0; i < out.data.length; i++) out.data[i] = a.data[i] + b.data[i];
    return out;
  }
  if (!(a instanceof Matrix) && !(b instanceof Matrix) && a.length === b.length) {
    return a.map((ai, i) => addTensors(ai, b[i]));
  }
  throw new ShapeError('cannot add activations with different branch structures');
}
