import { ShiftPolynomials } from './heat-shift';
import { HermiteSeries } from './hermite-coefficients';

/** Which Hermite coefficients of φ can be non-zero: odd φ has only odd ones (and φ′ only even ones), even φ the reverse. */
export type Parity = 'odd' | 'even' | 'none';

/** Grid points per octave of q: neighbouring grid variances differ by 19%, so |δ| ≤ 4.4% in the heat shift. */
const GRID_PER_OCTAVE = 4;
/** Below this variance the coefficients are integrated at q itself, φ′'s from φ′ (Stein's identity b_k = √(k+1)·a_{k+1}/√q loses digits as q → 0). */
export const DIRECT_BELOW = 2 ** -10;
/** The largest |δ| = |q − q₀|/(2q₀) of a variance q whose nearest grid variance is q₀ (grid ratio 2^{1/4}). */
const CELL_DELTA = (2 ** (0.5 / GRID_PER_OCTAVE) - 1) / 2 + 1e-12;
/** Shifted coefficients are exact to this fraction of √E[φ²]. */
const SHIFT_CUTOFF = 1e-13;
/** Cached variances per activation before the cache starts over. */
const CACHE_LIMIT = 8192;

/** Where one series of coefficients comes from: coefficient k, and whether the series is zero from k on. */
interface CoefficientSource {
  at(k: number): number;
  endsAt(k: number): boolean;
}

/**
 * Coefficients of one series, grown as kernel entries need them, with
 * running sums of squares, interleaved so that a sum reading the first few
 * coefficients of an expansion touches one stretch of memory:
 * data[4j] = x_j, data[4j+1] = Σ_{i<j} x_i², data[4j+2] = Σ_{i<j} k_i·x_i²,
 * data[4j+3] = k_j·x_j (k_i the Hermite index of entry i; the weighted sums
 * and values serve φ′'s series by Stein's lemma).
 */
export class Column {
  data = new Float64Array(4 * 33);
  length = 0;
  /** No further non-zero values. */
  ended = false;

  value(j: number): number {
    return this.data[4 * j];
  }

  /** Σ_{i<j} x_i², for j ≤ length. */
  prefix(j: number): number {
    return this.data[4 * j + 1];
  }

  /** Σ_{i<j} k_i·x_i², for j ≤ length. */
  weighted(j: number): number {
    return this.data[4 * j + 2];
  }

  push(v: number, k: number): void {
    const n = this.length;
    if (4 * (n + 2) > this.data.length) {
      const grown = new Float64Array(2 * this.data.length);
      grown.set(this.data);
      this.data = grown;
    }
    const d = this.data;
    d[4 * n] = v;
    d[4 * n + 3] = k * v;
    d[4 * n + 5] = d[4 * n + 1] + v * v;
    d[4 * n + 6] = d[4 * n + 2] + k * v * v;
    this.length = n + 1;
  }
}

/** Hermite index of the j-th stored coefficient of φ: only those that can be non-zero are stored. */
export function hermiteIndex(parity: Parity, j: number): number {
  return parity === 'none' ? j : parity === 'odd' ? 2 * j + 1 : 2 * j;
}

/**
 * The Hermite expansions of an activation at one pre-activation variance q:
 * the normalised coefficients a_k of φ(√q z) (see `hermite-coefficients.ts`),
 * only those of the parity that can be non-zero, computed as far as some
 * kernel entry has needed them, with E[φ(√q z)²] and E[φ′(√q z)²], which
 * bound the tails exactly: Σ_{m≥j} a_m² = E[φ²] − Σ_{m<j} a_m². When `stein`,
 * φ′'s coefficients are b_k = √(k+1)·a_{k+1}/√q (Stein's lemma); otherwise
 * (tiny q) they are a series of their own, `b`.
 */
export class Expansion {
  readonly a = new Column();
  readonly b: Column | null;
  /** Whether φ′'s coefficients follow from φ's by Stein's lemma. */
  readonly stein: boolean;
  /** E[φ′²]·q = Σ_k k·a_k², the total of `Column.weighted` (Stein). */
  readonly weightedNorm: number;
  /** The variance looked up after this one last time, and its expansion: kernel rows visit the columns' variances in the same order. */
  nextQ = NaN;
  next: Expansion | null = null;

  constructor(
    /** The variance. */
    readonly q: number,
    /** E[φ(√q z)²]. */
    readonly normA: number,
    /** E[φ′(√q z)²]. */
    readonly normB: number,
    readonly parity: Parity,
    private readonly aSource: CoefficientSource,
    private readonly bSource: CoefficientSource | null,
  ) {
    this.b = bSource === null ? null : new Column();
    this.stein = bSource === null;
    this.weightedNorm = normB * q;
  }


  /** Makes n coefficients of φ available (fewer when the series ends). */
  growA(n: number): void {
    const col = this.a;
    while (col.length < n && !col.ended) {
      const k = hermiteIndex(this.parity, col.length);
      if (this.aSource.endsAt(k)) col.ended = true;
      else col.push(this.aSource.at(k), k);
    }
  }

  /** Makes n coefficients of φ′ available, for an expansion with its own series of φ′ (fewer when it ends). */
  growB(n: number): void {
    const col = this.b as Column;
    const source = this.bSource as CoefficientSource;
    // φ′ has the other parity.
    const parity: Parity = this.parity === 'odd' ? 'even' : this.parity === 'even' ? 'odd' : 'none';
    while (col.length < n && !col.ended) {
      const k = hermiteIndex(parity, col.length);
      if (source.endsAt(k)) col.ended = true;
      else col.push(source.at(k), k);
    }
  }
}

/** a_k(q) by the heat shift from the series at a grid variance. */
class ShiftedSource implements CoefficientSource {
  /** (q/q₀)^{k/2} for the last k asked, so the next power is one product away (coefficients are asked in order). */
  private k = 0;
  private power = 1;
  private readonly step: number;

  constructor(private readonly series: HermiteSeries, private readonly polys: ShiftPolynomials, private readonly delta: number, growth: number) {
    this.step = Math.sqrt(growth);
  }

  at(k: number): number {
    // Each expansion asks for its coefficients in the same order, so the running
    // product is the same whatever else has been computed.
    while (this.k < k) {
      this.power *= this.step;
      this.k++;
    }
    return this.power * this.polys.evaluate(k, this.delta);
  }

  endsAt(k: number): boolean {
    const { series } = this;
    series.ensure(k + 1);
    return series.complete && k >= series.length;
  }
}

/** The coefficients of a series computed at q itself. */
class DirectSource implements CoefficientSource {
  constructor(private readonly series: HermiteSeries) {}

  at(k: number): number {
    return this.series.a[k];
  }

  endsAt(k: number): boolean {
    this.series.ensure(k + 1);
    return k >= this.series.length;
  }
}

/** A constant: its only coefficient is a_0. */
class ConstantSource implements CoefficientSource {
  constructor(private readonly value: number) {}

  at(): number {
    return this.value;
  }

  endsAt(k: number): boolean {
    return k > 0;
  }
}

/**
 * The coefficients at a grid variance q₀, and those of φ² and φ′² for
 * E[φ(√q z)²] and E[φ′(√q z)²] nearby, each with its shift polynomials.
 */
interface GridPoint {
  q0: number;
  phi: HermiteSeries;
  phiShift: ShiftPolynomials;
  phiSquaredShift: ShiftPolynomials;
  gradSquaredShift: ShiftPolynomials;
}

/**
 * The expansions of one activation at every variance it meets, each cached:
 * a coefficient is a function of (φ, q, k) alone — never of which variances
 * came before or how far a series has been extended — so kernels computed in
 * tiles or on other threads agree with the untiled kernel bit for bit.
 *
 * Variances above {@link DIRECT_BELOW} are served from a grid of 4 points per
 * octave: the coefficients at the nearest grid variance (`HermiteSeries`, one
 * lazily extended quadrature per grid point) are moved to q by the heat
 * equation (`heat-shift.ts`), a few tens of multiply-adds per coefficient, so
 * a kernel over n inputs with n distinct variances needs only as many
 * quadratures as grid points their variances span. φ′'s coefficients follow
 * by Stein's identity b_k = √(k+1)·a_{k+1}/√q; E[φ²] and E[φ′²] by the same
 * shift of the series of φ² and φ′². Smaller variances are integrated at q,
 * φ′ through `grad`.
 */
export class VarianceExpansions {
  private readonly cache = new Map<number, Expansion>();
  private readonly grid = new Map<number, GridPoint>();

  constructor(
    private readonly phi: (x: number) => number,
    private readonly grad: (x: number) => number,
    private readonly parity: Parity,
    private readonly where: string,
  ) {}

  /** The expansion at variance q ≥ 0. */
  at(q: number): Expansion {
    let e = this.cache.get(q);
    if (e === undefined) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      e = this.create(q);
      this.cache.set(q, e);
    }
    return e;
  }

  /** The expansion at q, looked up after `previous` (a pointer chase when lookups repeat in the same order). */
  after(previous: Expansion, q: number): Expansion {
    if (previous.nextQ === q) return previous.next as Expansion;
    const e = this.at(q);
    previous.nextQ = q;
    previous.next = e;
    return e;
  }

  private create(q: number): Expansion {
    const { phi, grad, parity } = this;
    if (!(q > 0)) {
      // φ(0·z) = φ(0): constant series.
      const a0 = phi(0);
      const b0 = grad(0);
      return new Expansion(q, a0 * a0, b0 * b0, parity, new ConstantSource(a0), new ConstantSource(b0));
    }
    if (q < DIRECT_BELOW) {
      const s = Math.sqrt(q);
      const a = new HermiteSeries(phi, s, this.where);
      const b = new HermiteSeries(grad, s, this.where, a.range);
      return new Expansion(q, a.norm2, b.norm2, parity, new DirectSource(a), new DirectSource(b));
    }
    const point = this.gridPoint(Math.round(GRID_PER_OCTAVE * Math.log2(q)));
    const delta = (q - point.q0) / (2 * point.q0);
    return new Expansion(q, point.phiSquaredShift.evaluate(0, delta), point.gradSquaredShift.evaluate(0, delta), parity,
      new ShiftedSource(point.phi, point.phiShift, delta, q / point.q0), null);
  }

  private gridPoint(g: number): GridPoint {
    let point = this.grid.get(g);
    if (point === undefined) {
      const q0 = 2 ** (g / GRID_PER_OCTAVE);
      const s = Math.sqrt(q0);
      const { phi, grad } = this;
      const series = new HermiteSeries(phi, s, this.where);
      const shift = (source: HermiteSeries) => new ShiftPolynomials(source, CELL_DELTA, SHIFT_CUTOFF * Math.sqrt(source.norm2));
      point = {
        q0,
        phi: series,
        phiShift: shift(series),
        phiSquaredShift: shift(new HermiteSeries((x) => phi(x) ** 2, s, this.where, series.range)),
        gradSquaredShift: shift(new HermiteSeries((x) => grad(x) ** 2, s, this.where, series.range)),
      };
      this.grid.set(g, point);
    }
    return point;
  }
}
