/*
 * Passes over dense row-major matrices that the linear algebra around BLAS
 * needs: the symmetry check of a train-train kernel, the transpose of
 * LAPACK's column-major eigenvectors, the mirror of a triangle computed by
 * dsyrk, and the column scaling (a function of the kernel applied in its
 * eigenbasis) and permutation (a pivoted Cholesky root's) of the
 * covariances. Each moves or compares values without arithmetic on them
 * (the scaling is one product per entry), so the JavaScript twins
 * (`linalg/mirror.ts`, `predict/inputs.ts`, `predict/scale-rows.ts`) give the
 * same bits; here the loops are vectorised and tiled so that the transposed
 * side of each tile stays in the first-level cache.
 */
#include <float.h>
#include <math.h>
#include <stddef.h>

#include "widest.h"

/* Tile side: two tiles of doubles (16 KiB) fit in any first-level cache. */
#define TILE 32
/* Independent maxima kept side by side, so the maxima vectorise without reordering any operation. */
#define LANES 8

static inline int min_int(int a, int b) { return a < b ? a : b; }

/* t[(c - c0) * TILE + (r - r0)] = a[r, c] for r in [r0, r1), c in [c0, c1): a tile transposed into t. */
static inline void transposed_tile(const double *a, int n, int r0, int r1, int c0, int c1, double *t) {
  for (int r = r0; r < r1; r++)
    for (int c = c0; c < c1; c++) t[(c - c0) * TILE + (r - r0)] = a[(size_t)r * n + c];
}

/*
 * Of a square n x n matrix: out[0] = max |a_ij - a_ji| (pairs whose
 * difference is NaN aside), out[1] = max |a_ij| (NaN entries aside), out[2] =
 * 1 when some entry is infinite or NaN, else 0 - as symmetryDefect in
 * `predict/inputs.ts`.
 */
WIDEST void tl_symmetry_defect(const double *a, int n, double *out) {
  double asym[LANES] = {0}, max_abs[LANES] = {0};
  int bad[LANES] = {0};
  double lower[TILE * TILE];
  for (int j0 = 0; j0 < n; j0 += TILE) {
    const int j1 = min_int(j0 + TILE, n);
    for (int i0 = 0; i0 <= j0; i0 += TILE) {
      const int i1 = min_int(i0 + TILE, n);
      transposed_tile(a, n, j0, j1, i0, i1, lower);
      for (int i = i0; i < i1; i++) {
        const double *u = a + (size_t)i * n;
        /* l[j] = a[j, i]. */
        const double *l = lower + (i - i0) * TILE - j0;
        int j = j0 > i ? j0 : i;
        for (; j + LANES <= j1; j += LANES) {
          for (int k = 0; k < LANES; k++) {
            const double x = u[j + k], y = l[j + k];
            const double d = fabs(x - y), ax = fabs(x), ay = fabs(y);
            asym[k] = d > asym[k] ? d : asym[k];
            max_abs[k] = ax > max_abs[k] ? ax : max_abs[k];
            max_abs[k] = ay > max_abs[k] ? ay : max_abs[k];
            bad[k] |= !(ax <= DBL_MAX) | !(ay <= DBL_MAX);
          }
        }
        for (; j < j1; j++) {
          const double x = u[j], y = l[j];
          const double d = fabs(x - y), ax = fabs(x), ay = fabs(y);
          asym[0] = d > asym[0] ? d : asym[0];
          max_abs[0] = ax > max_abs[0] ? ax : max_abs[0];
          max_abs[0] = ay > max_abs[0] ? ay : max_abs[0];
          bad[0] |= !(ax <= DBL_MAX) | !(ay <= DBL_MAX);
        }
      }
    }
  }
  for (int k = 1; k < LANES; k++) {
    asym[0] = asym[k] > asym[0] ? asym[k] : asym[0];
    max_abs[0] = max_abs[k] > max_abs[0] ? max_abs[k] : max_abs[0];
    bad[0] |= bad[k];
  }
  out[0] = asym[0];
  out[1] = max_abs[0];
  out[2] = bad[0] ? 1 : 0;
}

/* A square n x n matrix transposed in place. */
WIDEST void tl_transpose_in_place(double *a, int n) {
  double upper[TILE * TILE], lower[TILE * TILE];
  for (int i0 = 0; i0 < n; i0 += TILE) {
    const int i1 = min_int(i0 + TILE, n);
    for (int j0 = i0; j0 < n; j0 += TILE) {
      const int j1 = min_int(j0 + TILE, n);
      transposed_tile(a, n, i0, i1, j0, j1, upper);
      transposed_tile(a, n, j0, j1, i0, i1, lower);
      /* The tile at (i0, j0) becomes the transpose of the one at (j0, i0), and the reverse (on the diagonal, both are one tile). */
      for (int i = i0; i < i1; i++)
        for (int j = j0; j < j1; j++) a[(size_t)i * n + j] = lower[(i - i0) * TILE + (j - j0)];
      for (int j = j0; j < j1; j++)
        for (int i = i0; i < i1; i++) a[(size_t)j * n + i] = upper[(j - j0) * TILE + (i - i0)];
    }
  }
}

/* The upper triangle of a square n x n matrix copied onto its lower one. */
WIDEST void tl_mirror_upper(double *a, int n) {
  double upper[TILE * TILE];
  for (int i0 = 0; i0 < n; i0 += TILE) {
    const int i1 = min_int(i0 + TILE, n);
    for (int j0 = i0; j0 < n; j0 += TILE) {
      const int j1 = min_int(j0 + TILE, n);
      transposed_tile(a, n, i0, i1, j0, j1, upper);
      for (int j = j0; j < j1; j++) {
        /* Only entries below the diagonal: a[j, i] for i < j. */
        const int end = min_int(i1, j);
        for (int i = i0; i < end; i++) a[(size_t)j * n + i] = upper[(j - j0) * TILE + (i - i0)];
      }
    }
  }
}

/* out = m diag(w) for a rows x cols matrix m. */
WIDEST void tl_scale_columns(const double *m, const double *w, double *out, int rows, int cols) {
  for (int i = 0; i < rows; i++) {
    const double *row = m + (size_t)i * cols;
    double *o = out + (size_t)i * cols;
    for (int j = 0; j < cols; j++) o[j] = w[j] * row[j];
  }
}

/* out = m P for a rows x cols matrix m: out[i, j] = m[i, piv[j]] (out is not m). */
WIDEST void tl_permute_columns(const double *m, const int *piv, double *out, int rows, int cols) {
  for (int i = 0; i < rows; i++) {
    const double *row = m + (size_t)i * cols;
    double *o = out + (size_t)i * cols;
    for (int j = 0; j < cols; j++) o[j] = row[piv[j]];
  }
}
