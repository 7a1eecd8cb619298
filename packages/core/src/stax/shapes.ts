import { InputError, ShapeError } from '../errors';
import { Matrix } from '../matrix';
import { Tensor } from '../tensor';
import type { Dims, InputShape, SpatialDims, Tensors } from './types';

/** Whether `d` is the shape of a spatial example (an image or a sequence) rather than a feature count or a branch list. */
export function isSpatialDims(d: Dims): d is SpatialDims {
  return typeof d === 'object' && !Array.isArray(d);
}

/** The number of positions of a spatial shape: H·W for images, L for sequences. */
export function positions(spatial: readonly number[]): number {
  return spatial.reduce((a, b) => a * b, 1);
}

/** A spatial example shape from its public form [...spatial, channels]; a rank-1 shape is a feature count. */
export function dimsOfShape(shape: readonly number[]): Dims {
  return shape.length === 1 ? shape[0] : { spatial: shape.slice(0, -1), channels: shape[shape.length - 1] };
}

/** The public form of an example shape: a number of features, [...spatial, channels], or one per branch. */
export function publicDims(d: Dims): InputShape {
  if (typeof d === 'number') return d;
  if (isSpatialDims(d)) return [...d.spatial, d.channels];
  return d.map(publicDims);
}

/** A readable example shape for messages, e.g. `(8, 8, 3)` or `(5)`. */
export function describeDims(d: Dims): string {
  if (typeof d === 'number') return `(${d})`;
  if (isSpatialDims(d)) return `(${[...d.spatial, d.channels].join(', ')})`;
  return `[${d.map(describeDims).join(', ')}]`;
}

/**
 * The `inputShape` of `init`, validated: a number of features, a shape
 * without the batch axis ([H, W, C] for images, [L, C] for sequences), or, for
 * a network with several inputs, an array with one of those per input
 * (e.g. [[3], [8, 8, 1]]).
 */
export function dimsFromPublic(where: string, inputShape: unknown): Dims {
  const positive = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;
  const parse = (v: unknown, top: boolean): Dims => {
    if (positive(v)) return v as number;
    if (Array.isArray(v) && v.length > 0) {
      if (v.every(positive)) return dimsOfShape(v as number[]);
      if (v.every((e) => positive(e) || Array.isArray(e))) return v.map((e) => parse(e, false));
    }
    throw new InputError(
      `${where}: inputShape must be a positive integer (the number of input features), a shape without the batch axis such as [8, 8, 3] for images or [16, 4] for sequences, or one of those per input branch (e.g. [[3], [5]]); got ${JSON.stringify(top ? inputShape : v)}`,
    );
  };
  return parse(inputShape, true);
}

/** The example shape of finite activations (rows are examples). */
export function dimsOf(x: Tensors): Dims {
  if (x instanceof Matrix) return x.cols;
  if (x instanceof Tensor) return dimsOfShape(x.shape.slice(1));
  return x.map(dimsOf);
}

export function sameDims(a: Dims, b: Dims): boolean {
  if (typeof a === 'number' || typeof b === 'number') return a === b;
  if (isSpatialDims(a) || isSpatialDims(b)) {
    return (
      isSpatialDims(a) &&
      isSpatialDims(b) &&
      a.channels === b.channels &&
      a.spatial.length === b.spatial.length &&
      a.spatial.every((s, i) => s === b.spatial[i])
    );
  }
  return a.length === b.length && a.every((ai, i) => sameDims(ai, b[i]));
}

/** The examples (rows) of each input branch. */
export function rowsOf(x: Tensors): number[] {
  if (x instanceof Matrix) return [x.rows];
  if (x instanceof Tensor) return [x.shape[0]];
  return x.flatMap(rowsOf);
}

/** One example-shaped activation of one branch, as a Tensor of shape (n, ...spatial, C) or a Matrix (n, C). */
export function activationOf(where: string, x: Tensors): Matrix | Tensor {
  if (x instanceof Matrix || x instanceof Tensor) return x;
  throw new ShapeError(`${where}: expects one input but got ${x.length} branches; apply it inside stax.parallel(...) to act on each branch`);
}

/** A new activation with the shape of `x` and the given data. */
export function withData(x: Matrix | Tensor, data: Float64Array): Matrix | Tensor {
  return x instanceof Matrix ? new Matrix(x.rows, x.cols, data) : new Tensor(x.shape, data);
}
