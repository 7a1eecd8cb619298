/**
 * The kernels a linear-algebra backend provides. All matrices are row-major
 * Float64Arrays; `n×m` sizes are passed explicitly. The public functions in
 * `linalg/index.ts` validate shapes and values before calling these.
 */
export interface LinalgBackend {
  readonly name: 'openblas' | 'typescript';
  /** The native library's kernel family (OpenBLAS's `openblas_get_corename`) and thread count, when native. */
  info?(): { core: string; threads: number };
  /** C (m×n) = alpha · op(A) · op(B) + beta · C, where op(A) is m×k and op(B) is k×n (dgemm). */
  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number,
    alpha: number, a: Float64Array, b: Float64Array, beta: number, c: Float64Array,
  ): void;
  /** C (n×n) = A Aᵀ for A n×k, both triangles filled (dsyrk + mirror). */
  syrk(n: number, k: number, a: Float64Array, c: Float64Array): void;
  /**
   * Symmetric eigendecomposition (dsyevd). `a` (n×n, symmetric) is overwritten
   * with the eigenvectors as columns; `w` receives the eigenvalues in ascending order.
   */
  syevd(n: number, a: Float64Array, w: Float64Array): void;
  /**
   * Cholesky factorisation in place (dpotrf): on success `a` holds the lower
   * factor L with A = L Lᵀ (upper triangle zeroed) and 0 is returned; otherwise
   * the order (1-based) of the leading minor that is not positive definite.
   */
  potrf(n: number, a: Float64Array): number;
  /** Solves L Lᵀ X = B in place of `b` (n×nrhs) given the factor from {@link potrf} (dpotrs). */
  potrs(n: number, nrhs: number, l: Float64Array, b: Float64Array): void;
  /**
   * Solves A X = B in place of `b` (n×nrhs) by LU with partial pivoting
   * (dgetrf/dgetrs); `a` is overwritten. Returns 0, or the 1-based index of an
   * exactly zero pivot (A singular).
   */
  gesv(n: number, nrhs: number, a: Float64Array, b: Float64Array): number;
}
