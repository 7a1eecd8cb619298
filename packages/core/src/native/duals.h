/*
 * The arc-cosine (ABRelu, ReLU) and erf duals (Lee et al. 2019, eqs.
 * (S13)-(S18)) over a row of kernel entries, with the dense map pending
 * before them (eqs. (S4), (S6)): the arithmetic of `special/atan.ts` and of
 * the activations' `dual` in JavaScript, operation by operation, with
 * selects for its conditionals. Built with -ffp-contract=off (no fused
 * multiply-adds), a kernel computed here equals, bit for bit, the one
 * computed in JavaScript or WebAssembly, on every CPU.
 *
 * The functions are inlined into their callers, which are compiled once per
 * x86-64 level (WIDEST) so that each loop is vectorised for the widest
 * instructions the CPU has, picked when the library loads.
 */
#ifndef TANGENT_LAB_DUALS_H
#define TANGENT_LAB_DUALS_H

#include <math.h>

#include "widest.h"

#define INLINE static inline __attribute__((always_inline))

enum { KIND_AB_RELU = 0, KIND_ERF = 1 };

/* A step's numbers: the dense map a, b, c, d, e before the dual, the dual's kind, then its four parameters. */
enum { STEP_A, STEP_B, STEP_C, STEP_D, STEP_E, STEP_KIND, STEP_P0, STEP_P1, STEP_P2, STEP_P3, STEP_SIZE };

#define TAN_PI_8 0.41421356237309503
#define QUARTER_PI 0.7853981633974483
#define HALF_PI 1.5707963267948966
#define PI 3.141592653589793

/* The angle of (x, y) for x, y >= 0, in [0, pi/2] (special/atan.ts, angleQuadrant). */
INLINE double quadrant(double y, double x) {
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
 * One layer on n entries, in place: the dense map (theta <- c theta + d k + e,
 * then k <- a k + b), the dual k <- T(k), and theta <- theta * Tdot(k) when
 * with_theta. Entry j's variances are q11[j * q11_stride] (stride 0: one for
 * the whole row) and q22[j].
 */
INLINE void ab_relu_step(const double *s, const double *restrict q11, int q11_stride, double *restrict k, double *restrict theta,
                         const double *restrict q22, int n, int with_theta) {
  const double a = s[STEP_A], b = s[STEP_B], c = s[STEP_C], d = s[STEP_D], e = s[STEP_E];
  const double factor = s[STEP_P0], half = s[STEP_P1];
  for (int j = 0; j < n; j++) {
    const double k0 = k[j];
    double th = 0.0;
    if (with_theta) th = c * theta[j] + d * k0 + e;
    const double q12 = a * k0 + b;
    const double gap = q11[j * q11_stride] * q22[j] - q12 * q12;
    const double root = sqrt(gap > 0 ? gap : 0.0);
    double angle = quadrant(root, fabs(q12));
    angle = q12 < 0 ? PI - angle : angle;
    angle = (q12 == 0 && root == 0) ? HALF_PI : angle;
    const double dot = half - factor * angle;
    k[j] = factor * root + dot * q12;
    if (with_theta) theta[j] = th * dot;
  }
}

INLINE void erf_step(const double *s, const double *restrict q11, int q11_stride, double *restrict k, double *restrict theta,
                     const double *restrict q22, int n, int with_theta) {
  const double a = s[STEP_A], b = s[STEP_B], c = s[STEP_C], d = s[STEP_D], e = s[STEP_E];
  const double two_b2 = s[STEP_P0], scale = s[STEP_P1], shift = s[STEP_P2], dot_scale = s[STEP_P3];
  for (int j = 0; j < n; j++) {
    const double k0 = k[j];
    double th = 0.0;
    if (with_theta) th = c * theta[j] + d * k0 + e;
    const double q12 = a * k0 + b;
    const double s11 = 1 + two_b2 * q11[j * q11_stride];
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

/* One step on n entries (see ab_relu_step), its kind read from the step's numbers; theta may be NULL. */
INLINE void dual_step(const double *step, const double *q11, int q11_stride, double *k, double *theta, const double *q22, int n) {
  if ((int)step[STEP_KIND] == KIND_AB_RELU) {
    if (theta != NULL) ab_relu_step(step, q11, q11_stride, k, theta, q22, n, 1);
    else ab_relu_step(step, q11, q11_stride, k, NULL, q22, n, 0);
  } else {
    if (theta != NULL) erf_step(step, q11, q11_stride, k, theta, q22, n, 1);
    else erf_step(step, q11, q11_stride, k, NULL, q22, n, 0);
  }
}

#endif
