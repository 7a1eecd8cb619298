import { activeBackend } from '../linalg/backend';
import type { Matrix } from '../matrix';
import { permuteColumns } from './scale-rows';

/**
 * A triangular square root of a positive semi-definite matrix A from pivoted
 * Cholesky (LAPACK dpstrf): A = (P L)(P L)ᵀ with L lower triangular. It turns
 * every quadratic form B A Bᵀ of the covariances (eqs. 14, 16) into
 * (B P L)(B P L)ᵀ: one triangular product (dtrmm, half a dgemm's work) and one
 * symmetric rank-k update (dsyrk, half again), exactly symmetric. Pivoting
 * makes it work for singular A too (an NNGP of repeated inputs), where plain
 * Cholesky fails; directions below LAPACK's tolerance n·ε·max diag are dropped.
 */
export interface PsdRoot {
  /** L, n×n lower triangular, zero from column `rank` on. */
  l: Matrix;
  /** (A P)[:, j] = A[:, piv[j]]. */
  piv: Int32Array;
  rank: number;
}

/** The root of `a`; with `overwrite`, `a` (a private copy) becomes L. */
export function psdRoot(a: Matrix, overwrite = false): PsdRoot {
  const l = overwrite ? a : a.clone();
  const piv = new Int32Array(a.rows);
  const rank = activeBackend().pstrf(a.rows, l.data, piv);
  return { l, piv, rank };
}

/** H = B P L (m×n), so that B A Bᵀ = H Hᵀ. */
export function timesRoot(b: Matrix, root: PsdRoot): Matrix {
  const h = permuteColumns(b, root.piv);
  activeBackend().trmmRightLower(h.rows, h.cols, root.l.data, h.data);
  return h;
}
