import { hermiteIndex, TAIL_FLOOR_A, TAIL_FLOOR_B, type Column, type Expansion } from './variance-expansions';

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
 * A row of duals sharing the first variance, e1's: for k < n, t[k] = 𝒯 and,
 * when tDot is given, tDot[k] = 𝒯̇ for the variance of cols[k] and
 * correlation rho[k] ∈ [−1, 1]; cols[k] = null marks a diagonal entry
 * (Σ = [[q, q], [q, q]]), whose values E[φ²] and E[φ′²] the expansion knows.
 * The kernels' inner loop: what depends on the row alone is read once, and
 * nothing is allocated.
 *
 * When both expansions take φ′ from φ by Stein's lemma (all but tiny
 * variances), 𝒯 and 𝒯̇ come in one pass: b_{k−1}(q)·√q = √k·a_k(q), so
 * 𝒯̇ = Σ_k k·a_k(q11)a_k(q22)·ρ^{k−1}/√(q11 q22) — the same products as 𝒯, whose
 * tails are E[φ′²]·q − Σ k·a_k² (`Column.weighted`). One test per block of
 * four bounds both sums' tails: with τ_b the larger relative tail of an
 * expansion at coefficient 4b (`Expansion.blockTails`) and P the power of r
 * of φ′'s first remaining term (r^{4b}, or r^{4b−1} with the lag, never below
 * φ's r^{4b}), τ_b·τ′_b·P² ≤ (tol/2)² makes both 𝒯 and 𝒯̇ within tol (see
 * above). Tails and |r| ≤ 1 only shrink as b grows, so the test, once met,
 * stays met.
 */
export function mehlerRow(
  e1: Expansion,
  cols: readonly (Expansion | null)[],
  rho: Float64Array,
  n: number,
  tol: number,
  t: Float64Array,
  tDot: Float64Array | null,
): void {
  const parity = e1.parity;
  const odd = parity === 'odd';
  const even = parity === 'even';
  // φ′'s sum lags by one power of r for even and general φ (its j = 0 term has k = 0).
  const lagged = !odd;
  const squared = parity !== 'none';
  const stein = e1.stein;
  const invRoot1 = e1.invRoot;
  const limit = 0.25 * tol * tol;
  const c1 = e1.a;
  for (let k = 0; k < n; k++) {
    const e2 = cols[k];
    if (e2 === null) {
      t[k] = e1.normA;
      if (tDot !== null) tDot[k] = e1.normB;
      continue;
    }
    const rk = rho[k];
    if (!(stein && e2.stein)) {
      sideDual(e1, e2, rk, limit, t, tDot, k);
      continue;
    }
    const r = squared ? rk * rk : rk;
    const r2 = r * r;
    const r4 = r2 * r2;
    const c2 = e2.a;
    let x = c1.data;
    let y = c2.data;
    let tails1 = e1.blockTails;
    let tails2 = e2.blockTails;
    let m = c1.length < c2.length ? c1.length : c2.length;
    let sa = 0;
    let sb = 0;
    let p = 1;
    let before = 0;
    for (let j = 0; ; j += 4) {
      const i = 4 * j;
      if (j > 0) {
        const pb = lagged ? before : p;
        if (tails1[j >> 2] * tails2[j >> 2] * pb * pb <= limit) break;
      }
      if (j + 4 > m) {
        // Rare once warm: grow by what this block needs (every coefficient costs a heat shift).
        m = grow(e1, e2, j + 4);
        x = c1.data;
        y = c2.data;
        tails1 = e1.blockTails;
        tails2 = e2.blockTails;
        // From here on one of the series is zero.
        if (j >= m) break;
      }
      const p1 = p * r;
      const p2 = p1 * r;
      const p3 = p2 * r;
      if (j + 4 > m) {
        // The last coefficients of a series that ends inside this block: the sums are complete.
        for (let l = 0; j + l < m; l++) {
          const yl = y[i + 4 * l];
          const pl = l === 0 ? p : l === 1 ? p1 : p2;
          sa += x[i + 4 * l] * yl * pl;
          sb += x[i + 4 * l + 3] * yl * (lagged ? (l === 0 ? before : l === 1 ? p : p1) : pl);
        }
        break;
      }
      // a_k·a′_k and k·a_k·a′_k for the block's four coefficients.
      const y0 = y[i];
      const y1 = y[i + 4];
      const y2 = y[i + 8];
      const y3 = y[i + 12];
      sa += x[i] * y0 * p + x[i + 4] * y1 * p1 + x[i + 8] * y2 * p2 + x[i + 12] * y3 * p3;
      if (lagged) sb += x[i + 3] * y0 * before + x[i + 7] * y1 * p + x[i + 11] * y2 * p1 + x[i + 15] * y3 * p2;
      else sb += x[i + 3] * y0 * p + x[i + 7] * y1 * p1 + x[i + 11] * y2 * p2 + x[i + 15] * y3 * p3;
      before = p3;
      p *= r4;
    }
    t[k] = odd ? rk * sa : sa;
    if (tDot !== null) tDot[k] = (even ? rk * sb : sb) * (invRoot1 * e2.invRoot);
  }
}

/** Makes both expansions hold `count` coefficients where their series go that far; returns how many both hold. */
function grow(e1: Expansion, e2: Expansion, count: number): number {
  const c1 = e1.a;
  const c2 = e2.a;
  if (c1.length < count && !c1.ended) e1.growA(count);
  if (c2.length < count && !c2.ended) e2.growA(count);
  return Math.min(c1.length, c2.length);
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

/** 𝒯 to t[k] and, when tDot is given, 𝒯̇ to tDot[k], with a tiny variance's own series of φ′: 𝒯 and 𝒯̇ summed separately. */
function sideDual(e1: Expansion, e2: Expansion, rho: number, limit: number, t: Float64Array, tDot: Float64Array | null, k: number): void {
  const { parity } = e1;
  const r = parity === 'none' ? rho : rho * rho;
  const s = sideSum(phiSide(e1), phiSide(e2), r, limit * e1.normA * e2.normA);
  t[k] = parity === 'odd' ? rho * s : s;
  if (tDot === null) return;
  const d = sideSum(gradSide(e1), gradSide(e2), r, limit * e1.normB * e2.normB);
  tDot[k] = parity === 'even' ? rho * d : d;
}
