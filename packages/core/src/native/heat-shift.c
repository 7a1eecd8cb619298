/*
 * Hermite expansions grown by the heat shift (`special/heat-shift.ts`,
 * `special/variance-expansions.ts`) in native code: the expansions of many
 * grid cells in one call, each until the tail before some block b of its
 * series meets its reach, tau_b * reach^(4b - 1) <= bound
 * (`Expansion.growToReach`), or to a length. A kernel's first call creates
 * hundreds of expansions and computes tens of coefficients for each: one
 * call does what was a JavaScript call per coefficient, with the same
 * arithmetic, operation by operation, so the coefficients have the same bits
 * either way. The cells' polynomials are read from one arena
 * (`ShiftArena`), so that threads can take the cells one at a time.
 */
#include <math.h>

#include "expansion-numbers.h"
#include "grid-index.h"
#include "series-store.h"
#include "shift-value.h"
#include "threads.h"

/* Ints per job and per cell (see tl_heat_shift_cells). */
#define JOB 4
#define CELL 5
/* What a job's growth stopped at (`status`). */
enum { GROWN = 0, NEEDS_POLYNOMIALS = 1, NEEDS_BLOCKS = 2 };

/* Math.max: NaN if either is. */
static double js_max(double a, double b) { return a != a || b != b ? NAN : a > b ? a : b; }

/* What grow_one carries from coefficient to coefficient of one expansion. */
typedef struct {
  double *blocks;
  double norm_a, w, delta, step, power_k, shift_k, sum_a, sum_w;
  int length, ended;
} growth_t;

/*
 * Appends the expansion's next coefficient (see tl_heat_shift_cells), or
 * returns why not: it ended (GROWN, with g->ended set), or it needs
 * polynomials or room.
 */
static int grow_coefficient(growth_t *g, const double *terms, const int *pairs, int first, int stride, int kmax,
                            int ended_at, int capacity, double floor_a, double floor_b) {
  const int j = g->length, k = first + stride * j;
  if (k >= ended_at) {
    g->ended = 1;
    return GROWN;
  }
  if (k > kmax) return NEEDS_POLYNOMIALS;
  if ((j >> 2) + 1 >= capacity) return NEEDS_BLOCKS;
  // Each expansion asks for its coefficients in the same order, so the running product is the same whatever else was computed.
  while (g->shift_k < k) {
    g->power_k *= g->step;
    g->shift_k += 1;
  }
  const double v = g->power_k * shift_value(terms + pairs[2 * k], pairs[2 * k + 1], g->delta);
  const double kv = k * v;
  double *x = g->blocks + (j >> 2) * STORE_BLOCK + STORE_X + (j & 3);
  x[0] = v;
  x[STORE_KX - STORE_X] = kv;
  g->sum_a += v * v;
  g->sum_w += kv * v;
  g->length = j + 1;
  if ((j & 3) == 3) {
    const double tail_a = g->norm_a > 0 ? js_max(g->norm_a - g->sum_a, floor_a * g->norm_a) / g->norm_a : 0;
    const double tail_b = g->w > 0 ? js_max(g->w - g->sum_w, floor_b * g->w) / g->w : 0;
    g->blocks[((j + 1) >> 2) * STORE_BLOCK] = js_max(tail_a, tail_b);
  }
  return GROWN;
}

/*
 * Grows one job (see tl_heat_shift_cells) one coefficient at a time: to its
 * target length, or by its reach when it has none; returns its status.
 */
static int grow_one(unsigned char *mem, double *numbers, const double *terms, const int *pairs, int first, int stride,
                    int kmax, int ended_at, const int *job, double r, double bound, double floor_a, double floor_b) {
  int *header = (int *)(mem + job[0]);
  const double *norms = (const double *)(mem + job[0]) + 2;
  double *nb = numbers + job[1];
  const int capacity = job[2], target = job[3];
  // The running numbers in locals: the stores to the blocks could otherwise alias them, and each would be read back.
  growth_t g = {(double *)(mem + header[HEAD_BLOCKS]), norms[0], norms[1] * nb[Q], nb[DELTA], nb[STEP], nb[POWER], nb[SHIFT_K],
                nb[SUM_A], nb[SUM_W], header[HEAD_LENGTH], header[HEAD_GROW] == ENDED};
  int stop = GROWN;
  if (target > 0) {
    while (g.length < target && !g.ended && stop == GROWN)
      stop = grow_coefficient(&g, terms, pairs, first, stride, kmax, ended_at, capacity, floor_a, floor_b);
  } else {
    const double r4 = r * r * (r * r);
    double power = r * r * r;
    for (int b = 1;; b++, power *= r4) {
      while (g.length < 4 * b && !g.ended && stop == GROWN)
        stop = grow_coefficient(&g, terms, pairs, first, stride, kmax, ended_at, capacity, floor_a, floor_b);
      if (stop != GROWN || g.length < 4 * b) break;
      if (g.blocks[b * STORE_BLOCK] * power <= bound) break;
    }
  }
  nb[POWER] = g.power_k;
  nb[SHIFT_K] = g.shift_k;
  nb[SUM_A] = g.sum_a;
  nb[SUM_W] = g.sum_w;
  header[HEAD_LENGTH] = g.length;
  header[HEAD_GROW] = g.ended ? ENDED : g.length;
  return stop;
}

#if defined(__x86_64__)
#include <immintrin.h>

/* Math.max in eight lanes: NaN where either is (maxpd alone would give the second operand). */
__attribute__((target("avx512f"))) static __m512d js_max8(__m512d a, __m512d b) {
  return _mm512_mask_mov_pd(_mm512_max_pd(a, b), _mm512_cmp_pd_mask(a, b, _CMP_UNORD_Q), _mm512_set1_pd(NAN));
}

/*
 * grow_one for `count` (1 to 8) jobs at once, none of which holds a
 * coefficient yet (as after a kernel's first lookups) and all grown by their
 * reach: their series then reach each index together, so each shift
 * polynomial serves up to eight variances per evaluation, each lane with
 * grow_one's arithmetic, operation by operation, and a lane stops where
 * grow_one would. Lanes from `count` on stay idle: a cell's last few jobs
 * take one vector where they took a scalar pass each, which, per
 * coefficient, costs as much as a vector's.
 */
__attribute__((target("avx512f"))) static void grow_fresh8(unsigned char *mem, double *numbers, const double *terms, const int *pairs,
                                                           int first, int stride, int kmax, int ended_at, const int *jobs, int count,
                                                           const double *reach, double bound, double floor_a, double floor_b, int *status) {
  double *blocks[8], *nbs[8];
  // Idle lanes hold zeros: never active, they compute only zeros, and nothing of theirs is stored.
  double lane_delta[8] = {0}, lane_step[8] = {0}, lane_power[8] = {0}, lane_shift[8] = {0}, lane_sum_a[8] = {0}, lane_sum_w[8] = {0},
         lane_norm_a[8] = {0}, lane_w[8] = {0}, lane_cap[8] = {0}, lane_reach[8] = {0};
  for (int l = 0; l < count; l++) {
    const int *job = jobs + JOB * l;
    const int *header = (const int *)(mem + job[0]);
    const double *norms = (const double *)(mem + job[0]) + 2;
    double *nb = numbers + job[1];
    blocks[l] = (double *)(mem + header[HEAD_BLOCKS]);
    nbs[l] = nb;
    lane_delta[l] = nb[DELTA];
    lane_step[l] = nb[STEP];
    lane_power[l] = nb[POWER];
    lane_shift[l] = nb[SHIFT_K];
    lane_sum_a[l] = nb[SUM_A];
    lane_sum_w[l] = nb[SUM_W];
    lane_norm_a[l] = norms[0];
    lane_w[l] = norms[1] * nb[Q];
    lane_cap[l] = job[2];
    lane_reach[l] = reach[l];
  }
  const __m512d zero = _mm512_setzero_pd(), one = _mm512_set1_pd(1.0), limit = _mm512_set1_pd(bound);
  // Where each lane's blocks start, in bytes from mem: its coefficients go there by scatters.
  long long lane_base[8] = {0};
  for (int l = 0; l < count; l++) lane_base[l] = (unsigned char *)blocks[l] - mem;
  const __m512i base = _mm512_loadu_si512(lane_base);
  const __m512d delta = _mm512_loadu_pd(lane_delta), step = _mm512_loadu_pd(lane_step), norm_a = _mm512_loadu_pd(lane_norm_a);
  const __m512d w = _mm512_loadu_pd(lane_w), cap = _mm512_loadu_pd(lane_cap), r = _mm512_loadu_pd(lane_reach);
  const __m512d d2 = _mm512_mul_pd(delta, delta), d4 = _mm512_mul_pd(d2, d2);
  const __m512d r4 = _mm512_mul_pd(_mm512_mul_pd(r, r), _mm512_mul_pd(r, r));
  const __m512d fa = _mm512_mul_pd(_mm512_set1_pd(floor_a), norm_a), fb = _mm512_mul_pd(_mm512_set1_pd(floor_b), w);
  const __mmask8 has_a = _mm512_cmp_pd_mask(norm_a, zero, _CMP_GT_OQ), has_w = _mm512_cmp_pd_mask(w, zero, _CMP_GT_OQ);
  __m512d power_k = _mm512_loadu_pd(lane_power), shift_k = _mm512_loadu_pd(lane_shift);
  __m512d sum_a = _mm512_loadu_pd(lane_sum_a), sum_w = _mm512_loadu_pd(lane_sum_w);
  __m512d power = _mm512_mul_pd(_mm512_mul_pd(r, r), r);
  __mmask8 active = (__mmask8)((1u << count) - 1), ended = 0;
  int length = 0, lengths[8], stops[8];
  for (int l = 0; l < 8; l++) stops[l] = GROWN;
  // The tail before the block after the coefficients grown, as each lane stored it: tested here, not read back.
  __m512d tail = zero;
  for (int b = 1; active; b++, power = _mm512_mul_pd(power, r4)) {
    while (length < 4 * b && active) {
      const int j = length, k = first + stride * j;
      if (k >= ended_at) {
        ended = active;
        break;
      }
      if (k > kmax) {
        for (int l = 0; l < 8; l++)
          if ((active >> l) & 1) stops[l] = NEEDS_POLYNOMIALS, lengths[l] = j;
        active = 0;
        break;
      }
      const __mmask8 full = active & _mm512_cmp_pd_mask(_mm512_set1_pd((j >> 2) + 1), cap, _CMP_GE_OQ);
      for (int l = 0; l < 8; l++)
        if ((full >> l) & 1) stops[l] = NEEDS_BLOCKS, lengths[l] = j;
      active &= (__mmask8)~full;
      if (!active) break;
      const __m512d kd = _mm512_set1_pd(k);
      for (__mmask8 behind; (behind = active & _mm512_cmp_pd_mask(shift_k, kd, _CMP_LT_OQ)) != 0;) {
        power_k = _mm512_mask_mul_pd(power_k, behind, power_k, step);
        shift_k = _mm512_mask_add_pd(shift_k, behind, shift_k, one);
      }
      const double *p = terms + pairs[2 * k];
      const int n = pairs[2 * k + 1];
      int t = (n - 1) & ~3;
      __m512d s0 = _mm512_set1_pd(p[t]), s1 = _mm512_set1_pd(t + 1 < n ? p[t + 1] : 0);
      __m512d s2 = _mm512_set1_pd(t + 2 < n ? p[t + 2] : 0), s3 = _mm512_set1_pd(t + 3 < n ? p[t + 3] : 0);
      for (t -= 4; t >= 0; t -= 4) {
        s0 = _mm512_add_pd(_mm512_mul_pd(s0, d4), _mm512_set1_pd(p[t]));
        s1 = _mm512_add_pd(_mm512_mul_pd(s1, d4), _mm512_set1_pd(p[t + 1]));
        s2 = _mm512_add_pd(_mm512_mul_pd(s2, d4), _mm512_set1_pd(p[t + 2]));
        s3 = _mm512_add_pd(_mm512_mul_pd(s3, d4), _mm512_set1_pd(p[t + 3]));
      }
      const __m512d h = _mm512_add_pd(_mm512_add_pd(s0, _mm512_mul_pd(delta, s1)), _mm512_mul_pd(d2, _mm512_add_pd(s2, _mm512_mul_pd(delta, s3))));
      const __m512d v = _mm512_mul_pd(power_k, h), kv = _mm512_mul_pd(kd, v);
      const int at = (j >> 2) * STORE_BLOCK + STORE_X + (j & 3);
      // Two scatters, where the vectors were stored and read back a lane at a time (measured on a layer's growth replayed,
      // with the tail kept above, best of 300, eight times: 0.086-0.095 -> 0.063-0.077 ms).
      const __m512i where = _mm512_add_epi64(base, _mm512_set1_epi64((long long)sizeof(double) * at));
      _mm512_mask_i64scatter_pd(mem, active, where, v, 1);
      _mm512_mask_i64scatter_pd(mem, active, _mm512_add_epi64(where, _mm512_set1_epi64((long long)sizeof(double) * (STORE_KX - STORE_X))), kv, 1);
      sum_a = _mm512_mask_add_pd(sum_a, active, sum_a, _mm512_mul_pd(v, v));
      sum_w = _mm512_mask_add_pd(sum_w, active, sum_w, _mm512_mul_pd(kv, v));
      length = j + 1;
      if ((j & 3) != 3) continue;
      const __m512d tail_a = _mm512_mask_div_pd(zero, has_a, js_max8(_mm512_sub_pd(norm_a, sum_a), fa), norm_a);
      const __m512d tail_b = _mm512_mask_div_pd(zero, has_w, js_max8(_mm512_sub_pd(w, sum_w), fb), w);
      double lane_tail[8];
      tail = js_max8(tail_a, tail_b);
      _mm512_storeu_pd(lane_tail, tail);
      const int tail_at = ((j + 1) >> 2) * STORE_BLOCK;
      for (int l = 0; l < count; l++)
        if ((active >> l) & 1) blocks[l][tail_at] = lane_tail[l];
    }
    if (ended || !active) break;
    const __mmask8 met = active & _mm512_cmp_pd_mask(_mm512_mul_pd(tail, power), limit, _CMP_LE_OQ);
    for (int l = 0; l < 8; l++)
      if ((met >> l) & 1) lengths[l] = length;
    active &= (__mmask8)~met;
  }
  for (int l = 0; l < 8; l++)
    if (((active | ended) >> l) & 1) lengths[l] = length;
  _mm512_storeu_pd(lane_power, power_k);
  _mm512_storeu_pd(lane_shift, shift_k);
  _mm512_storeu_pd(lane_sum_a, sum_a);
  _mm512_storeu_pd(lane_sum_w, sum_w);
  for (int l = 0; l < count; l++) {
    int *header = (int *)(mem + jobs[JOB * l]);
    nbs[l][POWER] = lane_power[l];
    nbs[l][SHIFT_K] = lane_shift[l];
    nbs[l][SUM_A] = lane_sum_a[l];
    nbs[l][SUM_W] = lane_sum_w[l];
    header[HEAD_LENGTH] = lengths[l];
    header[HEAD_GROW] = (ended >> l) & 1 ? ENDED : lengths[l];
    status[l] = stops[l];
  }
}
#endif

/* What every cell of one call shares (see tl_heat_shift_cells). */
typedef struct {
  int lanes;
  unsigned char *mem;
  double *numbers;
  const double *terms;
  const int *index, *cells, *jobs;
  const double *reach;
  int first, stride;
  double bound, floor_a, floor_b;
  int *status;
} cells_t;

/*
 * The jobs of one cell (see tl_heat_shift_cells): with AVX-512, eight
 * consecutive jobs that hold no coefficient yet and grow by their reach
 * together, a lane each, else one at a time.
 */
static void grow_cell(const cells_t *c, int cell) {
  const int *at = c->cells + CELL * cell;
  const int j0 = at[0], j1 = at[0] + at[1], kmax = at[3], ended_at = at[4];
  const int *pairs = c->index + at[2];
  for (int e = j0; e < j1;) {
#if defined(__x86_64__)
    if (c->lanes == 8) {
      // The fresh jobs from e on, up to eight, in one vector.
      int fresh = 0;
      while (fresh < 8 && e + fresh < j1 && ((const int *)(c->mem + c->jobs[JOB * (e + fresh)]))[HEAD_LENGTH] == 0 &&
             c->jobs[JOB * (e + fresh) + 3] == 0)
        fresh++;
      if (fresh > 1) {
        grow_fresh8(c->mem, c->numbers, c->terms, pairs, c->first, c->stride, kmax, ended_at, c->jobs + JOB * e, fresh, c->reach + e, c->bound,
                    c->floor_a, c->floor_b, c->status + e);
        e += fresh;
        continue;
      }
    }
#endif
    c->status[e] = grow_one(c->mem, c->numbers, c->terms, pairs, c->first, c->stride, kmax, ended_at, c->jobs + JOB * e, c->reach[e], c->bound,
                            c->floor_a, c->floor_b);
    e++;
  }
}

/* Cells c0 to c1 (see tl_heat_shift_cells). */
static void grow_cells(const void *job, int c0, int c1) {
  for (int cell = c0; cell < c1; cell++) grow_cell(job, cell);
}

/*
 * Grows the expansions of `ncells` grid cells, taken a cell at a time by
 * `threads` threads (the calling one and pooled ones): cells[CELL c ..]
 * holds cell c's first job and its count of jobs, where its polynomials'
 * pairs start in `index`, its kmax and its ended_at. Jobs e, JOB ints
 * each: the byte address of the expansion's header in `mem` (length, grow
 * at, blocks' address; E[phi^2], E[phi'^2] from byte 16), the index of its
 * first number in `numbers`, the blocks it has room for, and the length to
 * grow it to (0: by its reach, reach[e]). Coefficient j has Hermite index
 * k = first + stride * j and is (q/q0)^(k/2) times the shift polynomial of
 * k at delta (its terms from terms[pairs[2k]], pairs[2k + 1] of them), for
 * k <= kmax, the last with a polynomial and in the cell's band; the series
 * ends at k >= ended_at. status[e] says why a job stopped: grown to its
 * reach (or ended), or at kmax, or at the end of its blocks; the caller
 * makes room and calls again, which checks the blocks it has before growing
 * on. Each expansion is in one cell: the threads write apart.
 */
void tl_heat_shift_cells(int lanes, int threads, unsigned char *mem, double *numbers, const double *terms, const int *index, const int *cells,
                         int ncells, int first, int stride, const int *jobs, const double *reach, double bound, double floor_a, double floor_b,
                         int *status) {
  const cells_t c = {lanes, mem, numbers, terms, index, cells, jobs, reach, first, stride, bound, floor_a, floor_b, status};
  // The cells as the rows of tl_parallel_rows, taken one at a time.
  tl_parallel_rows(grow_cells, &c, 0, ncells, 1, threads < ncells ? threads : ncells);
}

/*
 * Lists the expansions ids[i], i < count, as the jobs and cells of
 * tl_heat_shift_cells, the cells by their count of jobs, largest first: to
 * grow to targets[i] coefficients (by their reach where targets is NULL), in
 * the cell of their point of band 0's grid. slot[i] is that point's slot
 * where the expansion is in band 0 already, or -2 where it holds no
 * coefficient yet: it then enters band 0 here (`VarianceExpansions.enterBand`,
 * operation by operation: the shift's k = first, delta, sqrt(q/q0) and
 * (q/q0)^(k/2) for k of 0 or 1, the band's end), at the nearest point, or,
 * where the grid has none, is left to the caller with slot[i] = -1. The
 * grid (band 0's table of `VarianceExpansions`): at[g - lowest] is the slot
 * of grid point g (-1: none), for g < lowest + span; by slot (of `slots`), its
 * variance, where its polynomials' pairs start in the arena's index, the
 * last k with a polynomial, and where its series ends (ENDED: not yet).
 * `counts` is scratch, a number per slot and one per expansion. Returns the
 * count of cells.
 */
int tl_heat_shift_jobs(const unsigned char *mem, double *numbers, const int *header, int *band_end, const int *ids, int count, int *slot,
                       const int *targets, const int *at, int lowest, int span, int per_octave, const double *thresholds, int slots,
                       const double *q0s, const int *pairs, const int *kmax, const int *ended_at, int first, int band_length, int *counts,
                       int *jobs, double *reach, int *cells) {
  int *used = counts + slots, nused = 0;
  memset(counts, 0, sizeof(int) * (size_t)slots);
  for (int i = 0; i < count; i++) {
    if (slot[i] == -2) {
      double *nb = numbers + (size_t)STRIDE * ids[i];
      const double q = nb[Q];
      const int g = grid_index(q, thresholds, per_octave) - lowest;
      slot[i] = g >= 0 && g < span ? at[g] : -1;
      if (slot[i] < 0) continue;
      const double q0 = q0s[slot[i]], step = sqrt(q / q0);
      nb[SHIFT_K] = first;
      nb[DELTA] = (q - q0) / (2 * q0);
      nb[STEP] = step;
      nb[POWER] = first == 0 ? 1 : step;
      band_end[ids[i]] = band_length;
    }
    if (counts[slot[i]]++ == 0) used[nused++] = slot[i];
  }
  // The cells, largest first: the slots used sorted by count (a kernel's variances span tens of grid points).
  for (int u = 1; u < nused; u++) {
    const int s = used[u];
    int v = u;
    for (; v > 0 && counts[used[v - 1]] < counts[s]; v--) used[v] = used[v - 1];
    used[v] = s;
  }
  int jobs_before = 0;
  for (int c = 0; c < nused; c++) {
    const int s = used[c];
    int *cell = cells + CELL * c;
    cell[0] = jobs_before;
    cell[1] = 0;
    cell[2] = pairs[s];
    cell[3] = kmax[s];
    cell[4] = ended_at[s];
    jobs_before += counts[s];
    // From here on, the slot's count names its cell.
    counts[s] = c;
  }
  for (int i = 0; i < count; i++) {
    if (slot[i] < 0) continue;
    int *cell = cells + CELL * counts[slot[i]];
    const int e = cell[0] + cell[1]++, id = ids[i];
    jobs[JOB * e] = header[id];
    jobs[JOB * e + 1] = STRIDE * id;
    jobs[JOB * e + 2] = ((const int *)(mem + header[id]))[HEAD_CAPACITY];
    jobs[JOB * e + 3] = targets == NULL ? 0 : targets[i];
    reach[e] = numbers[(size_t)STRIDE * id + REACHED];
  }
  return nused;
}
