/*
 * The expansions of a list of variances, looked up in an activation's cache
 * and laid out where new (`VarianceExpansions.headersOf` of
 * `special/variance-expansions.ts`): a kernel's first call meets hundreds of
 * new variances per layer, and JavaScript spent about 0.3 microseconds on
 * each (the cache's hash, the norm grid's point, two shift polynomials, the
 * header). The hash is `VarianceTable`'s, the norm grid's index
 * `gridIndex`'s (`special/grid-index.ts`), E[phi^2] and E[phi'^2] the shift
 * of coefficient 0 of the series of phi^2 and phi'^2 (`shift_value`), and the
 * header and numbers those of `layOut`: operation by operation, so an
 * expansion made here has the bits of one made in JavaScript.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "expansion-numbers.h"
#include "grid-index.h"
#include "series-store.h"
#include "shift-value.h"

/* Points of the norm grid per octave (`NORM_PER_OCTAVE`). */
enum { NORM_PER_OCTAVE = 2 };

/* The first slot `VarianceTable.hash` probes for q: 0 and -0, and every NaN, alike. */
static uint32_t first_slot(double q, uint32_t mask) {
  if (q == 0 || q != q) return 0;
  uint32_t words[2];
  memcpy(words, &q, sizeof words);
  const uint32_t h = (words[0] ^ (words[1] * 0x9e3779b1u)) * 0x85ebca6bu;
  return (h ^ (h >> 15)) & mask;
}

/* Where the norm point of variance v is in norm_terms (see tl_expansions_enter), or -1: none, or v is not one the grid serves. */
static int norm_point(double v, const double *thresholds, const int *norm_at, int norm_lowest, int norm_slots, double direct_below) {
  if (!(v >= direct_below) || !isfinite(v)) return -1;
  const int g = grid_index(v, thresholds, NORM_PER_OCTAVE) - norm_lowest;
  return g < 0 || g >= norm_slots ? -1 : norm_at[g];
}

/*
 * Looks up q[k], k < n, in the cache (keys and values, mask + 1 slots; a
 * value is an expansion's index, -1 an empty slot): heads[k] is the header's
 * byte address of the expansion found (header by index), or, for a variance
 * not found, -2 - m where it enters it as the m-th new expansion (index
 * id0 + m, its variance in `numbers`), or -1 where it leaves it to the caller:
 * variances below direct_below, not finite, or without a point of the norm
 * grid (norm_at[g - norm_lowest], g < norm_lowest + norm_slots, its offset in
 * norm_terms: q0, the sizes of the shift polynomials of phi^2 and phi'^2 at
 * coefficient 0, and their terms; -1 for none). A variance met twice is
 * entered once. Returns the count entered, which tl_expansions_lay_out
 * then lays out. The caller has made room for n more in the cache (at most
 * half full after) and in the numbers.
 */
int tl_expansions_enter(double *keys, int *values, int mask, const double *q, int n, int *heads, double *numbers, const int *header,
                        int id0, const int *norm_at, int norm_lowest, int norm_slots, const double *thresholds, double direct_below) {
  int entered = 0;
  for (int k = 0; k < n; k++) {
    const double v = q[k];
    uint32_t slot = first_slot(v, (uint32_t)mask);
    while (values[slot] >= 0 && !(keys[slot] == v || (keys[slot] != keys[slot] && v != v))) slot = (slot + 1) & (uint32_t)mask;
    const int found = values[slot];
    if (found >= id0) {
      heads[k] = -2 - (found - id0);
    } else if (found >= 0) {
      heads[k] = header[found];
    } else if (norm_point(v, thresholds, norm_at, norm_lowest, norm_slots, direct_below) < 0) {
      heads[k] = -1;
    } else {
      keys[slot] = v;
      values[slot] = id0 + entered;
      numbers[(size_t)STRIDE * (id0 + entered) + Q] = v;
      heads[k] = -2 - entered++;
    }
  }
  return entered;
}

/*
 * Lays out the `count` expansions tl_expansions_enter entered, indices id0
 * on (their variances in `numbers`), as `layOut` does: the m-th at byte
 * region + m * (HEADER_BYTES + blocks * 80) of `mem`, with room for `blocks`
 * blocks, E[phi^2] and E[phi'^2] shifted from their norm point.
 */
void tl_expansions_lay_out(unsigned char *mem, double *numbers, int *header, int *band_end, int *next, int id0, int count, int region,
                           int blocks, const double *norm_terms, const int *norm_at, int norm_lowest, int norm_slots, const double *thresholds,
                           double direct_below) {
  const int each = HEADER_BYTES + blocks * STORE_BLOCK * (int)sizeof(double);
  for (int m = 0; m < count; m++) {
    const int id = id0 + m, at = region + m * each, blocks_at = at + HEADER_BYTES;
    double *nb = numbers + (size_t)STRIDE * id;
    const double v = nb[Q];
    const double *point = norm_terms + norm_point(v, thresholds, norm_at, norm_lowest, norm_slots, direct_below);
    const double q0 = point[0];
    const int size_a = (int)point[1], size_b = (int)point[2];
    const double delta = (v - q0) / (2 * q0);
    memset(nb, 0, STRIDE * sizeof(double));
    nb[Q] = v;
    nb[NEXT_Q] = NAN;
    nb[REACHED] = -1;
    band_end[id] = -1;
    next[id] = -1;
    header[id] = at;
    int *h = (int *)(mem + at);
    double *hf = (double *)(mem + at);
    h[HEAD_LENGTH] = 0;
    h[HEAD_GROW] = 0;
    h[HEAD_BLOCKS] = blocks_at;
    h[HEAD_STEIN] = 1;
    h[HEAD_ID] = id;
    h[HEAD_CAPACITY] = blocks;
    hf[HEAD_NORM_A] = shift_value(point + 3, size_a, delta);
    hf[HEAD_NORM_B] = shift_value(point + 3 + size_a, size_b, delta);
    hf[HEAD_INV_ROOT] = 1 / sqrt(v);
    // The tail before block 0: the whole series.
    *(double *)(mem + blocks_at) = 1;
  }
}
