/**
 * Float64 linear algebra: OpenBLAS/LAPACK through koffi when available, pure
 * TypeScript otherwise (see {@link backend}). Symmetric problems use symmetric
 * solvers (dsyrk, dsyevd, dpotrf/dpotrs).
 * @packageDocumentation
 */
import { NumericalError, ShapeError } from '../errors';
import { Matrix, type MatrixLike } from '../matrix';
import { activeBackend, fallbackExplanation } from './backend';

export { BACKEND_ENV } from './backend';
export { profile, type LinalgProfile } from './profile';
export type { LinalgBackend } from './backend-interface';

/** Which engine this process uses: `'openblas'` or `'typescript'`. */
export function backend(): 'openblas' | 'typescript' {
  return activeBackend().name;
}

/**
 * The engine in use and, for the fallback, why OpenBLAS was not used; for
 * OpenBLAS, its kernel family (`core`, e.g. `'SkylakeX'`) and thread count.
 * A `core` of `'Prescott'` on a modern CPU means generic SSE3 kernels, several
 * times slower: set `OPENBLAS_CORETYPE` (see the README).
 */
export function backendInfo(): { name: 'openblas' | 'typescript'; reason?: string; core?: string; threads?: number } {
  const reason = fallbackExplanation();
  if (reason !== undefined) return { name: backend(), reason };
  return { name: backend(), ...activeBackend().info?.() };
}

/** Relative tolerance for "symmetric": |a_ij − a_ji| ≤ tol · max|a|. */
const SYMMETRY_TOL = 1e-10;

function checkSymmetric(where: string, a: Matrix, name: string): void {
  if (a.rows !== a.cols) throw new ShapeError(`${where}: ${name} must be square, got ${a.rows}×${a.cols}`);
  const asym = a.asymmetry();
  if (asym > SYMMETRY_TOL * Math.max(a.maxAbs(), Number.MIN_VALUE)) {
    throw new ShapeError(`${where}: ${name} is not symmetric (max |a_ij − a_ji| = ${asym.toExponential(3)}); pass a symmetric matrix, e.g. (K + Kᵀ)/2`);
  }
}

/**
 * Matrix product op(a) · op(b), float64 (dgemm).
 *
 * @example
 * ```ts
 * linalg.matmul([[1, 2]], [[3], [4]]).get(0, 0); // 11
 * ```
 */
export function matmul(a: MatrixLike, b: MatrixLike, { transA = false, transB = false }: { transA?: boolean; transB?: boolean } = {}): Matrix {
  const A = Matrix.from(a, 'a');
  const B = Matrix.from(b, 'b');
  const [m, ka] = transA ? [A.cols, A.rows] : [A.rows, A.cols];
  const [kb, n] = transB ? [B.cols, B.rows] : [B.rows, B.cols];
  if (ka !== kb) {
    throw new ShapeError(`linalg.matmul: inner dimensions differ (${m}×${ka} times ${kb}×${n}); check which operand needs transposing`);
  }
  const C = new Matrix(m, n);
  activeBackend().gemm(transA, transB, m, n, ka, 1, A.data, B.data, 0, C.data);
  return C;
}

/** The Gram matrix a · aᵀ (dsyrk), exactly symmetric. */
export function gram(a: MatrixLike): Matrix {
  const A = Matrix.from(a, 'a');
  const C = new Matrix(A.rows, A.rows);
  activeBackend().syrk(A.rows, A.cols, A.data, C.data);
  return C;
}

/** Eigenvalues (ascending) and orthonormal eigenvectors (columns) of a symmetric matrix. */
export interface Eigh {
  eigenvalues: Float64Array;
  eigenvectors: Matrix;
}

/**
 * Symmetric eigendecomposition a = Q Λ Qᵀ (dsyevd), eigenvalues ascending,
 * like `numpy.linalg.eigh`.
 */
export function eigh(a: MatrixLike): Eigh {
  const A = Matrix.from(a, 'a');
  checkSymmetric('linalg.eigh', A, 'a');
  const n = A.rows;
  const q = A.data.slice();
  const w = new Float64Array(n);
  activeBackend().syevd(n, q, w);
  return { eigenvalues: w, eigenvectors: new Matrix(n, n, q) };
}

/**
 * Lower Cholesky factor L with a = L Lᵀ (dpotrf). Throws a
 * {@link NumericalError} naming the failing leading minor when a is not
 * positive definite.
 */
export function cholesky(a: MatrixLike): Matrix {
  const A = Matrix.from(a, 'a');
  checkSymmetric('linalg.cholesky', A, 'a');
  const L = A.clone();
  const info = activeBackend().potrf(A.rows, L.data);
  if (info !== 0) {
    throw new NumericalError(
      `linalg.cholesky: the matrix is not positive definite (leading minor of order ${info} is not positive); add a small diagonal regulariser (diagReg) or check the kernel`,
    );
  }
  return L;
}

/** Solves L Lᵀ x = b given the lower Cholesky factor L. */
export function choSolve(l: Matrix, b: MatrixLike): Matrix {
  const B = Matrix.from(b, 'b');
  if (l.rows !== l.cols || B.rows !== l.rows) {
    throw new ShapeError(`linalg.choSolve: factor is ${l.rows}×${l.cols} but b has ${B.rows} rows`);
  }
  const X = B.clone();
  activeBackend().potrs(l.rows, X.cols, l.data, X.data);
  return X;
}

/** Solves a x = b for a symmetric positive-definite a (dpotrf + dpotrs). */
export function solvePsd(a: MatrixLike, b: MatrixLike): Matrix {
  const A = Matrix.from(a, 'a');
  const B = Matrix.from(b, 'b');
  if (A.rows !== B.rows) throw new ShapeError(`linalg.solvePsd: a is ${A.rows}×${A.cols} but b has ${B.rows} rows`);
  return choSolve(cholesky(A), B);
}

/** Solves a x = b for a general square a (LU with partial pivoting, dgetrf + dgetrs). */
export function solve(a: MatrixLike, b: MatrixLike): Matrix {
  const A = Matrix.from(a, 'a');
  const B = Matrix.from(b, 'b');
  if (A.rows !== A.cols) throw new ShapeError(`linalg.solve: a must be square, got ${A.rows}×${A.cols}`);
  if (A.rows !== B.rows) throw new ShapeError(`linalg.solve: a is ${A.rows}×${A.cols} but b has ${B.rows} rows`);
  const lu = A.data.slice();
  const X = B.clone();
  const info = activeBackend().gesv(A.rows, X.cols, lu, X.data);
  if (info !== 0) throw new NumericalError(`linalg.solve: a is singular (zero pivot in column ${info})`);
  return X;
}
