import { InputError, ShapeError } from '../errors';
import { Matrix, type MatrixLike } from '../matrix';
import { Tensor } from '../tensor';
import { describeValue, isVectorInput, vectorArg, type VectorLike } from './vector';

/**
 * Joins arrays along an existing axis, as `numpy.concatenate`:
 * - vectors (`number[]`, typed arrays) → one `Float64Array`;
 * - matrices → a {@link Matrix}, stacking rows (axis 0, the default: more
 *   examples) or columns (axis 1: more features or outputs);
 * - tensors → a {@link Tensor}, along any axis (negative from the end).
 * The other axes must agree; the error names the first that does not.
 *
 * @example
 * ```ts
 * concat([[[1, 2]], [[3, 4], [5, 6]]]).rows;  // 3
 * concat([[[1], [2]], [[3], [4]]], 1).toArray(); // [[1, 3], [2, 4]]
 * ```
 */
export function concat(arrays: readonly Tensor[], axis?: number): Tensor;
export function concat(arrays: readonly VectorLike[]): Float64Array;
export function concat(arrays: readonly MatrixLike[], axis?: 0 | 1 | -1): Matrix;
export function concat(arrays: readonly (VectorLike | MatrixLike | Tensor)[], axis = 0): Float64Array | Matrix | Tensor {
  if (!Array.isArray(arrays) || arrays.length === 0) {
    throw new InputError(`concat: pass a non-empty array of arrays to join, got ${describeValue(arrays)}`);
  }
  if (arrays.every((a) => a instanceof Tensor)) return concatTensors(arrays as Tensor[], axis);
  if (arrays.every(isVectorInput)) {
    if (axis !== 0) throw new InputError(`concat: vectors join along axis 0 only, got axis ${axis}`);
    const parts = arrays.map((a, i) => vectorArg('concat', `arrays[${i}]`, a, { allowEmpty: true }));
    const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
  if (axis !== 0 && axis !== 1 && axis !== -1) throw new InputError(`concat: matrices join along axis 0 (rows) or 1 (columns), got ${axis}`);
  const ms = arrays.map((a, i) => Matrix.from(a as MatrixLike, `concat: arrays[${i}]`));
  return concatTensors(
    ms.map((m) => new Tensor([m.rows, m.cols], m.data)),
    axis,
  ).toMatrix();
}

function concatTensors(ts: readonly Tensor[], axis: number): Tensor {
  const rank = ts[0].rank;
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) throw new InputError(`concat: axis ${axis} is out of range for rank ${rank}`);
  const a = axis < 0 ? axis + rank : axis;
  ts.forEach((t, i) => {
    const mismatch = t.rank !== rank || t.shape.some((d, k) => k !== a && d !== ts[0].shape[k]);
    if (mismatch) {
      throw new ShapeError(
        `concat: arrays[${i}] has shape [${t.shape.join(', ')}] but arrays[0] has [${ts[0].shape.join(', ')}]; all axes except axis ${a} must agree`,
      );
    }
  });
  const shape = [...ts[0].shape];
  shape[a] = ts.reduce((n, t) => n + t.shape[a], 0);
  const outer = shape.slice(0, a).reduce((p, q) => p * q, 1);
  const inner = shape.slice(a + 1).reduce((p, q) => p * q, 1);
  const out = new Tensor(shape);
  let at = 0;
  for (let o = 0; o < outer; o++) {
    for (const t of ts) {
      const block = t.shape[a] * inner;
      out.data.set(t.data.subarray(o * block, (o + 1) * block), at);
      at += block;
    }
  }
  return out;
}
