/*
 * The body of a row of Mehler sums (see `mehler-rows.c`), written once for
 * every vector width: `mehler-rows.c` includes it with VEC (VL doubles), MASK
 * and their operations defined for AVX-512 and again for AVX2. BLEND(m, a, b)
 * is b where m holds, else a; MASK_ADD(src, m, a, b) and MASK_MUL are a + b
 * and a * b where m holds, else src; ANDNOT(a, b) is a and not b.
 */
/*
 * Entries k < n of row i of the expansion whose header is at byte h1 of the
 * store (variance q11), with q12[k] given and the columns j0 + k of the
 * packed set, VL at a time. With RESULTS_APART, finished entries go
 * to t[k] and, when wanted, tdot[k]; with RESULTS_IN_PLACE, q12 is the NNGP
 * row itself, which takes t, and tdot multiplies the NTK row `tdot` (unless
 * NULL). The diagonal's entries are written; those left (the series must
 * grow, or a tiny variance's own series of phi' is needed) are listed in
 * `left` (LEFT numbers each: i, k (counted from j0), need (-1 for the
 * latter), q12, correlation, root); returns how many.
 */
TARGET static int ROW_SUMS(const sums_t *s, int i, int h1, double q11, double *q12, int j0, int n, double *t, double *tdot, int results,
                           double *left) {
  int header[4];
  double norms[3];
  memcpy(header, s->mem + h1, sizeof header);
  memcpy(norms, s->mem + h1 + 16, sizeof norms);
  const double len1 = header[0], grow1 = header[1];
  const int stein1 = header[3];
  const double *x1 = (const double *)(s->mem + header[2]);
  const int ncap = s->ncap, lagged = s->lagged;
  const double *packed = s->packed;
  const VEC zero = ZERO, one = SET1(1.0), minus_one = SET1(-1.0);
  const VEC diag_t = SET1(norms[0] + (s->split2 + s->slope2 * q11)), diag_td = SET1(norms[1] + s->slope2);
  const VEC inv_root1 = SET1(norms[2]);
  const double *rows = packed + (size_t)HEADER_ROWS * ncap;
  int listed = 0;
  for (int g = 0; g < n; g += VL) {
    const int count = n - g < VL ? n - g : VL;
    const MASK valid = FIRST_LANES(count);
    const size_t c = (size_t)j0 + g;
    const VEC q12v = MASKZ_LOADU(valid, q12 + g);
    const VEC root = SQRT(MUL(SET1(q11), LOADU(packed + ROW_Q22 * ncap + c)));
    // As series.wat: min(1, max(-1, q12/root)), 0 where the root is 0.
    const VEC clamped = MIN(one, MAX(minus_one, DIV(q12v, root)));
    const VEC r = BLEND(CMP(root, zero, _CMP_GT_OQ), zero, clamped);
    const MASK diag = AND(AND(valid, CMP(LOADU(packed + ROW_HEADER * ncap + c), SET1(h1), _CMP_EQ_OQ)), CMP(q12v, SET1(q11), _CMP_GE_OQ));
    const MASK stein = stein1 ? CMP(LOADU(packed + ROW_STEIN * ncap + c), zero, _CMP_NEQ_OQ) : NO_LANES;
    const MASK special = OR(diag, ANDNOT(valid, stein));
    const VEC rs = s->squared ? MUL(r, r) : r;
    const VEC r2 = MUL(rs, rs), r4 = MUL(r2, r2);
    const VEC m = MIN(LOADU(packed + ROW_LENGTH * ncap + c), SET1(len1));
    const VEC grow_at = MIN(LOADU(packed + ROW_GROW * ncap + c), SET1(grow1));
    VEC p0 = one, p1 = rs, p2 = r2, p3 = MUL(r2, rs), before = zero;
    VEC sa0 = zero, sa1 = zero, sb0 = zero, sb1 = zero, need = minus_one;
    MASK active = ANDNOT(valid, special), deferred = NO_LANES;
    for (int b = 0; ANY(active); b++) {
      // The lanes summing when this block starts: their powers move on at its end. Lanes this block stops get
      // one product more, never read again, and the powers' chain does not wait for this block's tests.
      const MASK live = active;
      const VEC j = SET1(4.0 * b), next = SET1(4.0 * b + 4);
      const double *block = rows + (size_t)b * BLOCK_ROWS * ncap + c;
      const double *a1 = x1 + (size_t)b * STORE_BLOCK;
      if (b > 0) {
        const VEC pb = lagged ? before : p0;
        const VEC bound = MUL(MUL(MUL(SET1(a1[0]), LOADU(block + BLOCK_TAIL * ncap)), pb), pb);
        active = ANDNOT(active, CMP(bound, SET1(s->limit), _CMP_LE_OQ));
      }
      const MASK over = CMP(next, m, _CMP_GT_OQ);
      const MASK grow = AND(active, CMP(next, grow_at, _CMP_GT_OQ));
      need = MASK_MOV(need, grow, next);
      deferred = OR(deferred, grow);
      active = ANDNOT(ANDNOT(active, grow), AND(over, CMP(j, m, _CMP_GE_OQ)));
      if (!ANY(active)) break;
      const VEC y0 = LOADU(block + (BLOCK_X0 + 0) * ncap), y1 = LOADU(block + (BLOCK_X0 + 1) * ncap);
      const VEC y2 = LOADU(block + (BLOCK_X0 + 2) * ncap), y3 = LOADU(block + (BLOCK_X0 + 3) * ncap);
      const double *x = a1 + STORE_X, *kx = a1 + STORE_KX;
      sa0 = MASK_ADD(sa0, active, sa0, MUL(MUL(SET1(x[0]), y0), p0));
      sa1 = MASK_ADD(sa1, active, sa1, MUL(MUL(SET1(x[1]), y1), p1));
      sa0 = MASK_ADD(sa0, active, sa0, MUL(MUL(SET1(x[2]), y2), p2));
      sa1 = MASK_ADD(sa1, active, sa1, MUL(MUL(SET1(x[3]), y3), p3));
      // phi' lags by one power unless phi is odd: powers (before, p0, p1, p2), before = the previous block's p3.
      const VEC d0 = lagged ? before : p0, d1 = lagged ? p0 : p1, d2 = lagged ? p1 : p2, d3 = lagged ? p2 : p3;
      sb0 = MASK_ADD(sb0, active, sb0, MUL(MUL(SET1(kx[0]), y0), d0));
      sb1 = MASK_ADD(sb1, active, sb1, MUL(MUL(SET1(kx[1]), y1), d1));
      sb0 = MASK_ADD(sb0, active, sb0, MUL(MUL(SET1(kx[2]), y2), d2));
      sb1 = MASK_ADD(sb1, active, sb1, MUL(MUL(SET1(kx[3]), y3), d3));
      before = p3;
      // A series that ended inside this block: those sums are complete.
      active = ANDNOT(active, over);
      // A finished lane's powers stay as they are: run on while its neighbours sum, they could sink into subnormals, whose arithmetic is slow.
      p0 = MASK_MUL(p0, live, p0, r4);
      p1 = MASK_MUL(p1, live, p1, r4);
      p2 = MASK_MUL(p2, live, p2, r4);
      p3 = MASK_MUL(p3, live, p3, r4);
    }
    const VEC sa = ADD(sa0, sa1), sb = ADD(sb0, sb1);
    const VEC extra = ADD(SET1(s->split2), MUL(SET1(s->slope2), MUL(r, root)));
    const VEC tv = ADD(s->odd ? MUL(r, sa) : sa, extra);
    const MASK summed = ANDNOT(ANDNOT(valid, special), deferred);
    const VEC scale = MUL(inv_root1, LOADU(packed + ROW_INV_ROOT * ncap + c));
    const VEC tdv = ADD(MUL(s->even ? MUL(r, sb) : sb, scale), SET1(s->slope2));
    double *out = results == RESULTS_IN_PLACE ? q12 : t;
    MASK_STOREU(out + g, summed, tv);
    MASK_STOREU(out + g, diag, diag_t);
    if (results == RESULTS_IN_PLACE && tdot != NULL) {
      const VEC theta = MASKZ_LOADU(valid, tdot + g);
      MASK_STOREU(tdot + g, summed, MUL(theta, tdv));
      MASK_STOREU(tdot + g, diag, MUL(theta, diag_td));
    } else if (results == RESULTS_APART && s->want_dot) {
      MASK_STOREU(tdot + g, summed, tdv);
      MASK_STOREU(tdot + g, diag, diag_td);
    }
    const int unfinished = BITS(OR(ANDNOT(special, diag), deferred)), deferred_bits = BITS(deferred);
    if (unfinished == 0) continue;
    double r_lanes[VL], root_lanes[VL], need_lanes[VL], q12_lanes[VL];
    STOREU(r_lanes, r);
    STOREU(root_lanes, root);
    STOREU(need_lanes, need);
    STOREU(q12_lanes, q12v);
    for (int l = 0; l < count; l++) {
      if (!((unfinished >> l) & 1)) continue;
      double *entry = left + LEFT * listed++;
      entry[0] = i;
      entry[1] = g + l;
      entry[2] = (deferred_bits >> l) & 1 ? need_lanes[l] : -1;
      entry[3] = q12_lanes[l];
      entry[4] = r_lanes[l];
      entry[5] = root_lanes[l];
    }
  }
  return listed;
}
