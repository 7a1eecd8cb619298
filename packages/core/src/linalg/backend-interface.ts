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
  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number, a: Float64Array, b: Float64Array, beta: number, c: Float64Array): void;
  /** C (n×n) = A Aᵀ for A n×k, both triangles filled (dsyrk + mirror). */
  syrk(n: number, k: number, a: Float64Array, c: Float64Array): void;
  /**
   * The upper triangle (j ≥ i) of C (n×n) ← A Aᵀ for A n×k; the strict lower
   * triangle is not written (dsyrk alone: for callers that combine several
   * symmetric results and mirror once at the end).
   */
  syrkUpper(n: number, k: number, a: Float64Array, c: Float64Array): void;
  /** C (n×n) ← alpha · A Aᵀ + beta · C for A n×k; both triangles of C are written (dsyrk + mirror). */
  syrkUpdate(n: number, k: number, alpha: number, a: Float64Array, beta: number, c: Float64Array): void;
  /** C (n×n) ← alpha · (A Bᵀ + B Aᵀ) + beta · C for A, B n×k; both triangles written (dsyr2k + mirror). */
  syr2k(n: number, k: number, alpha: number, a: Float64Array, b: Float64Array, beta: number, c: Float64Array): void;
  /** B (m×n) ← B · L in place, for L n×n lower triangular (dtrmm, right side); L's upper triangle is not read. */
  trmmRightLower(m: number, n: number, l: Float64Array, b: Float64Array): void;
  /** B (m×n) ← B · L⁻ᵀ in place, for L n×n lower triangular and invertible (dtrsm, right side, transposed). */
  trsmRightLowerTrans(m: number, n: number, l: Float64Array, b: Float64Array): void;
  /**
   * Pivoted Cholesky factorisation of a symmetric positive semi-definite A
   * (dpstrf, LAPACK's default tolerance n·ε·max diag): A = P L Lᵀ Pᵀ. On return
   * `a` holds L — lower triangular, with its upper triangle and its columns from
   * the rank on set to 0 — and `piv` the permutation, 0-based:
   * (A P)[:, j] = A[:, piv[j]]. Returns the numerical rank.
   */
  pstrf(n: number, a: Float64Array, piv: Int32Array): number;
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
  /**
   * Makes every call run on one BLAS thread until the returned release is
   * called (holds nest). Used while worker threads compute tiles, where the
   * threads themselves are the parallelism: a multi-threaded BLAS inside each
   * would only compete with them for the same cores.
   */
  holdOneThread(): () => void;
}
