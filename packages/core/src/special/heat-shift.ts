/**
 * Hermite coefficients at one variance from those at a nearby one, by the
 * heat equation. With m_k(q) = E[φ^{(k)}(√q z)], Stein's lemma gives the
 * normalised coefficients a_k(q) = E[φ(√q z) He_k(z)]/√k! = q^{k/2} m_k(q)/√k!,
 * and d m_k/dq = ½ m_{k+2} (the Gaussian smoothing of φ^{(k)} solves the heat
 * equation), so the Taylor series in q is
 *   a_k(q) = (q/q₀)^{k/2} Σ_j δ^j/j! · √((k+2j)!/k!) · a_{k+2j}(q₀),   δ = (q − q₀)/(2q₀).
 * For |δ| of a few percent the terms fall off after some tens of j, so a
 * coefficient costs a few tens of multiply-adds instead of a quadrature. The
 * terms' factors sum to about e^{|δ|k}, which multiplies the errors of the
 * source coefficients: a shift is used only while |δ|·k ≤ {@link SHIFT_REACH}
 * (the caller's grid is finer for larger k).
 */

/**
 * Largest |δ|·k a shift is used for: source errors (~4e−16 of √E[φ²], see
 * `hermite-coefficients.ts`) grow by at most e^8 ≈ 3000, to ~1e−12 — below
 * what the kernels' tol needs of the coefficients.
 */
export const SHIFT_REACH = 8;

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
 * variance of the cell then pays J_k multiply-adds per coefficient.
 */
export class ShiftPolynomials {
  /**
   * Where P_{k,·} is in the arena: the index of k's pair (start in
   * `arena.terms`, size; size 0: not built yet) is base + 2k, for k < kCap.
   * Polynomials are built in the order they are asked for (only the k of one
   * parity, or of one band, are).
   */
  private base: number;
  private kCap = 16;
  private readonly limit: number;
  /** The k {@link table} last built to, for which first and stride. */
  private tabled = -1;
  private tabledFirst = -1;
  private tabledStride = 0;

  constructor(
    private readonly source: SeriesSource,
    private readonly deltaMax: number,
    cutoff: number,
    /** Where the terms go: one arena serves the polynomials of many grid points (see {@link ShiftArena}). */
    readonly arena: ShiftArena = new ShiftArena(),
  ) {
    this.limit = 0.25 * cutoff * cutoff;
    this.base = arena.takePairs(this.kCap);
  }

  /** The last k {@link table} has built to (−1: none). */
  get tabledTo(): number {
    return this.tabled;
  }

  /** The index in `arena.index` of k = 0's pair: native code reads P_{k,·}'s start and size at twice k from there. */
  get pairs(): number {
    return this.base;
  }

  /** Appends P_{k,·}. */
  private build(k: number): void {
    const { source, deltaMax: d, limit, arena } = this;
    if (source.length < k + 32 && !source.complete) source.ensure(k + 32);
    const halving = Math.max(1, Math.ceil((2 * d * (k + 1.5) - 1) / (1 - 4 * d)));
    if (k >= this.kCap) {
      const kCap = Math.max(k + 1, 2 * this.kCap);
      const base = arena.takePairs(kCap);
      arena.index.copyWithin(base, this.base, this.base + 2 * this.kCap);
      this.base = base;
      this.kCap = kCap;
    }
    const first = arena.termsUsed;
    let count = 0;
    // factor = √((k+2j)!/k!)/j!, power = δmax^j.
    let factor = 1;
    let power = 1;
    for (let j = 0; ; j++) {
      const m = k + 2 * j;
      if (m + 2 > source.length && !source.complete) source.ensure(m + 3);
      const n = source.length;
      arena.roomForTerms(first + count + 1);
      arena.terms[first + count++] = m < n ? factor * source.a[m] : 0;
      // Past a complete source everything is zero.
      if (m + 2 >= n) break;
      const nextFactor = (factor * Math.sqrt((m + 1) * (m + 2))) / (j + 1);
      if (j >= halving) {
        // The tail is a difference of sums, trusted down to 1e−15 of the total.
        const next = power * d * nextFactor;
        const tail = Math.max(source.norm2 - source.prefix[m + 2], 1e-15 * source.norm2);
        if (4 * next * next * tail < limit) break;
      }
      factor = nextFactor;
      power *= d;
    }
    arena.index[this.base + 2 * k] = first;
    arena.index[this.base + 2 * k + 1] = count;
    arena.termsUsed = first + count;
  }

  /** Whether P_{k,·} is built. */
  private built(k: number): boolean {
    return k < this.kCap && this.arena.index[this.base + 2 * k + 1] !== 0;
  }

  /**
   * Builds the polynomials of k = first, first + stride, … up to kmax where
   * they are not, for native code (`native/heat-shift.c`), which reads
   * them from the arena from {@link pairs} on.
   */
  table(first: number, stride: number, kmax: number): void {
    // Native growth asks for the same table again and again (per grid cell, per kernel): built up to tabled already, it is as it was.
    if (kmax <= this.tabled && first === this.tabledFirst && stride === this.tabledStride) return;
    for (let k = first; k <= kmax; k += stride) if (!this.built(k)) this.build(k);
    this.tabled = kmax;
    this.tabledFirst = first;
    this.tabledStride = stride;
  }

  /** P_{k,·}'s terms, built if need be: a view of the arena, to be read before the arena grows. */
  polynomial(k: number): Float64Array {
    if (!this.built(k)) this.build(k);
    const { terms, index } = this.arena;
    const first = index[this.base + 2 * k];
    return terms.subarray(first, first + index[this.base + 2 * k + 1]);
  }

  /**
   * a_k(q)·(q₀/q)^{k/2} at δ = (q − q₀)/(2q₀), |δ| ≤ deltaMax: the terms of
   * each residue of j mod 4 by Horner's rule in δ⁴, as four independent
   * chains (one Horner chain in δ waits a multiply-add per term), then
   * combined in δ.
   */
  evaluate(k: number, delta: number): number {
    one[0] = delta;
    this.evaluateAt(k, one, 0);
    return one[0];
  }

  /**
   * {@link evaluate} in place: io[i] holds δ on entry and the value on
   * return. Neither is a double passed or returned across a call, which V8
   * would box in a heap object of its own unless the call is inlined (once
   * per coefficient: measured, 0.4 MB of garbage per kernel of 400 inputs).
   */
  evaluateAt(k: number, io: Float64Array, i: number): void {
    if (!this.built(k)) this.build(k);
    const delta = io[i];
    const { terms: p, index } = this.arena;
    const first = index[this.base + 2 * k];
    const size = index[this.base + 2 * k + 1];
    const d2 = delta * delta;
    const d4 = d2 * d2;
    // The top group of four may be partial: its missing terms are zeros.
    let j = (size - 1) & ~3;
    let s0 = p[first + j];
    let s1 = j + 1 < size ? p[first + j + 1] : 0;
    let s2 = j + 2 < size ? p[first + j + 2] : 0;
    let s3 = j + 3 < size ? p[first + j + 3] : 0;
    for (j -= 4; j >= 0; j -= 4) {
      const at = first + j;
      s0 = s0 * d4 + p[at];
      s1 = s1 * d4 + p[at + 1];
      s2 = s2 * d4 + p[at + 2];
      s3 = s3 * d4 + p[at + 3];
    }
    io[i] = s0 + delta * s1 + d2 * (s2 + delta * s3);
  }
}

/**
 * The terms of many sets of shift polynomials one after another in one
 * array, and each one's start and size per k in another: native growth
 * (`native/heat-shift.c`) then reads every grid cell's polynomials through
 * the same two arrays, so that one call grows the expansions of many cells,
 * on more than one thread. Arrays grow by doubling; offsets stay valid.
 */
export class ShiftArena {
  terms = new Float64Array(4096);
  termsUsed = 0;
  /** Pairs (start in `terms`, size) by k, a range for each set of polynomials. */
  index = new Int32Array(256);
  private indexUsed = 0;

  /** Room for `count` terms in all. */
  roomForTerms(count: number): void {
    if (count <= this.terms.length) return;
    const grown = new Float64Array(Math.max(count, 2 * this.terms.length));
    grown.set(this.terms);
    this.terms = grown;
  }

  /** A new range of `count` pairs, zeroed (no polynomial built); returns where it starts in `index`. */
  takePairs(count: number): number {
    const at = this.indexUsed;
    if (at + 2 * count > this.index.length) {
      const grown = new Int32Array(Math.max(at + 2 * count, 2 * this.index.length));
      grown.set(this.index);
      this.index = grown;
    }
    this.indexUsed = at + 2 * count;
    return at;
  }
}

/** δ in and the value out of {@link ShiftPolynomials.evaluate}. */
const one = new Float64Array(1);

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
