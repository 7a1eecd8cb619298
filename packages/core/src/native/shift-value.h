/*
 * The value of one shift polynomial (`ShiftPolynomials.evaluateAt` of
 * `special/heat-shift.ts`, operation by operation): the terms of each residue
 * of j mod 4 by Horner's rule in delta^4, then combined in delta. Shared by
 * the growth of expansions (`heat-shift.c`) and their creation
 * (`expansions-at.c`), so that both give JavaScript's bits.
 */
#ifndef TL_SHIFT_VALUE_H
#define TL_SHIFT_VALUE_H

static inline double shift_value(const double *p, int size, double delta) {
  const double d2 = delta * delta, d4 = d2 * d2;
  int j = (size - 1) & ~3;
  double s0 = p[j], s1 = j + 1 < size ? p[j + 1] : 0, s2 = j + 2 < size ? p[j + 2] : 0, s3 = j + 3 < size ? p[j + 3] : 0;
  for (j -= 4; j >= 0; j -= 4) {
    s0 = s0 * d4 + p[j];
    s1 = s1 * d4 + p[j + 1];
    s2 = s2 * d4 + p[j + 2];
    s3 = s3 * d4 + p[j + 3];
  }
  return s0 + delta * s1 + d2 * (s2 + delta * s3);
}

#endif
