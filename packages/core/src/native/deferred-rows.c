/*
 * Deferred duals in native code (`stax/deferred-duals.ts`, whose rows
 * `simd/rows.wat` computes on WebAssembly): a run of arc-cosine and erf
 * layers with the dense maps between them, every layer on one row of both
 * kernels while the row is in cache, rows spread over threads. The same bits
 * as the JavaScript (see duals.h).
 */
#include <stddef.h>
#include <string.h>

#include "duals.h"
#include "mirror.h"
#include "threads.h"

/* Rows computed before their mirror images are written (as MIRROR_GROUP in deferred-duals.ts). */
#define GROUP 16

typedef struct {
  double *nngp, *ntk;
  int n1, n2, symmetric, fill_lower, steps, theta_zero;
  const double *params, *var1, *var2, *tail;
} job_t;

INLINE void affine_step(const double *m, double *restrict k, double *restrict theta, int n, int with_theta) {
  const double a = m[0], b = m[1], c = m[2], d = m[3], e = m[4];
  for (int j = 0; j < n; j++) {
    if (with_theta) theta[j] = c * theta[j] + d * k[j] + e;
    k[j] = a * k[j] + b;
  }
}

/* Every layer on rows [g0, g1), in place, then their mirror images. */
WIDEST static void run_group(const void *arg, int g0, int g1) {
  const job_t *job = arg;
  const int n2 = job->n2;
  for (int i = g0; i < g1; i++) {
    const int j0 = job->symmetric ? i : 0;
    const int n = n2 - j0;
    const size_t base = (size_t)i * n2 + j0;
    double *k = job->nngp + base;
    double *theta = job->ntk == NULL ? NULL : job->ntk + base;
    /* Θ is zero (KernelAffine.thetaZero): written before it is read, so its fresh pages are never mapped to the zero page. */
    if (theta != NULL && job->theta_zero) memset(theta, 0, (size_t)n * sizeof(double));
    for (int s = 0; s < job->steps; s++) {
      const double *q11 = job->var1 + (size_t)s * job->n1 + i;
      dual_step(job->params + (size_t)s * STEP_SIZE, q11, 0, k, theta, job->var2 + (size_t)s * n2 + j0, n);
    }
    if (job->tail != NULL) {
      if (theta != NULL) affine_step(job->tail, k, theta, n, 1);
      else affine_step(job->tail, k, NULL, n, 0);
    }
  }
  if (job->fill_lower) {
    mirror_group(job->nngp, n2, g0, g1);
    if (job->ntk != NULL) mirror_group(job->ntk, n2, g0, g1);
  }
}

/*
 * Every row of an n1 x n2 NNGP (and NTK, unless NULL) through `steps`
 * layers, then the map `tail` (unless NULL), in place, on `threads` threads
 * (the calling one included). Only entries j >= i when symmetric; with
 * fill_lower, the rows are then mirrored below the diagonal. params holds
 * STEP_SIZE numbers per step; var1 (steps x n1) and var2 (steps x n2) the
 * variances at each dual's input. With theta_zero the NTK's entries are
 * taken as zero, not read.
 */
void tl_deferred_rows(double *nngp, double *ntk, int n1, int n2, int symmetric, int fill_lower, int steps, const double *params,
                      const double *var1, const double *var2, const double *tail, int theta_zero, int threads) {
  const job_t job = {nngp, ntk, n1, n2, symmetric, fill_lower, steps, theta_zero, params, var1, var2, tail};
  tl_parallel_rows(run_group, &job, 0, n1, GROUP, threads);
}
