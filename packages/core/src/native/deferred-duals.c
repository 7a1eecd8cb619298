/*
 * Deferred duals of the analytic kernels in native code: the arc-cosine
 * (ABRelu, ReLU) and erf duals (Lee et al. 2019, eqs. (S13)-(S18)) with the
 * dense maps between them (eqs. (S4), (S6)), every layer on one row of both
 * kernels while the row is in cache, rows spread over threads.
 *
 * This is `stax/deferred-duals.ts` with the duals of `simd/rows.wat`, for
 * CPUs whose vectors hold more than WebAssembly's two doubles: the compiler
 * vectorises each loop for the widest instruction set the CPU has (one clone
 * per x86-64 level, picked at load time). The arithmetic is exactly that of
 * the JavaScript (`special/atan.ts`, the activations' `dual`), operation by
 * operation, selects for its conditionals; built with -ffp-contract=off (no
 * fused multiply-adds) a kernel computed here equals, bit for bit, the one
 * computed in JavaScript or WebAssembly, on every CPU.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define WIDEST __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define WIDEST
#endif

enum { KIND_AB_RELU = 0, KIND_ERF = 1 };

/* Per step: the dense map a, b, c, d, e before the dual, the dual's kind, then its four parameters. */
enum { STEP_A, STEP_B, STEP_C, STEP_D, STEP_E, STEP_KIND, STEP_P0, STEP_P1, STEP_P2, STEP_P3, STEP_SIZE };

/* Rows computed before their mirror images are written (as MIRROR_GROUP in deferred-duals.ts). */
#define GROUP 16

#define TAN_PI_8 0.41421356237309503
#define QUARTER_PI 0.7853981633974483
#define HALF_PI 1.5707963267948966
#define PI 3.141592653589793

/* The angle of (x, y) for x, y >= 0, in [0, pi/2] (special/atan.ts, angleQuadrant). */
static inline __attribute__((always_inline)) double quadrant(double y, double x) {
  const int swap = y > x;
  const double mn = swap ? x : y;
  const double mx = swap ? y : x;
  const int big = mn > TAN_PI_8 * mx;
  const double w = (big ? mn - mx : mn) / (big ? mn + mx : mx);
  const double z = w * w;
  double p = -0.01920252926841228;
  p = p * z + 0.039253696320618564;
  p = p * z + -0.05086254885823143;
  p = p * z + 0.05858311810501153;
  p = p * z + -0.06664531369805009;
  p = p * z + 0.07692184699371778;
  p = p * z + -0.0909090464769568;
  p = p * z + 0.11111111017100327;
  p = p * z + -0.1428571428469138;
  p = p * z + 0.19999999999995652;
  p = p * z + -0.3333333333333333;
  const double a = (w + w * z * p) + (big ? QUARTER_PI : 0.0);
  return swap ? HALF_PI - a : a;
}

/*
 * One layer on a row, in place: the dense map (theta <- c theta + d k + e, then
 * k <- a k + b), the dual k <- T(k), and theta <- theta * Tdot(k) when theta is
 * not NULL. q11 is the row's variance, q22 the columns'.
 */
static inline __attribute__((always_inline)) void ab_relu_step(const double *s, double q11, double *restrict k, double *restrict theta,
                                                               const double *restrict q22, int n, int with_theta) {
  const double a = s[STEP_A], b = s[STEP_B], c = s[STEP_C], d = s[STEP_D], e = s[STEP_E];
  const double factor = s[STEP_P0], half = s[STEP_P1];
  for (int j = 0; j < n; j++) {
    const double k0 = k[j];
    double th = 0.0;
    if (with_theta) th = c * theta[j] + d * k0 + e;
    const double q12 = a * k0 + b;
    const double gap = q11 * q22[j] - q12 * q12;
    const double root = sqrt(gap > 0 ? gap : 0.0);
    const double x = fabs(q12);
    double angle = quadrant(root, x);
    angle = q12 < 0 ? PI - angle : angle;
    angle = (q12 == 0 && root == 0) ? HALF_PI : angle;
    const double dot = half - factor * angle;
    k[j] = factor * root + dot * q12;
    if (with_theta) theta[j] = th * dot;
  }
}

static inline __attribute__((always_inline)) void erf_step(const double *s, double q11, double *restrict k, double *restrict theta,
                                                           const double *restrict q22, int n, int with_theta) {
  const double a = s[STEP_A], b = s[STEP_B], c = s[STEP_C], d = s[STEP_D], e = s[STEP_E];
  const double two_b2 = s[STEP_P0], scale = s[STEP_P1], shift = s[STEP_P2], dot_scale = s[STEP_P3];
  const double s11 = 1 + two_b2 * q11;
  for (int j = 0; j < n; j++) {
    const double k0 = k[j];
    double th = 0.0;
    if (with_theta) th = c * theta[j] + d * k0 + e;
    const double q12 = a * k0 + b;
    const double s12 = two_b2 * q12;
    const double gap = s11 * (1 + two_b2 * q22[j]) - s12 * s12;
    const double root = sqrt(gap > 0 ? gap : 0.0);
    double angle = quadrant(fabs(s12), root);
    angle = s12 < 0 ? -angle : angle;
    angle = (root == 0 && s12 == 0) ? 0.0 : angle;
    k[j] = scale * angle + shift;
    if (with_theta) theta[j] = th * (dot_scale / root);
  }
}

static inline __attribute__((always_inline)) void affine_step(const double *m, double *restrict k, double *restrict theta, int n, int with_theta) {
  const double a = m[0], b = m[1], c = m[2], d = m[3], e = m[4];
  for (int j = 0; j < n; j++) {
    if (with_theta) theta[j] = c * theta[j] + d * k[j] + e;
    k[j] = a * k[j] + b;
  }
}

/* a[j, i] = a[i, j] for rows i in [g0, g1) and every j > i of an n x n array. */
static void mirror_group(double *a, int n, int g0, int g1) {
  for (int j = g0 + 1; j < n; j++) {
    const int end = g1 < j ? g1 : j;
    for (int i = g0; i < end; i++) a[(size_t)j * n + i] = a[(size_t)i * n + j];
  }
}

typedef struct {
  double *nngp, *ntk;
  int n1, n2, symmetric, fill_lower, steps;
  const double *params, *var1, *var2, *tail;
  int i0, i1;
  int next; /* the next group's first row, taken atomically */
} job_t;

/* Every layer on rows [g0, g1), in place, then their mirror images. */
WIDEST static void run_group(const job_t *job, int g0, int g1) {
  const int n2 = job->n2;
  for (int i = g0; i < g1; i++) {
    const int j0 = job->symmetric ? i : 0;
    const int n = n2 - j0;
    const size_t base = (size_t)i * n2 + j0;
    double *k = job->nngp + base;
    double *theta = job->ntk == NULL ? NULL : job->ntk + base;
    for (int s = 0; s < job->steps; s++) {
      const double *step = job->params + (size_t)s * STEP_SIZE;
      const double q11 = job->var1[(size_t)s * job->n1 + i];
      const double *q22 = job->var2 + (size_t)s * n2 + j0;
      const int kind = (int)step[STEP_KIND];
      if (kind == KIND_AB_RELU) {
        if (theta != NULL) ab_relu_step(step, q11, k, theta, q22, n, 1);
        else ab_relu_step(step, q11, k, NULL, q22, n, 0);
      } else {
        if (theta != NULL) erf_step(step, q11, k, theta, q22, n, 1);
        else erf_step(step, q11, k, NULL, q22, n, 0);
      }
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

static void *worker(void *arg) {
  job_t *job = arg;
  for (;;) {
    const int g0 = __atomic_fetch_add(&job->next, GROUP, __ATOMIC_RELAXED);
    if (g0 >= job->i1) return NULL;
    run_group(job, g0, g0 + GROUP < job->i1 ? g0 + GROUP : job->i1);
  }
}

/*
 * Rows [i0, i1) of an n1 x n2 NNGP (and NTK, unless NULL) through `steps`
 * layers, then the map `tail` (unless NULL), in place, on `threads` threads
 * (the calling one included). Only entries j >= i when symmetric; with
 * fill_lower, the rows are then mirrored below the diagonal. params holds
 * STEP_SIZE numbers per step; var1 (steps x n1) and var2 (steps x n2) the
 * variances at each dual's input. Returns the number of threads that ran
 * (fewer than asked when the system refused to start more).
 */
int tl_deferred_rows(double *nngp, double *ntk, int n1, int n2, int symmetric, int fill_lower, int steps, const double *params,
                     const double *var1, const double *var2, const double *tail, int i0, int i1, int threads) {
  job_t job = {nngp, ntk, n1, n2, symmetric, fill_lower, steps, params, var1, var2, tail, i0, i1, i0};
  pthread_t ids[64];
  int started = 0;
  if (threads > 65) threads = 65;
  while (started < threads - 1 && pthread_create(&ids[started], NULL, worker, &job) == 0) started++;
  worker(&job);
  for (int t = 0; t < started; t++) pthread_join(ids[t], NULL);
  return started + 1;
}
