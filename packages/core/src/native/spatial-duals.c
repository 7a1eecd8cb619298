/*
 * An arc-cosine or erf layer on a kernel with spatial positions, in native
 * code (`stax/dual-rows.ts`, `dualRows`, entry by entry in JavaScript): each
 * block of a pair of examples holds S same-position entries ("diagonal":
 * entry p pairs variances var1[i S + p] and var2[j S + p]) or all S x S
 * pairs of positions ("full": entry (p, q) pairs var1[i S + p] with
 * var2[j S + q]); the dense map pending before the dual is applied as each
 * entry is read. The same bits as the JavaScript (see duals.h).
 */
#include <stddef.h>

#include "duals.h"
#include "threads.h"

typedef struct {
  double *nngp, *ntk;
  const double *var1, *var2, *step;
  int n2, s, diagonal, symmetric;
} job_t;

/* The blocks of rows [i0, i1) (only j >= i when symmetric), in place. */
WIDEST static void run_rows(const void *arg, int i0, int i1) {
  const job_t *job = arg;
  const int s = job->s;
  const size_t block = job->diagonal ? (size_t)s : (size_t)s * s;
  for (int i = i0; i < i1; i++) {
    for (int j = job->symmetric ? i : 0; j < job->n2; j++) {
      const size_t base = ((size_t)i * job->n2 + j) * block;
      double *theta = job->ntk == NULL ? NULL : job->ntk + base;
      if (job->diagonal) {
        dual_step(job->step, job->var1 + (size_t)i * s, 1, job->nngp + base, theta, job->var2 + (size_t)j * s, s);
      } else {
        for (int p = 0; p < s; p++) {
          dual_step(job->step, job->var1 + (size_t)i * s + p, 0, job->nngp + base + (size_t)p * s, theta == NULL ? NULL : theta + (size_t)p * s,
                    job->var2 + (size_t)j * s, s);
        }
      }
    }
  }
}

/*
 * The dual `step` (STEP_SIZE numbers: the pending dense map, the kind and its
 * parameters) on every block of an n1 x n2 kernel with s positions, in place,
 * on `threads` threads (the calling one included).
 */
void tl_spatial_duals(double *nngp, double *ntk, const double *var1, const double *var2, int n1, int n2, int s, int diagonal, int symmetric,
                      const double *step, int threads) {
  const job_t job = {nngp, ntk, var1, var2, step, n2, s, diagonal, symmetric};
  tl_parallel_rows(run_rows, &job, 0, n1, 1, threads);
}
