/**
 * A batch of examples, the first axis of every input: a {@link Matrix}
 * (n, features) or a {@link Tensor} (n, L, C) sequences / (n, H, W, C)
 * images, channels last. These helpers treat both alike.
 */
import { ShapeError } from './errors';
import { Matrix, type MatrixLike } from './matrix';
import { Tensor, type InputLike } from './tensor';

export type Examples = Matrix | Tensor;

/** Nested arrays deep enough to be a sequence (rank 3) or an image batch (rank 4). */
function isDeep(x: unknown): boolean {
  let depth = 0;
  let probe = x;
  while (Array.isArray(probe) && probe.length > 0) {
    depth++;
    probe = probe[0];
  }
  if (ArrayBuffer.isView(probe)) depth++;
  return depth >= 3;
}

/**
 * A validated batch: a Matrix for (n, features) (nested arrays of depth 2,
 * typed-array rows, a Matrix, a rank-2 Tensor), a Tensor for rank 3 or 4.
 */
export function examplesFrom(x: InputLike, name: string): Examples {
  if (x instanceof Tensor || isDeep(x)) {
    const t = Tensor.from(x as Tensor, name);
    if (t.rank === 2) return t.toMatrix();
    if (t.rank < 2) throw new ShapeError(`${name} has rank ${t.rank}; inputs are (n, features) matrices, (n, L, C) sequences or (n, H, W, C) images`);
    return t;
  }
  return Matrix.from(x as MatrixLike, name);
}

/** The number of examples n. */
export function exampleCount(x: Examples): number {
  return x instanceof Matrix ? x.rows : x.shape[0];
}

/** The shape of one example: [features] or [...spatial, C]. */
export function exampleShape(x: Examples): number[] {
  return x instanceof Matrix ? [x.cols] : x.shape.slice(1);
}

/** Whether two batches have the same example shape. */
export function sameExampleShape(a: Examples, b: Examples): boolean {
  const sa = exampleShape(a);
  const sb = exampleShape(b);
  return sa.length === sb.length && sa.every((d, i) => d === sb[i]);
}

/** Examples i0 (inclusive) to i1 (exclusive), sharing memory where possible. */
export function sliceExamples(x: Examples, i0: number, i1: number): Examples {
  return x instanceof Matrix ? x.sliceRows(i0, i1) : x.examples(i0, i1);
}

/** The examples at `rows`, copied (a minibatch); all of them when `rows` covers the batch in order. */
export function takeExamples(x: Examples, rows: Int32Array): Examples {
  const n = exampleCount(x);
  if (rows.length === n && rows.every((r, i) => r === i)) return x;
  const size = x.data.length / n;
  const data = new Float64Array(rows.length * size);
  rows.forEach((r, i) => data.set(x.data.subarray(r * size, (r + 1) * size), i * size));
  return x instanceof Matrix ? new Matrix(rows.length, x.cols, data) : new Tensor([rows.length, ...x.shape.slice(1)], data);
}

/** A batch with the shape of `like` on other memory (e.g. shared across threads). */
export function examplesOn(like: { shape: readonly number[] }, data: Float64Array): Examples {
  return like.shape.length === 2 ? new Matrix(like.shape[0], like.shape[1], data) : new Tensor(like.shape, data);
}

/** The full shape (n, ...) of a batch. */
export function batchShape(x: Examples): number[] {
  return x instanceof Matrix ? [x.rows, x.cols] : [...x.shape];
}

/** A batch's example shape in words: `3 features`, or `examples of shape (8, 8, 3)`. */
export function describeExamples(x: Examples): string {
  return x instanceof Matrix ? `${x.cols} features` : `examples of shape (${exampleShape(x).join(', ')})`;
}
