/**
 * Hermite coefficients at one variance from those at a nearby one, by the
 * heat equation. With m_k(q) = E[φ^{(k)}(√q z)], Stein's lemma gives the
 * normalised coefficients a_k(q) = E[φ(√q z) He_k(z)]/√k! = q^{k/2} m_k(q)/√k!,
 * and d m_k/dq = ½ m_{k+2} (the Gaussian smoothing of φ^{(k)} solves the heat
 * equation), so the Taylor series in q is
 *   a_k(q) = (q/q₀)^{k/2} Σ_j δ^j/j! · √((k+2j)!/k!) · a_{k+2j}(q₀),   δ = (q − q₀)/(2q₀).
 * For |δ| ≲ 1% the terms fall off after some tens of j, so a coefficient
 * costs a few tens of multiply-adds instead of a quadrature.
 */

/** Most terms a shift may need (|δ| ≤ 4.4% converges in far fewer). */
const MAX_SHIFT_TERMS = 96;

/**
 * factors[k][j] = √((k+2j)!/k!)/j!, the part of the j-th term of the shift
 * of coefficient k that does not depend on δ; rows built on demand.
 */
const factors: Float64Array[] = [];
function factorRow(k: number): Float64Array {
  let row = factors[k];
  if (row === undefined) {
    row = new Float64Array(MAX_SHIFT_TERMS + 1);
    row[0] = 1;
    for (let j = 1; j <= MAX_SHIFT_TERMS; j++) {
      const m = k + 2 * j;
      row[j] = (row[j - 1] * Math.sqrt((m - 1) * m)) / j;
    }
    factors[k] = row;
  }
  return row;
}

/**
 * a_k(q) from the coefficients a_m(q₀) of `source`, with δ = (q − q₀)/(2q₀)
 * and `growth` = q/q₀. Terms j = 0, 1, … are added until the rest is
 * provably below `cutoff`: once the terms' factors shrink by at least half per
 * step, the rest is at most 2·|next factor|·√(tail), every later coefficient
 * being bounded by the square root of the source's tail Σ_{m ≥ k+2j+2} a_m²
 * (Parseval). The rule reads only coefficients, which do not depend on how
 * far the source has been computed, so neither does the result.
 */
export function shiftCoefficient(source: SeriesSource, k: number, delta: number, growth: number, cutoff: number): number {
  const row = factorRow(k);
  const limit = 0.25 * cutoff * cutoff;
  if (source.length < k + 32 && !source.complete) source.ensure(k + 32);
  let a = source.a;
  let sums = source.prefix;
  let n = source.length;
  const norm2 = source.norm2;
  let sum = k < n ? a[k] : 0;
  if (delta !== 0) {
    let power = 1;
    for (let j = 1; j < MAX_SHIFT_TERMS; j++) {
      const m = k + 2 * j;
      if (m + 2 > n && !source.complete) {
        source.ensure(Math.max(m + 3, 2 * n));
        a = source.a;
        sums = source.prefix;
        n = source.length;
      }
      power *= delta;
      const term = power * row[j];
      if (m < n) sum += term * a[m];
      const next = power * delta * row[j + 1];
      if (Math.abs(next) <= 0.5 * Math.abs(term)) {
        const tail = m + 2 <= n ? norm2 - sums[m + 2] : 0;
        if (4 * next * next * tail < limit) break;
      }
    }
  }
  return Math.pow(growth, 0.5 * k) * sum;
}

/** What the shift reads: coefficients computed on demand, zero past the end of a complete series. */
export interface SeriesSource {
  readonly a: Float64Array;
  readonly length: number;
  readonly complete: boolean;
  ensure(n: number): void;
  /** E[φ²]. */
  readonly norm2: number;
  /** prefix[k] = Σ_{m<k} a_m², for k ≤ length. */
  readonly prefix: Float64Array;
}
