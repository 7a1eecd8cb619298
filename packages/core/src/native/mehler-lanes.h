/*
 * The body of a row of Mehler sums (see `mehler-rows.c`), written once for
 * every vector width: `mehler-rows.c` includes it with VEC (VL doubles), MASK
 * and their operations defined for AVX-512 and again for AVX2. BLEND(m, a, b)
 * is b where m holds, else a; MASK_ADD(src, m, a, b) and MASK_MUL are a + b
 * and a * b where m holds, else src; ANDNOT(a, b) is a and not b.
 */
/*
 * Entries k < n of `rows` rows of a kernel (one or two; a constant where
 * this is inlined), with the same columns j0 + k of the packed set, VL at a
 * time: row h is row is[h] of the expansion whose header is at byte h1s[h]
 * of the store (variance q11s[h]), with q12s[h][k] given. With RESULTS_APART,
 * finished entries go to ts[h][k] and, when wanted, tdots[h][k]; with
 * RESULTS_IN_PLACE, q12s[h] is the NNGP row itself, which takes t, and
 * tdots[h] multiplies the NTK row (unless NULL), each entry read through the
 * dense map of `s` first where it has one (see sums_t; an entry left then
 * holds its entries mapped, the NTK's for the caller to multiply). The
 * diagonal's entries are written; those left (the series must grow, or a
 * tiny variance's own series of phi' is needed) are listed, row h's in
 * lefts[h] (LEFT numbers each: i, k (counted from j0), need (-1 for the
 * latter), q12, correlation, root) in the order of k, and counted in
 * listed[h].
 *
 * Two rows at once share their columns' loads and their blocks' loop: each
 * vector of columns is one branch that ends unpredictably instead of two,
 * and the rows' sums are chains of their own for the processor to overlap.
 */
static inline __attribute__((always_inline)) TARGET void ROWS_BODY(const sums_t *s, const int rows, const int *is, const int *h1s,
                                                                   const double *q11s, double *const *q12s, int j0, int n,
                                                                   double *const *ts, double *const *tdots, int results, double *const *lefts,
                                                                   int *listed) {
  const int ncap = s->ncap, lagged = s->lagged;
  const double *packed = s->packed;
  const VEC zero = ZERO, one = SET1(1.0), minus_one = SET1(-1.0);
  const double *block_rows = packed + (size_t)HEADER_ROWS * ncap;
  double len1[ROWS_AT_ONCE], grow1[ROWS_AT_ONCE];
  int stein1[ROWS_AT_ONCE];
  const double *x1[ROWS_AT_ONCE];
  VEC diag_t[ROWS_AT_ONCE], diag_td[ROWS_AT_ONCE], inv_root1[ROWS_AT_ONCE];
  for (int h = 0; h < rows; h++) {
    int header[4];
    double norms[3];
    memcpy(header, s->mem + h1s[h], sizeof header);
    memcpy(norms, s->mem + h1s[h] + 16, sizeof norms);
    len1[h] = header[HEAD_LENGTH];
    grow1[h] = header[HEAD_GROW];
    stein1[h] = header[HEAD_STEIN];
    x1[h] = (const double *)(s->mem + header[HEAD_BLOCKS]);
    diag_t[h] = SET1(norms[0] + (s->split2 + s->slope2 * q11s[h]));
    diag_td[h] = SET1(norms[1] + s->slope2);
    inv_root1[h] = SET1(norms[2]);
  }
  for (int h = 0; h < rows; h++) listed[h] = 0;
  for (int g = 0; g < n; g += VL) {
    const int count = n - g < VL ? n - g : VL;
    const MASK valid = FIRST_LANES(count);
    const size_t c = (size_t)j0 + g;
    // The rows' own entries a little ahead (see PREFETCH_AHEAD).
    for (int h = 0; h < rows && g + PREFETCH_AHEAD < n; h++) {
      __builtin_prefetch(q12s[h] + g + PREFETCH_AHEAD, 1);
      if (results == RESULTS_IN_PLACE && tdots[h] != NULL) __builtin_prefetch(tdots[h] + g + PREFETCH_AHEAD, 1);
    }
    const VEC q22 = LOADU(packed + ROW_Q22 * ncap + c), heads2 = LOADU(packed + ROW_HEADER * ncap + c);
    const VEC length2 = LOADU(packed + ROW_LENGTH * ncap + c), grow2 = LOADU(packed + ROW_GROW * ncap + c);
    const MASK stein2 = CMP(LOADU(packed + ROW_STEIN * ncap + c), zero, _CMP_NEQ_OQ);
    VEC root[ROWS_AT_ONCE], r[ROWS_AT_ONCE], rs[ROWS_AT_ONCE], r4[ROWS_AT_ONCE], m[ROWS_AT_ONCE], grow_at[ROWS_AT_ONCE], p0[ROWS_AT_ONCE];
    VEC p1[ROWS_AT_ONCE], p2[ROWS_AT_ONCE], p3[ROWS_AT_ONCE], before[ROWS_AT_ONCE];
    VEC sa0[ROWS_AT_ONCE], sa1[ROWS_AT_ONCE], sb0[ROWS_AT_ONCE], sb1[ROWS_AT_ONCE], need[ROWS_AT_ONCE];
    MASK diag[ROWS_AT_ONCE], special[ROWS_AT_ONCE], active[ROWS_AT_ONCE], deferred[ROWS_AT_ONCE];
    MASK any = NO_LANES;
    for (int h = 0; h < rows; h++) {
      const VEC q12v = MAPPED_Q12(s, MASKZ_LOADU(valid, q12s[h] + g));
      root[h] = SQRT(MUL(SET1(q11s[h]), q22));
      // As series.wat: min(1, max(-1, q12/root)), 0 where the root is 0.
      const VEC clamped = MIN(one, MAX(minus_one, DIV(q12v, root[h])));
      r[h] = BLEND(CMP(root[h], zero, _CMP_GT_OQ), zero, clamped);
      diag[h] = AND(AND(valid, CMP(heads2, SET1(h1s[h]), _CMP_EQ_OQ)), CMP(q12v, SET1(q11s[h]), _CMP_GE_OQ));
      special[h] = OR(diag[h], ANDNOT(valid, stein1[h] ? stein2 : NO_LANES));
      rs[h] = s->squared ? MUL(r[h], r[h]) : r[h];
      const VEC r2 = MUL(rs[h], rs[h]);
      r4[h] = MUL(r2, r2);
      m[h] = MIN(length2, SET1(len1[h]));
      grow_at[h] = MIN(grow2, SET1(grow1[h]));
      p0[h] = one;
      p1[h] = rs[h];
      p2[h] = r2;
      p3[h] = MUL(r2, rs[h]);
      before[h] = zero;
      sa0[h] = sa1[h] = sb0[h] = sb1[h] = zero;
      need[h] = minus_one;
      active[h] = ANDNOT(valid, special[h]);
      deferred[h] = NO_LANES;
      any = OR(any, active[h]);
    }
    // Blocks before `plain` end no series and defer no entry: 4b + 4 <= m <= `grow at` in every lane (a series
    // must grow only past its length). Their tests are the tails' bound alone.
    VEC shortest = SET1(ENDED);
    for (int h = 0; h < rows; h++) shortest = MIN(shortest, BLEND(valid, SET1(ENDED), m[h]));
    const int plain = (int)HORIZONTAL_MIN(shortest) >> 2;
    for (int b = 0; ANY(any); b++) {
      const VEC j = SET1(4.0 * b), next = SET1(4.0 * b + 4);
      const double *block = block_rows + (size_t)b * BLOCK_ROWS * ncap + c;
      const VEC tail = b > 0 ? LOADU(block + BLOCK_TAIL * ncap) : zero;
      MASK live[ROWS_AT_ONCE], over[ROWS_AT_ONCE];
      any = NO_LANES;
      for (int h = 0; h < rows; h++) {
        // The lanes summing when this block starts: their powers move on at its end. Lanes this block stops get
        // one product more, never read again, and the powers' chain does not wait for this block's tests.
        live[h] = active[h];
        const double *a1 = x1[h] + (size_t)b * STORE_BLOCK;
        if (b > 0) {
          const VEC pb = lagged ? before[h] : p0[h];
          const VEC bound = MUL(MUL(MUL(SET1(a1[0]), tail), pb), pb);
          active[h] = ANDNOT(active[h], CMP(bound, SET1(s->limit), _CMP_LE_OQ));
        }
        if (b < plain) {
          over[h] = NO_LANES;
        } else {
          over[h] = CMP(next, m[h], _CMP_GT_OQ);
          const MASK grow = AND(active[h], CMP(next, grow_at[h], _CMP_GT_OQ));
          need[h] = MASK_MOV(need[h], grow, next);
          deferred[h] = OR(deferred[h], grow);
          active[h] = ANDNOT(ANDNOT(active[h], grow), AND(over[h], CMP(j, m[h], _CMP_GE_OQ)));
        }
        any = OR(any, active[h]);
      }
      if (!ANY(any)) break;
      const VEC y0 = LOADU(block + (BLOCK_X0 + 0) * ncap), y1 = LOADU(block + (BLOCK_X0 + 1) * ncap);
      const VEC y2 = LOADU(block + (BLOCK_X0 + 2) * ncap), y3 = LOADU(block + (BLOCK_X0 + 3) * ncap);
      any = NO_LANES;
      for (int h = 0; h < rows; h++) {
        const double *a1 = x1[h] + (size_t)b * STORE_BLOCK;
        const double *x = a1 + STORE_X, *kx = a1 + STORE_KX;
        const MASK on = active[h];
        sa0[h] = MASK_ADD(sa0[h], on, sa0[h], MUL(MUL(SET1(x[0]), y0), p0[h]));
        sa1[h] = MASK_ADD(sa1[h], on, sa1[h], MUL(MUL(SET1(x[1]), y1), p1[h]));
        sa0[h] = MASK_ADD(sa0[h], on, sa0[h], MUL(MUL(SET1(x[2]), y2), p2[h]));
        sa1[h] = MASK_ADD(sa1[h], on, sa1[h], MUL(MUL(SET1(x[3]), y3), p3[h]));
        // phi' lags by one power unless phi is odd: powers (before, p0, p1, p2), before = the previous block's p3.
        const VEC d0 = lagged ? before[h] : p0[h], d1 = lagged ? p0[h] : p1[h], d2 = lagged ? p1[h] : p2[h], d3 = lagged ? p2[h] : p3[h];
        sb0[h] = MASK_ADD(sb0[h], on, sb0[h], MUL(MUL(SET1(kx[0]), y0), d0));
        sb1[h] = MASK_ADD(sb1[h], on, sb1[h], MUL(MUL(SET1(kx[1]), y1), d1));
        sb0[h] = MASK_ADD(sb0[h], on, sb0[h], MUL(MUL(SET1(kx[2]), y2), d2));
        sb1[h] = MASK_ADD(sb1[h], on, sb1[h], MUL(MUL(SET1(kx[3]), y3), d3));
        before[h] = p3[h];
        // A series that ended inside this block: those sums are complete.
        active[h] = ANDNOT(active[h], over[h]);
        any = OR(any, active[h]);
        // A finished lane's powers stay as they are: run on while its neighbours sum, they could sink into subnormals, whose arithmetic is slow.
        p0[h] = MASK_MUL(p0[h], live[h], p0[h], r4[h]);
        p1[h] = MASK_MUL(p1[h], live[h], p1[h], r4[h]);
        p2[h] = MASK_MUL(p2[h], live[h], p2[h], r4[h]);
        p3[h] = MASK_MUL(p3[h], live[h], p3[h], r4[h]);
      }
    }
    const VEC inv_root2 = LOADU(packed + ROW_INV_ROOT * ncap + c);
    for (int h = 0; h < rows; h++) {
      const VEC sa = ADD(sa0[h], sa1[h]), sb = ADD(sb0[h], sb1[h]);
      const VEC extra = ADD(SET1(s->split2), MUL(SET1(s->slope2), MUL(r[h], root[h])));
      const VEC tv = ADD(s->odd ? MUL(r[h], sa) : sa, extra);
      const MASK summed = ANDNOT(ANDNOT(valid, special[h]), deferred[h]);
      const VEC scale = MUL(inv_root1[h], inv_root2);
      const VEC tdv = ADD(MUL(s->even ? MUL(r[h], sb) : sb, scale), SET1(s->slope2));
      double *out = results == RESULTS_IN_PLACE ? q12s[h] : ts[h];
      double *tdot = tdots[h];
      // Read again, not kept through the blocks in registers the sums need: the row is written only here.
      const VEC raw = MASKZ_LOADU(valid, q12s[h] + g), q12v = MAPPED_Q12(s, raw);
      const MASK unfinished_lanes = OR(ANDNOT(special[h], diag[h]), deferred[h]);
      // The entries finished (summed, or the diagonal's, which the expansion knows), and with `tailed`, in place, on
      // through the map after the activation (see sums_t), Theta's from the NNGP's value before it.
      const MASK finished = OR(summed, diag[h]);
      const VEC k = BLEND(diag[h], tv, diag_t[h]), kdot = BLEND(diag[h], tdv, diag_td[h]);
      const int tailed = results == RESULTS_IN_PLACE && s->tailed;
      MASK_STOREU(out + g, finished, tailed ? ADD(MUL(SET1(s->tail[0]), k), SET1(s->tail[1])) : k);
      if (results == RESULTS_IN_PLACE && tdot != NULL) {
        const VEC theta = MAPPED_THETA(s, s->theta_zero ? zero : MASKZ_LOADU(valid, tdot + g), raw);
        const VEC product = tailed && s->tail_theta_zero ? zero : MUL(theta, kdot);
        MASK_STOREU(tdot + g, finished, tailed ? ADD(ADD(MUL(SET1(s->tail[2]), product), MUL(SET1(s->tail[3]), k)), SET1(s->tail[4])) : product);
        // The entries left are finished by multiplying their NTK entry (finishLeft in hermite-series.ts): it holds Θ mapped.
        if (s->mapped) MASK_STOREU(tdot + g, unfinished_lanes, theta);
      }
      if (results == RESULTS_IN_PLACE && s->mapped) MASK_STOREU(out + g, unfinished_lanes, q12v);
      else if (results == RESULTS_APART && s->want_dot) MASK_STOREU(tdot + g, finished, kdot);
      const int unfinished = BITS(unfinished_lanes), deferred_bits = BITS(deferred[h]);
      if (unfinished == 0) continue;
      double r_lanes[VL], root_lanes[VL], need_lanes[VL], q12_lanes[VL];
      STOREU(r_lanes, r[h]);
      STOREU(root_lanes, root[h]);
      STOREU(need_lanes, need[h]);
      STOREU(q12_lanes, q12v);
      for (int l = 0; l < count; l++) {
        if (!((unfinished >> l) & 1)) continue;
        double *entry = lefts[h] + LEFT * listed[h]++;
        entry[0] = is[h];
        entry[1] = g + l;
        entry[2] = (deferred_bits >> l) & 1 ? need_lanes[l] : -1;
        entry[3] = q12_lanes[l];
        entry[4] = r_lanes[l];
        entry[5] = root_lanes[l];
      }
    }
  }
}

/* One row (see ROWS_BODY): results in place or apart. Its entries left are listed in the order of k. */
TARGET static int ROW_SUMS(const sums_t *s, int i, int h1, double q11, double *q12, int j0, int n, double *t, double *tdot, int results,
                           double *left) {
  double *q12s[1] = {q12}, *ts[1] = {t}, *tdots[1] = {tdot}, *lefts[1] = {left};
  int listed;
  ROWS_BODY(s, 1, &i, &h1, &q11, q12s, j0, n, ts, tdots, results, lefts, &listed);
  return listed;
}

#if VL == 8
/*
 * Rows i, i + 1, ... (ROWS_AT_ONCE of them) over the same columns, in place
 * (see ROWS_BODY): q12s and tdots are their NNGP and NTK rows from column
 * j0. Their entries left are listed at `left`, row after row, each row's in
 * the order of k (room for ROWS_AT_ONCE * n); returns how many. AVX-512
 * only: two rows' state takes most of its 32 registers.
 */
TARGET static int ROW_GROUP_SUMS(const sums_t *s, int i, const int *h1s, const double *q11s, double *const *q12s, int j0, int n,
                                double *const *tdots, double *left) {
  int is[ROWS_AT_ONCE], listed[ROWS_AT_ONCE];
  double *ts[ROWS_AT_ONCE], *lefts[ROWS_AT_ONCE];
  for (int h = 0; h < ROWS_AT_ONCE; h++) {
    is[h] = i + h;
    ts[h] = NULL;
    lefts[h] = left + (size_t)LEFT * h * n;
  }
  ROWS_BODY(s, ROWS_AT_ONCE, is, h1s, q11s, q12s, j0, n, ts, tdots, RESULTS_IN_PLACE, lefts, listed);
  // Each row listed in a room of its own: the rooms closed up, so that a row's entries stay together for the caller.
  int total = listed[0];
  for (int h = 1; h < ROWS_AT_ONCE; h++) {
    memmove(left + (size_t)LEFT * total, lefts[h], sizeof(double) * LEFT * listed[h]);
    total += listed[h];
  }
  return total;
}
#endif
