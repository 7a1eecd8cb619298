/*
 * The nearest point of a grid of variances (`gridIndex` of
 * `special/grid-index.ts`, operation by operation): with q = m * 2^e,
 * per_octave * e plus the count of thresholds at or below m, given the same
 * thresholds as JavaScript. For finite normal q.
 */
#ifndef TL_GRID_INDEX_H
#define TL_GRID_INDEX_H

#include <stdint.h>
#include <string.h>

static inline int grid_index(double q, const double *thresholds, int per_octave) {
  uint64_t bits;
  memcpy(&bits, &q, sizeof bits);
  const int e = (int)((bits >> 52) & 0x7ff) - 1023;
  const uint64_t significand_bits = (bits & 0x000fffffffffffffull) | 0x3ff0000000000000ull;
  double m;
  memcpy(&m, &significand_bits, sizeof m);
  int below = 0;
  while (below < per_octave && thresholds[below] <= m) below++;
  return per_octave * e + below;
}

#endif
