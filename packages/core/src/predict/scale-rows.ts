import { Matrix } from '../matrix';

/** diag(w) · m: row i of m times w[i] (a function of Θ applied in its eigenbasis). */
export function scaleRows(m: Matrix, w: ArrayLike<number>): Matrix {
  const out = new Matrix(m.rows, m.cols);
  for (let i = 0; i < m.rows; i++) {
    const wi = w[i];
    for (let j = 0; j < m.cols; j++) out.data[i * m.cols + j] = wi * m.data[i * m.cols + j];
  }
  return out;
}

/** m · diag(w): column j of m times w[j]. */
export function scaleColumns(m: Matrix, w: ArrayLike<number>): Matrix {
  const out = new Matrix(m.rows, m.cols);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) out.data[i * m.cols + j] = w[j] * m.data[i * m.cols + j];
  }
  return out;
}
