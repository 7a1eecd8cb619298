import { Matrix } from '../matrix';
import { nativePermuteColumns, nativeScaleColumns } from '../native/matrix-passes';

// Functions of Θ applied in its eigenbasis are diagonal scalings. These loops
// run once per training time on test-by-train matrices, so they walk memory in
// order with hoisted offsets.

/** diag(w) · m: row i of m times w[i]. */
export function scaleRows(m: Matrix, w: ArrayLike<number>): Matrix {
  const { rows, cols, data } = m;
  const out = new Matrix(rows, cols);
  const o = out.data;
  for (let i = 0, row = 0; i < rows; i++, row += cols) {
    const wi = w[i];
    for (let j = 0; j < cols; j++) o[row + j] = wi * data[row + j];
  }
  return out;
}

/** m · diag(w): column j of m times w[j] (into `out` when given, e.g. a work matrix reused across times); in native code where it runs. */
export function scaleColumns(m: Matrix, w: ArrayLike<number>, out: Matrix = new Matrix(m.rows, m.cols)): Matrix {
  const { rows, cols, data } = m;
  const o = out.data;
  if (w instanceof Float64Array && nativeScaleColumns(data, w, o, rows, cols)) return out;
  for (let i = 0, row = 0; i < rows; i++, row += cols) {
    for (let j = 0; j < cols; j++) o[row + j] = w[j] * data[row + j];
  }
  return out;
}

/** m · P: column j of the result is column piv[j] of m (in native code where it runs). */
export function permuteColumns(m: Matrix, piv: Int32Array): Matrix {
  const { rows, cols, data } = m;
  const out = new Matrix(rows, cols);
  const o = out.data;
  if (nativePermuteColumns(data, piv, o, rows, cols)) return out;
  for (let i = 0, row = 0; i < rows; i++, row += cols) {
    for (let j = 0; j < cols; j++) o[row + j] = data[row + piv[j]];
  }
  return out;
}

/** w permuted: entry j is w[piv[j]]. */
export function permute(w: Float64Array, piv: Int32Array): Float64Array {
  return Float64Array.from(piv, (p) => w[p]);
}
