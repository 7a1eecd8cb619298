import { hermiteIndex, type Column, type Expansion } from './variance-expansions';

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

/**
 * The smallest tails trusted, relative to the totals: E[φ²] and the partial
 * sums come from separate quadratures (agreeing to ~1e−14), E[φ′²] from a
 * quadrature of φ′ that may be a numerical derivative (~1e−13).
 */
const TAIL_FLOOR_A = 1e-13;
const TAIL_FLOOR_B = 1e-12;

/** The power of r attached to stored coefficient j in the series of φ′ (b_{k−1} ∝ a_k carries ρ^{k−1}). */
function gradShift(e: Expansion): number {
  return e.parity === 'odd' ? 0 : 1;
}

/**
 * 𝒯 and 𝒯̇ in one pass, when both expansions take φ′ from φ by Stein's lemma:
 * b_{k−1}(q)·√q = √k·a_k(q), so 𝒯̇ = Σ_k k·a_k(q11)a_k(q22)·ρ^{k−1}/√(q11 q22) — the
 * same products as 𝒯, whose tails are E[φ′²]·q − Σ k·a_k² (`Column.weighted`).
 */
function steinDual(e1: Expansion, e2: Expansion, rho: number, tol: number, out: Float64Array, wantDot: boolean): void {
  const { parity } = e1;
  const r = parity === 'none' ? rho : rho * rho;
  const r2 = r * r;
  const r4 = r2 * r2;
  const limit = 0.25 * tol * tol;
  const limitA = limit * e1.normA * e2.normA;
  const limitB = wantDot ? limit * e1.normB * e2.normB * e1.q * e2.q : Infinity;
  const c1 = e1.a;
  const c2 = e2.a;
  const w1 = e1.weightedNorm;
  const w2 = e2.weightedNorm;
  const floorA1 = TAIL_FLOOR_A * e1.normA;
  const floorA2 = TAIL_FLOOR_A * e2.normA;
  const floorB1 = TAIL_FLOOR_B * w1;
  const floorB2 = TAIL_FLOOR_B * w2;
  // φ′'s sum lags by one power of r for even and general φ (its j = 0 term has k = 0).
  const lagged = parity !== 'odd';
  let sa = 0;
  let sb = 0;
  let p = 1;
  let before = 0;
  let doneA = false;
  let doneB = !wantDot;
  let x = c1.data;
  let y = c2.data;
  let n = Math.min(c1.length, c2.length);
  for (let j = 0; ; j += 4) {
    if (j + 4 > n && !(c1.ended && c2.ended)) {
      // Grow by what this block needs: every coefficient costs a heat shift.
      if (c1.length < j + 4 && !c1.ended) e1.growA(j + 4);
      if (c2.length < j + 4 && !c2.ended) e2.growA(j + 4);
      x = c1.data;
      y = c2.data;
      n = Math.min(c1.length, c2.length);
    }
    const i = 4 * j;
    if (j > 0) {
      // The power of r of φ′'s j-th term: r^j, or r^{j−1} with the lag.
      const pb = lagged ? before : p;
      // The tails are differences of independently integrated totals and partial
      // sums: never trust them below the floors, where round-off could make a
      // long tail of the other expansion look negligible.
      if (!doneA) {
        const t1 = e1.normA - x[i + 1];
        const t2 = e2.normA - y[i + 1];
        doneA = Math.max(t1, floorA1) * Math.max(t2, floorA2) * p * p <= limitA;
      }
      if (!doneB) {
        const t1 = w1 - x[i + 2];
        const t2 = w2 - y[i + 2];
        doneB = Math.max(t1, floorB1) * Math.max(t2, floorB2) * pb * pb <= limitB;
      }
      if (doneA && doneB) break;
    }
    // From here on one of the series is zero.
    if (j >= n) break;
    const p1 = p * r;
    const p2 = p1 * r;
    const p3 = p2 * r;
    if (j + 4 <= n) {
      // a_k·a′_k and k·a_k·a′_k for the block's four coefficients.
      const y0 = y[i];
      const y1 = y[i + 4];
      const y2 = y[i + 8];
      const y3 = y[i + 12];
      sa += x[i] * y0 * p + x[i + 4] * y1 * p1 + x[i + 8] * y2 * p2 + x[i + 12] * y3 * p3;
      if (lagged) sb += x[i + 3] * y0 * before + x[i + 7] * y1 * p + x[i + 11] * y2 * p1 + x[i + 15] * y3 * p2;
      else sb += x[i + 3] * y0 * p + x[i + 7] * y1 * p1 + x[i + 11] * y2 * p2 + x[i + 15] * y3 * p3;
    } else {
      // The last coefficients of a series that ends inside the block.
      const powers = [p, p1, p2, p3];
      for (let t = 0; t < 4 && j + t < n; t++) {
        const yt = y[i + 4 * t];
        sa += x[i + 4 * t] * yt * powers[t];
        sb += x[i + 4 * t + 3] * yt * (lagged ? (t === 0 ? before : powers[t - 1]) : powers[t]);
      }
    }
    before = p3;
    p *= r4;
  }
  const root = Math.sqrt(e1.q * e2.q);
  out[0] = parity === 'odd' ? rho * sa : sa;
  if (wantDot) out[1] = (parity === 'even' ? rho * sb : sb) / root;
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

/**
 * Writes 𝒯 to out[0] and, when asked, 𝒯̇ to out[1] for the variances of
 * the two expansions and correlation ρ ∈ [−1, 1].
 */
export function mehlerDual(e1: Expansion, e2: Expansion, rho: number, tol: number, out: Float64Array, wantDot: boolean): void {
  if (e1.stein && e2.stein) {
    steinDual(e1, e2, rho, tol, out, wantDot);
    return;
  }
  // A tiny variance has its own series of φ′: sum 𝒯 and 𝒯̇ separately.
  const { parity } = e1;
  const r = parity === 'none' ? rho : rho * rho;
  const limit = 0.25 * tol * tol;
  const t = sideSum(phiSide(e1), phiSide(e2), r, limit * e1.normA * e2.normA);
  out[0] = parity === 'odd' ? rho * t : t;
  if (!wantDot) return;
  const d = sideSum(gradSide(e1), gradSide(e2), r, limit * e1.normB * e2.normB);
  out[1] = parity === 'even' ? rho * d : d;
}
