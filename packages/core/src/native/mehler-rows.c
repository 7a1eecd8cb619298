/*
 * A row of Mehler sums (the dual of Lee et al. 2019, eq. (S1), of a smooth
 * activation from its Hermite expansions; see `special/mehler-series.ts`)
 * over a packed set of columns (`native/mehler-rows.ts`): eight entries of
 * the row per AVX-512 vector (four with AVX2), their columns' coefficients
 * read from contiguous rows, where `simd/series.wat` sums one entry at a
 * time and gathers each column's coefficients from its own blocks. The body
 * is written once (`mehler-lanes.h`) and compiled for both widths; the
 * caller picks one per call. With AVX-512, a whole kernel's rows go two at
 * a time: they share their columns' loads and their blocks' loop.
 *
 * Each entry's arithmetic is that of `series.wat` (and its JavaScript twin,
 * `seriesRowJs`), operation by operation: the same two partial sums (even
 * and odd positions of a block), the same powers, the same stopping test per
 * block of four. A lane that stops keeps its sums (masked adds and blends,
 * not multiplications by zero), so an entry's bits do not depend on its
 * neighbours, nor on the width, nor on which path summed it. Entries the
 * packed columns cannot finish (the series must grow, or a tiny variance's
 * own series of phi' is needed) are listed for `series.wat` to sum them.
 */
#if defined(__x86_64__)
/* x86-64 only: the library runs only there (`native/library.ts`), and the body is written in its intrinsics. */
#include <immintrin.h>
#include <string.h>

#include "mirror.h"
#include "series-store.h"
#include "threads.h"

/* Bits of `mode` (as in `simd/series.ts`). */
enum { MODE_ODD = 1, MODE_EVEN = 2, MODE_SQUARED = 4, MODE_WANT_DOT = 8 };

/* Rows of a packed column set before its blocks, and rows per block (see `native/mehler-rows.ts`). */
enum { ROW_Q22, ROW_INV_ROOT, ROW_LENGTH, ROW_GROW, ROW_HEADER, ROW_STEIN, HEADER_ROWS };
enum { BLOCK_TAIL, BLOCK_X0, BLOCK_ROWS = 5 };

/*
 * What every row of one activation's sums shares. With `mapped`, the rows
 * read their entries through the dense map before the activation (Lee et al.
 * 2019, eqs. (S3), (S6)): q12 <- a q12 + b, Theta <- c Theta + d q12 + e, with
 * map = (a, b, c, d, e), the arithmetic of `affine_step` (deferred-rows.c),
 * Theta taken as 0 with theta_zero; they then need no pass of their own.
 * With `tailed`, the entries they finish in place go on through the dense
 * map after the activation, tail = (a, b, c, d, e), with the same arithmetic
 * (Theta taken as 0 with tail_theta_zero), so that neither needs a pass of
 * its own after the rows.
 */
typedef struct {
  const unsigned char *mem;
  const double *packed;
  int ncap, lagged, odd, even, squared, want_dot, mapped, theta_zero, tailed, tail_theta_zero;
  double limit, split2, slope2;
  double map[5], tail[5];
} sums_t;

/* q12 and Theta as the rows read them (see sums_t): raw is the stored NNGP entry. */
#define MAPPED_Q12(s, raw) ((s)->mapped ? ADD(MUL(SET1((s)->map[0]), raw), SET1((s)->map[1])) : (raw))
#define MAPPED_THETA(s, theta, raw) \
  ((s)->mapped ? ADD(ADD(MUL(SET1((s)->map[2]), theta), MUL(SET1((s)->map[3]), raw)), SET1((s)->map[4])) : (theta))

/* Numbers per entry left by a row (see row_sums). */
#define LEFT 6

/*
 * Rows summed at once where AVX-512 runs (see ROWS_BODY in mehler-lanes.h).
 * Measured on a layer of 400 rows: 0.55 ms one at a time, 0.43 ms two at
 * once, 0.48-0.50 ms three or four (their state no longer fits the 32
 * registers).
 */
#define ROWS_AT_ONCE 2

/*
 * How far ahead (in entries: two vectors of eight with AVX-512) the rows prefetch the
 * entries of their own rows they read and write in place, the NNGP's and the
 * NTK's. Each vector of columns takes a few hundred cycles, so one or two
 * ahead is enough; the rows of the NTK, written by the layer before, were
 * read from beyond the cache: `perf annotate` put 7% of the rows' samples
 * on the instruction after the NTK's load. Measured on a layer's rows
 * replayed with the caches flushed (best of 400, three times), 0.48-0.50
 * -> 0.46-0.48 ms, and on a first call of the benchmark's tanh network
 * (both builds alternating in one process, 800 calls each), 6% faster at
 * the tenth percentile; 8 or 32 ahead did no better.
 */
#define PREFETCH_AHEAD 16

/*
 * Rows taken at a time when they are mirrored below the diagonal: eight
 * doubles, a cache line of each row below, so that two threads never write
 * one line, and the mirror copies them eight columns at a time.
 */
#define MIRROR_ROWS 8

/* Where a row's results go: t and tdot (RESULTS_APART), or in place in the NNGP row, the NTK row times tdot (RESULTS_IN_PLACE). */
enum { RESULTS_APART, RESULTS_IN_PLACE };

/* The row's body for AVX-512: eight lanes, mask registers. */
#define TARGET __attribute__((target("avx512f")))
#define ROW_SUMS row_sums_avx512
#define ROWS_BODY rows_body_avx512
#define ROW_GROUP_SUMS row_group_sums_avx512
#define VL 8
#define VEC __m512d
#define MASK __mmask8
#define ZERO _mm512_setzero_pd()
#define SET1 _mm512_set1_pd
#define LOADU _mm512_loadu_pd
#define STOREU _mm512_storeu_pd
#define MASKZ_LOADU _mm512_maskz_loadu_pd
#define MASK_STOREU _mm512_mask_storeu_pd
#define MUL _mm512_mul_pd
#define ADD _mm512_add_pd
#define DIV _mm512_div_pd
#define SQRT _mm512_sqrt_pd
#define MIN _mm512_min_pd
#define MAX _mm512_max_pd
#define CMP _mm512_cmp_pd_mask
#define BLEND _mm512_mask_blend_pd
#define MASK_ADD _mm512_mask_add_pd
#define MASK_MUL _mm512_mask_mul_pd
#define MASK_MOV _mm512_mask_mov_pd
#define AND(a, b) ((MASK)((a) & (b)))
#define OR(a, b) ((MASK)((a) | (b)))
#define ANDNOT(a, b) ((MASK)((a) & ~(b)))
#define ANY(m) ((m) != 0)
#define BITS(m) ((int)(m))
#define NO_LANES ((MASK)0)
#define FIRST_LANES(count) ((MASK)((1u << (count)) - 1))
#define HORIZONTAL_MIN _mm512_reduce_min_pd
#include "mehler-lanes.h"
#undef TARGET
#undef ROW_SUMS
#undef ROWS_BODY
#undef ROW_GROUP_SUMS
#undef VL
#undef VEC
#undef MASK
#undef ZERO
#undef SET1
#undef LOADU
#undef STOREU
#undef MASKZ_LOADU
#undef MASK_STOREU
#undef MUL
#undef ADD
#undef DIV
#undef SQRT
#undef MIN
#undef MAX
#undef CMP
#undef BLEND
#undef MASK_ADD
#undef MASK_MUL
#undef MASK_MOV
#undef AND
#undef OR
#undef ANDNOT
#undef ANY
#undef BITS
#undef NO_LANES
#undef FIRST_LANES
#undef HORIZONTAL_MIN

/* The smallest of four lanes. */
__attribute__((target("avx2"))) static inline double horizontal_min_avx2(__m256d v) {
  const __m128d half = _mm_min_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
  return _mm_cvtsd_f64(_mm_min_sd(half, _mm_unpackhi_pd(half, half)));
}

/* The row's body for AVX2: four lanes, masks as vectors of all-ones lanes. */
#define TARGET __attribute__((target("avx2")))
#define ROW_SUMS row_sums_avx2
#define ROWS_BODY rows_body_avx2
#define VL 4
#define VEC __m256d
#define MASK __m256d
#define ZERO _mm256_setzero_pd()
#define SET1 _mm256_set1_pd
#define LOADU _mm256_loadu_pd
#define STOREU _mm256_storeu_pd
#define MASKZ_LOADU(m, p) _mm256_maskload_pd(p, _mm256_castpd_si256(m))
#define MASK_STOREU(p, m, v) _mm256_maskstore_pd(p, _mm256_castpd_si256(m), v)
#define MUL _mm256_mul_pd
#define ADD _mm256_add_pd
#define DIV _mm256_div_pd
#define SQRT _mm256_sqrt_pd
#define MIN _mm256_min_pd
#define MAX _mm256_max_pd
#define CMP _mm256_cmp_pd
#define BLEND(m, a, b) _mm256_blendv_pd(a, b, m)
#define MASK_ADD(src, m, a, b) _mm256_blendv_pd(src, _mm256_add_pd(a, b), m)
#define MASK_MUL(src, m, a, b) _mm256_blendv_pd(src, _mm256_mul_pd(a, b), m)
#define MASK_MOV(src, m, a) _mm256_blendv_pd(src, a, m)
#define AND _mm256_and_pd
#define OR _mm256_or_pd
#define ANDNOT(a, b) _mm256_andnot_pd(b, a)
#define ANY(m) (_mm256_movemask_pd(m) != 0)
#define BITS(m) _mm256_movemask_pd(m)
#define NO_LANES _mm256_setzero_pd()
#define FIRST_LANES(count) _mm256_cmp_pd(_mm256_set_pd(3, 2, 1, 0), _mm256_set1_pd(count), _CMP_LT_OQ)
#define HORIZONTAL_MIN horizontal_min_avx2
#include "mehler-lanes.h"

/* A row's sums with the widest vectors the caller asked for (8: AVX-512, else AVX2). */
static int row_sums(int lanes, const sums_t *s, int i, int h1, double q11, double *q12, int j0, int n, double *t, double *tdot, int results,
                    double *left) {
  return lanes == 8 ? row_sums_avx512(s, i, h1, q11, q12, j0, n, t, tdot, results, left)
                    : row_sums_avx2(s, i, h1, q11, q12, j0, n, t, tdot, results, left);
}

static sums_t sums_of(double *store, const double *packed, int ncap, double limit, int mode, double split2, double slope2) {
  const int odd = (mode & MODE_ODD) != 0;
  return (sums_t){(const unsigned char *)store, packed, ncap, !odd, odd, (mode & MODE_EVEN) != 0, (mode & MODE_SQUARED) != 0,
                  (mode & MODE_WANT_DOT) != 0, 0, 0, 0, 0, limit, split2, slope2, {0}, {0}};
}

/*
 * Entries k < n of the row of the expansion whose header is at byte h1 of
 * the store (variance q11), with q12[k] given and the columns j0 + k of
 * `packed` (ncap numbers per row). Finished entries go to t[k] and, with
 * MODE_WANT_DOT, tdot[k]; those left are listed in `left` (see row_sums;
 * room for n). Returns how many were listed.
 */
int tl_mehler_row(int lanes, double *store, int h1, double q11, const double *q12, const double *packed, int ncap, int j0, double *t,
                  double *tdot, double *left, int n, double limit, int mode, double split2, double slope2) {
  const sums_t s = sums_of(store, packed, ncap, limit, mode, split2, slope2);
  return row_sums(lanes, &s, 0, h1, q11, (double *)q12, j0, n, t, tdot, RESULTS_APART, left);
}

/* mirror_group (mirror.h) of rows g0 to g1, eight columns at a time where AVX-512 runs (lanes 8) and eight rows are given. */
static void mirror_rows(int lanes, double *a, int n, int g0, int g1) {
  if (lanes == 8 && g1 - g0 == 8) mirror_eight_avx512(a, n, g0);
  else mirror_group(a, n, g0, g1);
}

/* The rows of one kernel (see tl_mehler_rows): what every part shares, and the next rows to take. */
typedef struct {
  const sums_t *s;
  int lanes;
  const int *heads1;
  const double *q11s;
  double *nngp, *ntk;
  int n2, symmetric, fill_lower, i1, room;
  int next; /* the first row not taken, taken atomically */
  double *left[2];
  int listed[2];
} rows_job_t;

/*
 * Rows i to `end` of a kernel (see rows_part), ROWS_AT_ONCE at a time where
 * AVX-512 runs, their entries left listed at `left`; returns how many.
 */
static int rows_from(const rows_job_t *p, int i, int end, double *left) {
  int listed = 0;
  const int step = p->lanes == 8 ? ROWS_AT_ONCE : 1;
  for (; i < end; i += step) {
    const int j0 = p->symmetric ? i : 0;
    if (i + step <= end && step == ROWS_AT_ONCE) {
      // ROWS_AT_ONCE rows at once over the columns they share: when symmetric, from the last one's diagonal on, each row's
      // entries before that (its own diagonal's, and the corner of the triangle) summed alone first.
      const int shared = p->symmetric ? ROWS_AT_ONCE - 1 : 0;
      double *q12s[ROWS_AT_ONCE], *tdots[ROWS_AT_ONCE];
      int from[ROWS_AT_ONCE];
      for (int h = 0; h < ROWS_AT_ONCE; h++) {
        const int own = p->symmetric ? i + h : 0;
        const size_t row = (size_t)(i + h) * p->n2;
        double *ntk = p->ntk == NULL ? NULL : p->ntk + row + own;
        const int before = j0 + shared - own;
        if (before > 0) {
          listed += row_sums_avx512(p->s, i + h, p->heads1[i + h], p->q11s[i + h], p->nngp + row + own, own, before, NULL, ntk,
                                    RESULTS_IN_PLACE, left + (size_t)LEFT * listed);
        }
        q12s[h] = p->nngp + row + j0 + shared;
        tdots[h] = ntk == NULL ? NULL : ntk + before;
        from[h] = before;
      }
      double *rest = left + (size_t)LEFT * listed;
      const int got = row_group_sums_avx512(p->s, i, p->heads1 + i, p->q11s + i, q12s, j0 + shared, p->n2 - j0 - shared, tdots, rest);
      // Listed counting from the rows' shared first column: from each row's own first, as a row lists them.
      for (int l = 0; l < got; l++) rest[(size_t)LEFT * l + 1] += from[(int)rest[(size_t)LEFT * l] - i];
      listed += got;
      continue;
    }
    for (int r = i; r < i + step && r < end; r++) {
      const int j = p->symmetric ? r : 0;
      const size_t at = (size_t)r * p->n2 + j;
      listed += row_sums(p->lanes, p->s, r, p->heads1[r], p->q11s[r], p->nngp + at, j, p->n2 - j, NULL, p->ntk == NULL ? NULL : p->ntk + at,
                         RESULTS_IN_PLACE, left + (size_t)LEFT * listed);
    }
  }
  return listed;
}

/*
 * Part `index` of a kernel's rows: takes rows from the next not taken,
 * ROWS_AT_ONCE at a time where AVX-512 runs (else one), or MIRROR_ROWS at a
 * time when they are mirrored (then each thread writes whole cache lines of
 * the rows below), until none are left or its list might not have room for
 * all the entries of the rows it would take. Mirrored rows are mirrored
 * as soon as they are summed, while they are in cache.
 */
static void rows_part(void *arg, int index) {
  rows_job_t *p = arg;
  const int take = p->fill_lower ? MIRROR_ROWS : p->lanes == 8 ? ROWS_AT_ONCE : 1;
  double *const left = p->left[index];
  int listed = 0;
  while (listed + take * p->n2 <= p->room) {
    const int i = __atomic_fetch_add(&p->next, take, __ATOMIC_RELAXED);
    if (i >= p->i1) break;
    const int end = i + take < p->i1 ? i + take : p->i1;
    listed += rows_from(p, i, end, left + (size_t)LEFT * listed);
    if (p->fill_lower) {
      mirror_rows(p->lanes, p->nngp, p->n2, i, end);
      if (p->ntk != NULL) mirror_rows(p->lanes, p->ntk, p->n2, i, end);
    }
  }
  p->listed[index] = listed;
}

/*
 * Rows of an n1 x n2 NNGP and NTK (NULL: NNGP alone) through one numerical
 * activation, in place: K <- T(K), Theta <- Theta * Tdot(K) (Lee et al.
 * 2019, eqs. (S3), (S6)), entries j >= i only when symmetric: rows rows[0]
 * to rows[1], taken a few at a time by `threads` threads (1 or 2), the
 * calling one and a pooled one. Rows go to whichever thread is free, so that
 * neither waits for the other: measured, a second thread's share of rows split
 * in halves beforehand took up to 1.7 times the first's. Row i's expansion
 * has its header at heads1[i], variance q11s[i]; column j is column j of the
 * packed set. With `map` (5 numbers, or NULL), each entry is read through
 * that dense map first, Theta as 0 with theta_zero (see sums_t). With `tail`
 * (5 numbers, or NULL), each entry finished goes on through that map after
 * the activation, Theta as 0 with tail_theta_zero; with fill_lower (a
 * symmetric kernel), each row taken is then mirrored below the diagonal, in
 * MIRROR_ROWS rows at a time: the work of `tl_deferred_rows`'s tail and
 * mirror, with the same bits, while the rows are in cache.
 * Entries that cannot be finished are left, mapped, and listed in the
 * list of the thread that took their row (left0, left1; see row_sums), and a
 * thread stops before taking rows whose entries might not all fit in the
 * `room` entries its list has left (room for MIRROR_ROWS rows at least when
 * mirrored). out gets the first row not taken (the rows before it are done),
 * then the entries each list holds. An entry left stays as the rows left it,
 * neither through the tail nor mirrored: its caller finishes it.
 */
void tl_mehler_rows(int lanes, double *store, const int *heads1, const double *q11s, double *nngp, double *ntk, int n2, int symmetric,
                     const int *rows, int threads, const double *packed, int ncap, double *left0, double *left1, int room, int *out, double limit,
                     int mode, double split2, double slope2, const double *map, int theta_zero, const double *tail, int tail_theta_zero,
                     int fill_lower) {
  sums_t s = sums_of(store, packed, ncap, limit, mode, split2, slope2);
  if (map != NULL) {
    s.mapped = 1;
    s.theta_zero = theta_zero;
    memcpy(s.map, map, sizeof s.map);
  }
  if (tail != NULL) {
    s.tailed = 1;
    s.tail_theta_zero = tail_theta_zero;
    memcpy(s.tail, tail, sizeof s.tail);
  }
  rows_job_t job = {&s, lanes, heads1, q11s, nngp, ntk, n2, symmetric, fill_lower && symmetric, rows[1], room, rows[0], {left0, left1}, {0, 0}};
  tl_run_parts(rows_part, &job, threads < 2 ? 1 : 2);
  out[0] = job.next < rows[1] ? job.next : rows[1];
  out[1] = job.listed[0];
  out[2] = job.listed[1];
}

/*
 * Entries k < count of a list, each of row rows[k] (whose expansion has its
 * header at heads1[row], variance q11s[row]) with q12[k] given and its
 * column packed as column k; an entry's row is that of the entry before,
 * or a new one. Finished entries go to t[k] and, with MODE_WANT_DOT,
 * tdot[k]; those left are listed in `left` as row_sums lists them, their
 * column their index k in the list. Returns how many were listed.
 */
int tl_mehler_list(int lanes, double *store, const int *heads1, const double *q11s, const int *rows, const double *q12, int count,
                   const double *packed, int ncap, double *t, double *tdot, double *left, double limit, int mode, double split2,
                   double slope2) {
  const sums_t s = sums_of(store, packed, ncap, limit, mode, split2, slope2);
  int listed = 0;
  for (int g0 = 0, g1; g0 < count; g0 = g1) {
    const int i = rows[g0];
    for (g1 = g0 + 1; g1 < count && rows[g1] == i; g1++) {
    }
    const int got = row_sums(lanes, &s, i, heads1[i], q11s[i], (double *)q12 + g0, g0, g1 - g0, t + g0, tdot == NULL ? NULL : tdot + g0,
                             RESULTS_APART, left + (size_t)LEFT * listed);
    for (int l = 0; l < got; l++) left[(size_t)LEFT * (listed + l) + 1] += g0;
    listed += got;
  }
  return listed;
}

/*
 * Packs columns from + k (k < count) of a packed set (`native/mehler-rows.ts`:
 * ncap numbers a row, room for `blocks` blocks, `held` the coefficients each
 * column's expansion held when packed) from the expansions whose headers are
 * at heads[k] in the store, each one's variance at numbers[stride * id]: all
 * of them, or with only_changed those whose expansion grew since. A column
 * holds at most `most` coefficients (a multiple of 4); a series cut there
 * does not look ended. Returns 0, or, having written nothing, the blocks the
 * set needs room for.
 */
int tl_mehler_pack(const double *store, const int *heads, int count, const double *numbers, int stride, double *packed, int ncap, int blocks,
                   int *held, int from, int only_changed, int most) {
  const unsigned char *mem = (const unsigned char *)store;
  int needed = 0;
  for (int k = 0; k < count; k++) {
    const int *h = (const int *)(mem + heads[k]);
    const int length = h[HEAD_LENGTH] < most ? h[HEAD_LENGTH] : most;
    // Blocks up to 4b <= length: each one's tail is read before it is summed.
    needed = (length >> 2) + 1 > needed ? (length >> 2) + 1 : needed;
  }
  if (needed > blocks) return needed;
  for (int k = 0; k < count; k++) {
    const int *h = (const int *)(mem + heads[k]);
    const int ended = h[HEAD_GROW] == ENDED, now = ended ? ENDED : h[HEAD_LENGTH];
    const int c = from + k;
    if (only_changed && held[c] == now) continue;
    const int capped = h[HEAD_LENGTH] > most, length = capped ? most : h[HEAD_LENGTH];
    double *d = packed + c;
    d[(size_t)ROW_Q22 * ncap] = numbers[(size_t)stride * h[HEAD_ID]];
    d[(size_t)ROW_INV_ROOT * ncap] = ((const double *)h)[HEAD_INV_ROOT];
    d[(size_t)ROW_LENGTH * ncap] = length;
    d[(size_t)ROW_GROW * ncap] = ended && !capped ? ENDED : length;
    d[(size_t)ROW_HEADER * ncap] = heads[k];
    d[(size_t)ROW_STEIN * ncap] = h[HEAD_STEIN] ? 1 : 0;
    const double *src = (const double *)(mem + h[HEAD_BLOCKS]);
    for (int b = 0; b <= length >> 2; b++, src += STORE_BLOCK) {
      double *at = d + (size_t)(HEADER_ROWS + BLOCK_ROWS * b) * ncap;
      at[(size_t)BLOCK_TAIL * ncap] = src[0];
      for (int x = 0; x < 4; x++) at[(size_t)(BLOCK_X0 + x) * ncap] = 4 * b + x < length ? src[STORE_X + x] : 0;
    }
    held[c] = now;
  }
  return 0;
}

/* The reach's rows of one part (see tl_mehler_reach): what the parts share, and where each puts its columns' reach. */
typedef struct {
  const double *nngp, *q11s, *q22s, *inverse2, *map;
  int n1, n2, symmetric, split;
  double *reach1, *reach2[2];
} reach_t;

/* Rows i0 to i1 of the reach (see tl_mehler_reach), the columns' reach to reach2. */
__attribute__((target("avx2"))) static void reach_rows(const reach_t *r, int i0, int i1, double *reach2) {
  // Products with reciprocals, not quotients, in four lanes: an estimate, whose last bit does not matter.
  const __m256d one = _mm256_set1_pd(1.0);
  const double a = r->map == NULL ? 1 : r->map[0], b = r->map == NULL ? 0 : r->map[1];
  const __m256d av = _mm256_set1_pd(a), bv = _mm256_set1_pd(b);
  const int n2 = r->n2;
  const double *inverse2 = r->inverse2, *q22s = r->q22s;
  for (int i = i0; i < i1; i++) {
    const double q11 = r->q11s[i];
    const __m256d q11v = _mm256_set1_pd(q11), inverse1 = _mm256_set1_pd(1 / q11);
    const double *row = r->nngp + (size_t)i * n2;
    __m256d most = _mm256_setzero_pd();
    int j = r->symmetric ? i : 0;
    double tail = 0;
    for (; j + 4 <= n2; j += 4) {
      const __m256d q12 = r->map == NULL ? _mm256_loadu_pd(row + j) : _mm256_add_pd(_mm256_mul_pd(av, _mm256_loadu_pd(row + j)), bv);
      // min(NaN, 1) is 1 (the second operand when either is NaN): an undefined correlation reaches as far as any.
      __m256d c = _mm256_min_pd(_mm256_mul_pd(_mm256_mul_pd(_mm256_mul_pd(q12, q12), inverse1), _mm256_loadu_pd(inverse2 + j)), one);
      const __m256d diagonal = _mm256_and_pd(_mm256_cmp_pd(_mm256_loadu_pd(q22s + j), q11v, _CMP_EQ_OQ), _mm256_cmp_pd(q12, q11v, _CMP_GE_OQ));
      c = _mm256_andnot_pd(diagonal, c);
      most = _mm256_max_pd(most, c);
      _mm256_storeu_pd(reach2 + j, _mm256_max_pd(_mm256_loadu_pd(reach2 + j), c));
    }
    for (; j < n2; j++) {
      const double q12 = r->map == NULL ? row[j] : a * row[j] + b;
      double c = q12 * q12 * (1 / q11) * inverse2[j];
      c = c < 1 ? c : 1;
      c = q22s[j] == q11 && q12 >= q11 ? 0 : c;
      tail = c > tail ? c : tail;
      reach2[j] = c > reach2[j] ? c : reach2[j];
    }
    double lanes[4];
    _mm256_storeu_pd(lanes, most);
    for (int l = 0; l < 4; l++) tail = lanes[l] > tail ? lanes[l] : tail;
    r->reach1[i] = tail;
  }
}

static void reach_part(void *arg, int index) {
  const reach_t *r = arg;
  if (index == 0) reach_rows(r, 0, r->split, r->reach2[0]);
  else reach_rows(r, r->split, r->n1, r->reach2[1]);
}

/*
 * The reach of every row and column of an n1 x n2 kernel about to pass
 * through a numerical activation: the largest q12^2/(q11 q22) (the squared
 * correlation, at most 1) over the entries summed, entries j >= i only when
 * symmetric, not counting the diagonal's (q22 = q11 <= q12: the expansion
 * knows their values), q12 read through the map a q12 + b where map = (a, b)
 * is given (as the rows read it; see sums_t). Each expansion grows to what
 * its reach needs before the rows are summed (`Expansion.growToReach`).
 * With two threads (the calling one and a pooled one), each takes half the
 * entries, rows before and after a split, the second's columns' reach in
 * scratch until both are done. scratch is room for 2 n2 numbers.
 */
void tl_mehler_reach(const double *nngp, const double *q11s, const double *q22s, int n1, int n2, int symmetric, double *reach1,
                     double *reach2, double *scratch, const double *map, int threads) {
  double *inverse2 = scratch, *second = scratch + n2;
  for (int j = 0; j < n2; j++) {
    reach2[j] = 0;
    second[j] = 0;
    inverse2[j] = 1 / q22s[j];
  }
  const int parts = threads < 2 || n1 < 2 ? 1 : 2;
  int split = n1;
  if (parts == 2) {
    // Half the entries each: rows of a symmetric kernel shorten along the diagonal.
    double total = 0, before = 0;
    for (int i = 0; i < n1; i++) total += symmetric ? n2 - i : n2;
    for (split = 0; split < n1 && before < total / 2; split++) before += symmetric ? n2 - split : n2;
  }
  reach_t r = {nngp, q11s, q22s, inverse2, map, n1, n2, symmetric, split, reach1, {reach2, second}};
  tl_run_parts(reach_part, &r, parts);
  if (parts == 2)
    for (int j = 0; j < n2; j++) reach2[j] = second[j] > reach2[j] ? second[j] : reach2[j];
}

#endif
