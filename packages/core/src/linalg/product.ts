import { Matrix } from '../matrix';
import { activeBackend } from './backend';

/**
 * op(a) · op(b) for matrices the caller has already validated (finite, the
 * right shapes): the inner-loop form of {@link matmul}, which re-checks every
 * entry of its arguments. Only the inner dimensions are asserted.
 */
export function product(a: Matrix, b: Matrix, transA = false, transB = false): Matrix {
  const m = transA ? a.cols : a.rows;
  const k = transA ? a.rows : a.cols;
  const n = transB ? b.rows : b.cols;
  if ((transB ? b.cols : b.rows) !== k) throw new Error(`product: inner dimensions ${k} and ${transB ? b.cols : b.rows} differ`);
  const c = new Matrix(m, n);
  activeBackend().gemm(transA, transB, m, n, k, 1, a.data, b.data, 0, c.data);
  return c;
}
