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
 * factors[k·STRIDE + j] = √((k+2j)!/k!)/j!, the part of the j-th term of the
 * shift of coefficient k that does not depend on δ, for all k below `rows`.
 */
const STRIDE = MAX_SHIFT_TERMS + 1;
let factors = new Float64Array(0);
let rows = 0;
function ensureFactors(k: number): void {
  if (k < rows) return;
  const next = Math.max(k + 1, 2 * rows, 64);
  const grown = new Float64Array(next * STRIDE);
  grown.set(factors);
  for (let r = rows; r < next; r++) {
    const row = r * STRIDE;
    grown[row] = 1;
    for (let j = 1; j <= MAX_SHIFT_TERMS; j++) {
      const m = r + 2 * j;
      grown[row + j] = (grown[row + j - 1] * Math.sqrt((m - 1) * m)) / j;
    }
  }
  factors = grown;
  rows = next;
}

/**
 * The shift of each coefficient as a polynomial in δ, for every variance q of
 * one grid cell (|δ| ≤ `deltaMax`): a_k(q)·(q₀/q)^{k/2} = Σ_{j<J_k} P_{k,j}·δ^j with
 * P_{k,j} = √((k+2j)!/k!)/j!·a_{k+2j}(q₀). J_k is where the rest is provably
 * below `cutoff` for any such δ: once the factors δmax^j·√((k+2j)!/k!)/j! at
 * least halve per step (their ratio is below δmax·(k + 2j + 1.5)/(j + 1)), the
 * rest is at most 2·(next factor)·√(tail), every later coefficient being
 * bounded by the square root of the source's tail Σ_{m ≥ k+2j+2} a_m²
 * (Parseval). Built from coefficients only — which do not depend on how far
 * the source has been computed — so neither does any shifted value; each
 * variance of the cell then pays J_k multiply-adds per coefficient (Horner).
 */
export class ShiftPolynomials {
  private readonly polys: Float64Array[] = [];
  private readonly limit: number;

  constructor(private readonly source: SeriesSource, private readonly deltaMax: number, cutoff: number) {
    this.limit = 0.25 * cutoff * cutoff;
  }

  /** P_{k,·}. */
  polynomial(k: number): Float64Array {
    const hit = this.polys[k];
    if (hit !== undefined) return hit;
    const { source, deltaMax: d, limit } = this;
    ensureFactors(k);
    const table = factors;
    const row = k * STRIDE;
    if (source.length < k + 32 && !source.complete) source.ensure(k + 32);
    const halving = Math.max(1, Math.ceil((2 * d * (k + 1.5) - 1) / (1 - 4 * d)));
    const terms: number[] = [];
    let power = 1;
    for (let j = 0; j < MAX_SHIFT_TERMS; j++) {
      const m = k + 2 * j;
      if (m + 2 > source.length && !source.complete) source.ensure(Math.max(m + 3, 2 * source.length));
      const n = source.length;
      terms.push(m < n ? table[row + j] * source.a[m] : 0);
      if (j >= halving) {
        const next = power * d * table[row + j + 1];
        const tail = m + 2 <= n ? source.norm2 - source.prefix[m + 2] : 0;
        if (4 * next * next * tail < limit) break;
      }
      power *= d;
    }
    const poly = Float64Array.from(terms);
    this.polys[k] = poly;
    return poly;
  }

  /** a_k(q)·(q₀/q)^{k/2} at δ = (q − q₀)/(2q₀), |δ| ≤ deltaMax. */
  evaluate(k: number, delta: number): number {
    const p = this.polynomial(k);
    let s = p[p.length - 1];
    for (let j = p.length - 2; j >= 0; j--) s = s * delta + p[j];
    return s;
  }
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
