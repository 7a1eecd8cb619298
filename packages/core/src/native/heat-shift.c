/*
 * Hermite expansions grown by the heat shift (`special/heat-shift.ts`,
 * `special/variance-expansions.ts`) in native code: the expansions of one
 * grid cell, each until the tail before some block b of its series meets
 * its reach, tau_b * reach^(4b - 1) <= bound (`Expansion.growToReach`).
 * A kernel's first call creates hundreds of expansions and computes tens
 * of coefficients for each: one call per grid cell does what was a
 * JavaScript call per coefficient, with the same arithmetic, operation by
 * operation, so the coefficients have the same bits either way.
 */
#include <math.h>

/* Numbers of an expansion in its activation's array of them (as `ExpansionNumbers`). */
enum { Q = 0, SUM_A = 3, SUM_W = 4, DELTA = 5, STEP = 6, POWER = 7, SHIFT_K = 8 };
/* An expansion's block of four coefficients in the store: the tail, a pad, x0..x3, k x0..k x3 (`series.wat`). */
enum { BLOCK_DOUBLES = 10, BLOCK_X = 2, BLOCK_KX = 6 };
/* The `grow at` of a series that has ended (`ENDED` of `simd/series.ts`). */
#define ENDED 0x7fffffff
/* What a job's growth stopped at (`status`). */
enum { GROWN = 0, NEEDS_POLYNOMIALS = 1, NEEDS_BLOCKS = 2 };

/* Math.max: NaN if either is. */
static double js_max(double a, double b) { return a != a || b != b ? NAN : a > b ? a : b; }

/* `ShiftPolynomials.evaluateAt`: the terms of each residue of j mod 4 by Horner's rule in delta^4, then combined in delta. */
static double shift_value(const double *p, int size, double delta) {
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

/*
 * Jobs e < count, three ints each: the byte address of the expansion's
 * header in `mem` (length, grow at, blocks' address; E[phi^2], E[phi'^2]
 * from byte 16), the index of its first number in `numbers`, and the blocks
 * it has room for. Coefficient j has Hermite index k = first + stride * j
 * and is (q/q0)^(k/2) times the shift polynomial of k at delta (terms from
 * start[k], size[k] of them), for k <= kmax, the last with a polynomial and
 * in the cell's band; the series ends at k >= ended_at. status[e] says why
 * a job stopped: grown to its reach (or ended), or at kmax, or at the end
 * of its blocks; the caller makes room and calls again, which checks the
 * blocks it has before growing on.
 */
void tl_heat_shift_grow(unsigned char *mem, double *numbers, const double *terms, const int *start, const int *size, int first, int stride,
                        int kmax, int ended_at, const int *jobs, const double *reach, int count, double bound, double floor_a,
                        double floor_b, int *status) {
  for (int e = 0; e < count; e++) {
    int *header = (int *)(mem + jobs[3 * e]);
    const double *norms = (const double *)(mem + jobs[3 * e]) + 2;
    double *nb = numbers + jobs[3 * e + 1];
    const int capacity = jobs[3 * e + 2];
    double *blocks = (double *)(mem + header[2]);
    const double norm_a = norms[0], w = norms[1] * nb[Q], delta = nb[DELTA], step = nb[STEP];
    // The running numbers in locals: the stores to the blocks could otherwise alias them, and each would be read back.
    double power_k = nb[POWER], shift_k = nb[SHIFT_K], sum_a = nb[SUM_A], sum_w = nb[SUM_W];
    const double r = reach[e], r4 = r * r * (r * r);
    int length = header[0], ended = header[1] == ENDED, stop = GROWN;
    double power = r * r * r;
    for (int b = 1;; b++, power *= r4) {
      while (length < 4 * b && !ended) {
        const int j = length, k = first + stride * j;
        if (k >= ended_at) {
          ended = 1;
          break;
        }
        if (k > kmax) {
          stop = NEEDS_POLYNOMIALS;
          break;
        }
        if ((j >> 2) + 1 >= capacity) {
          stop = NEEDS_BLOCKS;
          break;
        }
        // Each expansion asks for its coefficients in the same order, so the running product is the same whatever else was computed.
        while (shift_k < k) {
          power_k *= step;
          shift_k += 1;
        }
        const double v = power_k * shift_value(terms + start[k], size[k], delta);
        const double kv = k * v;
        double *x = blocks + (j >> 2) * BLOCK_DOUBLES + BLOCK_X + (j & 3);
        x[0] = v;
        x[BLOCK_KX - BLOCK_X] = kv;
        sum_a += v * v;
        sum_w += kv * v;
        length = j + 1;
        if ((j & 3) != 3) continue;
        const double tail_a = norm_a > 0 ? js_max(norm_a - sum_a, floor_a * norm_a) / norm_a : 0;
        const double tail_b = w > 0 ? js_max(w - sum_w, floor_b * w) / w : 0;
        blocks[((j + 1) >> 2) * BLOCK_DOUBLES] = js_max(tail_a, tail_b);
      }
      if (stop != GROWN || length < 4 * b) break;
      if (blocks[b * BLOCK_DOUBLES] * power <= bound) break;
    }
    nb[POWER] = power_k;
    nb[SHIFT_K] = shift_k;
    nb[SUM_A] = sum_a;
    nb[SUM_W] = sum_w;
    header[0] = length;
    header[1] = ended ? ENDED : length;
    status[e] = stop;
  }
}
