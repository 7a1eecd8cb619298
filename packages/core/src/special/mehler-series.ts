import { EVEN, FRESH, ODD, SQUARED, WANT_DOT } from '../simd/series';
import { hermiteIndex, TAIL_FLOOR_A, TAIL_FLOOR_B, type Column, type Expansion, type VarianceExpansions } from './variance-expansions';

/*
 * The dual of eq. (S1) of Lee et al. 2019 from Hermite expansions, by
 * Mehler's formula: for (u, v) ~ 𝒩(0, Σ) with correlation ρ = q12/√(q11 q22),
 *   𝒯(Σ) = E[φ(u)φ(v)] = Σ_k a_k(q11)·a_k(q22)·ρ^k,
 *   𝒯̇(Σ) = E[φ′(u)φ′(v)] = Σ_k b_k(q11)·b_k(q22)·ρ^k = ∂𝒯/∂q12,
 * with a_k(q), b_k(q) the normalised Hermite coefficients of φ(√q z) and
 * φ′(√q z). Only one parity is stored when φ is odd or even, which makes the
 * sums series in ρ². Each is summed until what is left is provably small: by
 * Cauchy–Schwarz the terms from j on sum to at most |r|^j·√(X_j·Y_j), where
 * X_j = E[x²] − Σ_{m<j} x_m² is the exact tail of one expansion's squares (the
 * expansions know E[φ²] and E[φ′²]); the sum stops at the first j (a multiple
 * of 4) with r^{2j}·X_j·Y_j ≤ (tol/2)²·E[x²]·E[y²], so each of 𝒯 and 𝒯̇ is within
 * tol of the exact value relative to √(E[φ(u)²]E[φ(v)²]) (resp. φ′).
 * Coefficients are computed as the sums reach them; each depends only on its
 * variance and index, so the sums depend on their arguments alone.
 */

/** The power of r attached to stored coefficient j in the series of φ′ (b_{k−1} ∝ a_k carries ρ^{k−1}). */
function gradShift(e: Expansion): number {
  return e.parity === 'odd' ? 0 : 1;
}

/**
 * A row of duals sharing the first variance, e1's, on the row buffers of its
 * store (`SeriesStore.rows`): for k < n, t[k] = 𝒯 + c² + s²·q12 and, when
 * `wantDot`, tDot[k] = 𝒯̇ + s² for the covariance of q11, q12[k] and
 * q22[k] (ρ = q12/√(q11 q22), clamped to [−1, 1]), with c² = `split2` and
 * s² = `slope2` the split-off terms' share (`hermite-series.ts`). The row's
 * `cols` hold the headers of the expansions of the q22[k], which come from
 * `expansions`. An entry of e1 itself with q12 ≥ q11 is a diagonal entry
 * (Σ = [[q, q], [q, q]]), whose values E[φ²] and E[φ′²] the expansion knows;
 * one with a tiny variance's own series of φ′ is summed here.
 *
 * When both expansions take φ′ from φ by Stein's lemma (all but tiny
 * variances), 𝒯 and 𝒯̇ come in one pass: b_{k−1}(q)·√q = √k·a_k(q), so
 * 𝒯̇ = Σ_k k·a_k(q11)a_k(q22)·ρ^{k−1}/√(q11 q22) — the same products as 𝒯, whose
 * tails are E[φ′²]·q − Σ k·a_k² (`Coefficients.weighted`). One test per block of
 * four bounds both sums' tails: with τ_b the larger relative tail of an
 * expansion at coefficient 4b (the block's tail, see `Expansion.header`) and
 * P the power of r of φ′'s first remaining term (r^{4b}, or r^{4b−1} with
 * the lag, never below φ's r^{4b}), τ_b·τ′_b·P² ≤ (tol/2)² makes both 𝒯 and 𝒯̇
 * within tol (see above). Tails and |r| ≤ 1 only shrink as b grows, so the
 * test, once met, stays met. The sums run in the store (`simd/series.wat`,
 * or its JavaScript twin), which defers an entry whose expansions must grow
 * first and goes on; the deferred entries' expansions grow here, and those
 * entries start over, so no value depends on what was computed before. The
 * native sums (`native/mehler-rows.c`: eight or four entries at a time over
 * packed columns, the same arithmetic) hand the entries they cannot finish
 * here as a row of their own.
 */
export function mehlerRow(
  e1: Expansion,
  expansions: VarianceExpansions,
  q11: number,
  n: number,
  tol: number,
  split2: number,
  slope2: number,
  wantDot: boolean,
): void {
  const mode = seriesMode(e1.parity, wantDot);
  const limit = sumLimit(tol);
  const store = e1.store;
  const row = store.row;
  let list = row.all;
  let count = n;
  for (let fresh = FRESH; ; fresh = 0) {
    const deferred = store.seriesRow(e1.header, q11, list, count, limit, mode | fresh, split2, slope2);
    let again = 0;
    for (let p = 0; p < deferred; p++) {
      // Read the views each time: growing the expansions may move the memory.
      const at = (row.pending >> 2) + 2 * p;
      const k = store.i32[at];
      const need = store.i32[at + 1];
      const e2 = expansions.of(store.i32[(row.cols >> 2) + k]);
      if (need >= 0) {
        grow(e1, e2, need);
        store.i32[(row.retry >> 2) + again++] = k;
        continue;
      }
      const r = store.f64[(row.t >> 3) + k];
      const root = store.f64[(row.tDot >> 3) + k];
      sideDual(e1, e2, r, limit, wantDot, side);
      store.f64[(row.t >> 3) + k] = side[0] + (split2 + slope2 * (r * root));
      if (wantDot) store.f64[(row.tDot >> 3) + k] = side[1] + slope2;
    }
    if (again === 0) return;
    list = row.retry;
    count = again;
  }
}

/** The `mode` of a row of sums (`simd/series.ts`) for φ of this parity. */
export function seriesMode(parity: Expansion['parity'], wantDot: boolean): number {
  return (parity === 'odd' ? ODD : 0) | (parity === 'even' ? EVEN : 0) | (parity !== 'none' ? SQUARED : 0) | (wantDot ? WANT_DOT : 0);
}

/** The bound the tails' test compares with: (tol/2)², see above. */
export function sumLimit(tol: number): number {
  return 0.25 * tol * tol;
}

/** 𝒯 and 𝒯̇ of an entry summed by {@link sideDual}. */
const side = new Float64Array(2);

/** Makes both expansions hold `count` coefficients where their series go that far (every coefficient costs a heat shift). */
function grow(e1: Expansion, e2: Expansion, count: number): void {
  if (e1.a.length < count) e1.growA(count);
  if (e2.a.length < count) e2.growA(count);
}

/** One side of a sum: coefficient j (made available on demand), and the tail of squares from j. */
interface Side {
  /** Makes coefficient j available if the series has one; returns whether it does. */
  has(j: number): boolean;
  value(j: number): number;
  tail(j: number): number;
  /** The smallest tail trusted (see TAIL_FLOOR_A). */
  floor: number;
}

/** Σ_j x_j·y_j·r^j, stopped by the tails bound (see above). */
function sideSum(s1: Side, s2: Side, r: number, limit: number): number {
  let s = 0;
  let p = 1;
  for (let j = 0; ; j++) {
    if ((j & 3) === 0 && j > 0) {
      const t1 = s1.has(j) ? Math.max(s1.tail(j), s1.floor) : 0;
      const t2 = s2.has(j) ? Math.max(s2.tail(j), s2.floor) : 0;
      if (t1 * t2 * p * p <= limit) break;
    }
    if (!s1.has(j) || !s2.has(j)) break;
    s += s1.value(j) * s2.value(j) * p;
    p *= r;
  }
  return s;
}

/** The coefficients of φ of an expansion. */
function phiSide(e: Expansion): Side {
  const col = e.a;
  return {
    has: (j) => {
      if (j >= col.length && !col.ended) e.growA(Math.max(j + 1, 2 * col.length));
      return j < col.length;
    },
    value: (j) => col.value(j),
    tail: (j) => e.normA - col.prefix(j),
    floor: TAIL_FLOOR_A * e.normA,
  };
}

/** The coefficients of φ′: the expansion's own series, or Stein's b_{k−1} = √k·a_k/√q. */
function gradSide(e: Expansion): Side {
  if (!e.stein) {
    const col = e.b as Column;
    return {
      has: (j) => {
        if (j >= col.length && !col.ended) e.growB(Math.max(j + 1, 2 * col.length));
        return j < col.length;
      },
      value: (j) => col.value(j),
      tail: (j) => e.normB - col.prefix(j),
      floor: TAIL_FLOOR_B * e.normB,
    };
  }
  const col = e.a;
  const lag = gradShift(e);
  const inv = 1 / Math.sqrt(e.q);
  return {
    has: (j) => {
      const i = j + lag;
      if (i >= col.length && !col.ended) e.growA(Math.max(i + 1, 2 * col.length));
      return i < col.length;
    },
    value: (j) => Math.sqrt(hermiteIndex(e.parity, j + lag)) * col.value(j + lag) * inv,
    tail: (j) => e.normB - col.weighted(j + lag) / e.q,
    floor: TAIL_FLOOR_B * e.normB,
  };
}

/** 𝒯 to out[0] and, when wanted, 𝒯̇ to out[1], with a tiny variance's own series of φ′: 𝒯 and 𝒯̇ summed separately. */
function sideDual(e1: Expansion, e2: Expansion, rho: number, limit: number, wantDot: boolean, out: Float64Array): void {
  const { parity } = e1;
  const r = parity === 'none' ? rho : rho * rho;
  const s = sideSum(phiSide(e1), phiSide(e2), r, limit * e1.normA * e2.normA);
  out[0] = parity === 'odd' ? rho * s : s;
  if (!wantDot) return;
  const d = sideSum(gradSide(e1), gradSide(e2), r, limit * e1.normB * e2.normB);
  out[1] = parity === 'even' ? rho * d : d;
}
