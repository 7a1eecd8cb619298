/*
 * A row of Mehler sums (the dual of Lee et al. 2019, eq. (S1), of a smooth
 * activation from its Hermite expansions; see `special/mehler-series.ts`)
 * over a packed set of columns (`native/mehler-rows.ts`): eight entries of
 * the row per AVX-512 vector, their columns' coefficients read from
 * contiguous rows, where `simd/series.wat` sums one entry at a time and
 * gathers each column's coefficients from its own blocks. AVX-512 only: its
 * masks keep a lane's sums once it has stopped at no cost; elsewhere the rows
 * run on WebAssembly.
 *
 * Each entry's arithmetic is that of `series.wat` (and its JavaScript twin,
 * `seriesRowJs`), operation by operation: the same two partial sums (even
 * and odd positions of a block), the same powers, the same stopping test per
 * block of four. A lane that stops keeps its sums (masked adds, not
 * multiplications by zero), so an entry's bits do not depend on its neighbours, nor
 * on which path summed it. Entries the packed columns cannot finish (the
 * series must grow, or a tiny variance's own series of phi' is needed) are
 * deferred as in `series.wat`, with their correlation, root and q12 left in
 * the store's row for it to sum them.
 */
#include <immintrin.h>
#include <string.h>

#define LANES 8
#define AVX512 __attribute__((target("avx512f")))

/* Bits of `mode` (as in `simd/series.ts`). */
enum { MODE_ODD = 1, MODE_EVEN = 2, MODE_SQUARED = 4, MODE_WANT_DOT = 8 };

/* Rows of a packed column set before its blocks, and rows per block (see `native/mehler-rows.ts`). */
enum { ROW_Q22, ROW_INV_ROOT, ROW_LENGTH, ROW_GROW, ROW_HEADER, ROW_STEIN, HEADER_ROWS };
enum { BLOCK_TAIL, BLOCK_X0, BLOCK_ROWS = 5 };

/* An expansion's block in the store (`series.wat`): 10 doubles, the tail, a pad, x0..x3, k x0..k x3. */
enum { STORE_BLOCK = 10, STORE_X = 2, STORE_KX = 6 };

#define set1 _mm512_set1_pd
#define mul _mm512_mul_pd
#define add _mm512_add_pd
#define cmp _mm512_cmp_pd_mask

/* What every row of one activation's sums shares. */
typedef struct {
  const unsigned char *mem;
  const double *packed;
  int ncap, lagged, odd, even, squared, want_dot;
  double limit, split2, slope2;
} sums_t;

/* Numbers per entry left by a row (see row_sums). */
#define LEFT 6

/* Where a row's results go: t and tdot (RESULTS_APART), or in place in the NNGP row, the NTK row times tdot (RESULTS_IN_PLACE). */
enum { RESULTS_APART, RESULTS_IN_PLACE };

/*
 * Entries k < n of row i of the expansion whose header is at byte h1 of the
 * store (variance q11), with q12[k] given and the columns j0 + k of the
 * packed set, eight at a time. With RESULTS_APART, finished entries go
 * to t[k] and, when wanted, tdot[k]; with RESULTS_IN_PLACE, q12 is the NNGP
 * row itself, which takes t, and tdot multiplies the NTK row `tdot` (unless
 * NULL). The diagonal's entries are written; those left (the series must
 * grow, or a tiny variance's own series of phi' is needed) are listed in
 * `left` (LEFT numbers each: i, k (counted from j0), need (-1 for the
 * latter), q12, correlation, root); returns how many.
 */
AVX512 static inline __attribute__((always_inline)) int row_sums(const sums_t *s, int i, int h1, double q11, double *q12, int j0, int n,
                                                                 double *t, double *tdot, int results, double *left) {
  int header[4];
  double norms[3];
  memcpy(header, s->mem + h1, sizeof header);
  memcpy(norms, s->mem + h1 + 16, sizeof norms);
  const double len1 = header[0], grow1 = header[1];
  const int stein1 = header[3];
  const double *x1 = (const double *)(s->mem + header[2]);
  const int ncap = s->ncap, lagged = s->lagged;
  const double *packed = s->packed;
  const __m512d zero = _mm512_setzero_pd(), one = set1(1.0), minus_one = set1(-1.0);
  const __m512d diag_t = set1(norms[0] + (s->split2 + s->slope2 * q11)), diag_td = set1(norms[1] + s->slope2);
  const __m512d inv_root1 = set1(norms[2]);
  const double *rows = packed + (size_t)HEADER_ROWS * ncap;
  int listed = 0;
  for (int g = 0; g < n; g += LANES) {
    const int count = n - g < LANES ? n - g : LANES;
    const __mmask8 valid = (__mmask8)((1u << count) - 1);
    const size_t c = (size_t)j0 + g;
    const __m512d q12v = _mm512_maskz_loadu_pd(valid, q12 + g);
    const __m512d root = _mm512_sqrt_pd(mul(set1(q11), _mm512_loadu_pd(packed + ROW_Q22 * ncap + c)));
    // As series.wat: min(1, max(-1, q12/root)), 0 where the root is 0.
    const __m512d clamped = _mm512_min_pd(one, _mm512_max_pd(minus_one, _mm512_div_pd(q12v, root)));
    const __m512d r = _mm512_mask_blend_pd(cmp(root, zero, _CMP_GT_OQ), zero, clamped);
    const __mmask8 diag = valid & cmp(_mm512_loadu_pd(packed + ROW_HEADER * ncap + c), set1(h1), _CMP_EQ_OQ) & cmp(q12v, set1(q11), _CMP_GE_OQ);
    const __mmask8 stein = stein1 ? cmp(_mm512_loadu_pd(packed + ROW_STEIN * ncap + c), zero, _CMP_NEQ_OQ) : 0;
    const __mmask8 special = diag | (valid & ~stein);
    const __m512d rs = s->squared ? mul(r, r) : r;
    const __m512d r2 = mul(rs, rs), r4 = mul(r2, r2);
    const __m512d m = _mm512_min_pd(_mm512_loadu_pd(packed + ROW_LENGTH * ncap + c), set1(len1));
    const __m512d grow_at = _mm512_min_pd(_mm512_loadu_pd(packed + ROW_GROW * ncap + c), set1(grow1));
    __m512d p0 = one, p1 = rs, p2 = r2, p3 = mul(r2, rs), before = zero;
    __m512d sa0 = zero, sa1 = zero, sb0 = zero, sb1 = zero, need = minus_one;
    __mmask8 active = valid & ~special, deferred = 0;
    for (int b = 0; active; b++) {
      const __m512d j = set1(4.0 * b), next = set1(4.0 * b + 4);
      const double *block = rows + (size_t)b * BLOCK_ROWS * ncap + c;
      const double *a1 = x1 + (size_t)b * STORE_BLOCK;
      if (b > 0) {
        const __m512d pb = lagged ? before : p0;
        const __m512d bound = mul(mul(mul(set1(a1[0]), _mm512_loadu_pd(block + BLOCK_TAIL * ncap)), pb), pb);
        active &= ~cmp(bound, set1(s->limit), _CMP_LE_OQ);
      }
      const __mmask8 over = cmp(next, m, _CMP_GT_OQ);
      const __mmask8 grow = active & cmp(next, grow_at, _CMP_GT_OQ);
      need = _mm512_mask_mov_pd(need, grow, next);
      deferred |= grow;
      active &= ~grow & ~(over & cmp(j, m, _CMP_GE_OQ));
      if (!active) break;
      const __m512d y0 = _mm512_loadu_pd(block + (BLOCK_X0 + 0) * ncap), y1 = _mm512_loadu_pd(block + (BLOCK_X0 + 1) * ncap);
      const __m512d y2 = _mm512_loadu_pd(block + (BLOCK_X0 + 2) * ncap), y3 = _mm512_loadu_pd(block + (BLOCK_X0 + 3) * ncap);
      const double *x = a1 + STORE_X, *kx = a1 + STORE_KX;
      sa0 = _mm512_mask_add_pd(sa0, active, sa0, mul(mul(set1(x[0]), y0), p0));
      sa1 = _mm512_mask_add_pd(sa1, active, sa1, mul(mul(set1(x[1]), y1), p1));
      sa0 = _mm512_mask_add_pd(sa0, active, sa0, mul(mul(set1(x[2]), y2), p2));
      sa1 = _mm512_mask_add_pd(sa1, active, sa1, mul(mul(set1(x[3]), y3), p3));
      // phi' lags by one power unless phi is odd: powers (before, p0, p1, p2), before = the previous block's p3.
      const __m512d d0 = lagged ? before : p0, d1 = lagged ? p0 : p1, d2 = lagged ? p1 : p2, d3 = lagged ? p2 : p3;
      sb0 = _mm512_mask_add_pd(sb0, active, sb0, mul(mul(set1(kx[0]), y0), d0));
      sb1 = _mm512_mask_add_pd(sb1, active, sb1, mul(mul(set1(kx[1]), y1), d1));
      sb0 = _mm512_mask_add_pd(sb0, active, sb0, mul(mul(set1(kx[2]), y2), d2));
      sb1 = _mm512_mask_add_pd(sb1, active, sb1, mul(mul(set1(kx[3]), y3), d3));
      before = p3;
      // A series that ended inside this block: those sums are complete.
      active &= ~over;
      // A finished lane's powers stay as they are: run on while its neighbours sum, they could sink into subnormals, whose arithmetic is slow.
      p0 = _mm512_mask_mul_pd(p0, active, p0, r4);
      p1 = _mm512_mask_mul_pd(p1, active, p1, r4);
      p2 = _mm512_mask_mul_pd(p2, active, p2, r4);
      p3 = _mm512_mask_mul_pd(p3, active, p3, r4);
    }
    const __m512d sa = add(sa0, sa1), sb = add(sb0, sb1);
    const __m512d extra = add(set1(s->split2), mul(set1(s->slope2), mul(r, root)));
    const __m512d tv = add(s->odd ? mul(r, sa) : sa, extra);
    const __mmask8 summed = valid & ~special & ~deferred;
    const __m512d scale = mul(inv_root1, _mm512_loadu_pd(packed + ROW_INV_ROOT * ncap + c));
    const __m512d tdv = add(mul(s->even ? mul(r, sb) : sb, scale), set1(s->slope2));
    double *out = results == RESULTS_IN_PLACE ? q12 : t;
    _mm512_mask_storeu_pd(out + g, summed, tv);
    _mm512_mask_storeu_pd(out + g, diag, diag_t);
    if (results == RESULTS_IN_PLACE && tdot != NULL) {
      const __m512d theta = _mm512_maskz_loadu_pd(valid, tdot + g);
      _mm512_mask_storeu_pd(tdot + g, summed, mul(theta, tdv));
      _mm512_mask_storeu_pd(tdot + g, diag, mul(theta, diag_td));
    } else if (results == RESULTS_APART && s->want_dot) {
      _mm512_mask_storeu_pd(tdot + g, summed, tdv);
      _mm512_mask_storeu_pd(tdot + g, diag, diag_td);
    }
    const __mmask8 unfinished = (special & ~diag) | deferred;
    if (!unfinished) continue;
    double r_lanes[LANES], root_lanes[LANES], need_lanes[LANES], q12_lanes[LANES];
    _mm512_storeu_pd(r_lanes, r);
    _mm512_storeu_pd(root_lanes, root);
    _mm512_storeu_pd(need_lanes, need);
    _mm512_storeu_pd(q12_lanes, q12v);
    for (int l = 0; l < count; l++) {
      if (!((unfinished >> l) & 1)) continue;
      double *entry = left + LEFT * listed++;
      entry[0] = i;
      entry[1] = g + l;
      entry[2] = (deferred >> l) & 1 ? need_lanes[l] : -1;
      entry[3] = q12_lanes[l];
      entry[4] = r_lanes[l];
      entry[5] = root_lanes[l];
    }
  }
  return listed;
}

static sums_t sums_of(double *store, const double *packed, int ncap, double limit, int mode, double split2, double slope2) {
  const int odd = (mode & MODE_ODD) != 0;
  return (sums_t){(const unsigned char *)store, packed, ncap, !odd, odd, (mode & MODE_EVEN) != 0, (mode & MODE_SQUARED) != 0,
                  (mode & MODE_WANT_DOT) != 0, limit, split2, slope2};
}

/*
 * Entries k < n of the row of the expansion whose header is at byte h1 of
 * the store (variance q11), with q12[k] given and the columns j0 + k of
 * `packed` (ncap numbers per row). Finished entries go to t[k] and, with
 * MODE_WANT_DOT, tdot[k]; a deferred one goes to the store's pending pairs
 * (entry, need: the coefficients both expansions must hold, or -1), its
 * q12, correlation and root to the store's row (byte offsets rq12, rt, rtd).
 * Returns how many were deferred.
 */
AVX512 int tl_mehler_row(double *store, int h1, double q11, const double *q12, const double *packed, int ncap, int j0, double *t,
                         double *tdot, double *left, int rq12, int rt, int rtd, int rpend, int n, double limit, int mode, double split2,
                         double slope2) {
  const sums_t s = sums_of(store, packed, ncap, limit, mode, split2, slope2);
  unsigned char *mem = (unsigned char *)store;
  double *row_q12 = (double *)(mem + rq12), *row_t = (double *)(mem + rt), *row_td = (double *)(mem + rtd);
  int *pend = (int *)(mem + rpend);
  const int listed = row_sums(&s, 0, h1, q11, (double *)q12, j0, n, t, tdot, RESULTS_APART, left);
  for (int p = 0; p < listed; p++) {
    const double *entry = left + LEFT * p;
    const int k = (int)entry[1];
    pend[2 * p] = k;
    pend[2 * p + 1] = (int)entry[2];
    row_q12[k] = entry[3];
    row_t[k] = entry[4];
    row_td[k] = entry[5];
  }
  return listed;
}

/*
 * Rows i0, i0 + 1, ... of an n1 x n2 NNGP and NTK (NULL: NNGP alone) through
 * one numerical activation, in place: K <- T(K), Theta <- Theta * Tdot(K)
 * (Lee et al. 2019, eqs. (S3), (S6)), entries j >= i only when symmetric.
 * Row i's expansion has its header at heads1[i - i0], variance q11s[i - i0];
 * column j is column j of the packed set. Entries that cannot be finished
 * are left untouched and listed in `left` (see row_sums; room for n2), and
 * the rows stop after the first that leaves any: once they are summed and
 * their expansions grown, the next rows need fewer left. Returns the first
 * row not done; *left_count gets the number listed.
 */
AVX512 int tl_mehler_rows(double *store, const int *heads1, const double *q11s, double *nngp, double *ntk, int n2, int symmetric, int i0,
                          int i1, const double *packed, int ncap, double *left, int *left_count, double limit, int mode, double split2,
                          double slope2) {
  const sums_t s = sums_of(store, packed, ncap, limit, mode, split2, slope2);
  int listed = 0, i = i0;
  while (i < i1 && listed == 0) {
    const int j0 = symmetric ? i : 0;
    const size_t at = (size_t)i * n2 + j0;
    listed = row_sums(&s, i, heads1[i - i0], q11s[i - i0], nngp + at, j0, n2 - j0, NULL, ntk == NULL ? NULL : ntk + at, RESULTS_IN_PLACE, left);
    // Entries are listed from the row's first, j0: as columns.
    for (int p = 0; p < listed; p++) left[LEFT * p + 1] += j0;
    i++;
  }
  *left_count = listed;
  return i;
}
