import { BLOCK_BYTES, ENDED, HEADER_BYTES, SeriesStore } from '../simd/series';
import { SHIFT_REACH, ShiftPolynomials } from './heat-shift';
import { HermiteSeries } from './hermite-coefficients';

/** Which Hermite coefficients of φ can be non-zero: odd φ has only odd ones (and φ′ only even ones), even φ the reverse. */
export type Parity = 'odd' | 'even' | 'none';

/**
 * Grid points per octave of q for the first band of coefficients:
 * neighbouring grid variances differ by 19%, so |δ| ≤ 4.5% in the heat shift.
 * Band b (coefficients up to BAND_LENGTH·2^b) uses 4·2^b points per octave,
 * keeping |δ|·k ≤ SHIFT_REACH.
 */
const GRID_PER_OCTAVE = 4;
/**
 * Grid points per octave for E[φ²] and E[φ′²], a subset of band 0's: they
 * are coefficient 0 of their shifts, which the shift does not amplify
 * (|δ|·k = 0), so a coarser grid serves them, with fewer of its two
 * quadratures per point (one of φ′², which may be a numerical derivative).
 */
const NORM_PER_OCTAVE = 2;
/** Below this variance the coefficients are integrated at q itself, φ′'s from φ′ (Stein's identity b_k = √(k+1)·a_{k+1}/√q loses digits as q → 0). */
export const DIRECT_BELOW = 2 ** -10;
/** The largest |δ| = |q − q₀|/(2q₀) of a variance whose nearest point on a grid of `perOctave` points is q₀. */
function cellDelta(perOctave: number): number {
  return (2 ** (0.5 / perOctave) - 1) / 2 + 1e-12;
}
/** The coefficients of band 0: k ≤ BAND_LENGTH, where |δ|·k ≤ SHIFT_REACH on the coarsest grid. */
const BAND_LENGTH = Math.floor(SHIFT_REACH / cellDelta(GRID_PER_OCTAVE));
/** The band of coefficient k: 0 up to BAND_LENGTH, then one more per doubling of k. */
function bandOf(k: number): number {
  return k <= BAND_LENGTH ? 0 : Math.ceil(Math.log2(k / BAND_LENGTH));
}
/** Shifted coefficients are exact to this fraction of √E[φ²]. */
const SHIFT_CUTOFF = 1e-13;
/**
 * The smallest tails trusted, relative to the totals: E[φ²] and the partial
 * sums come from separate quadratures (agreeing to ~1e−14), E[φ′²] from a
 * quadrature of φ′ that may be a numerical derivative (~1e−13).
 */
export const TAIL_FLOOR_A = 1e-13;
export const TAIL_FLOOR_B = 1e-12;
/** Cached variances per activation before the cache starts over. */
const CACHE_LIMIT = 8192;
/** Blocks of four coefficients an expansion has room for before its first move. */
const INITIAL_BLOCKS = 16;

/** Where one series of coefficients comes from: coefficient k, and whether the series is zero from k on. */
interface CoefficientSource {
  /** Makes coefficient k the `value`, or returns false when the series is zero from k on. Asked for in increasing k. */
  take(k: number): boolean;
  value: number;
}

/** Values per chunk of {@link Slabs}. */
const CHUNK = 1 << 13;

/**
 * Storage for the columns of one activation's expansions, cut from shared
 * chunks: a kernel creates an expansion per distinct variance (hundreds), and
 * a typed array of its own for each would cost an allocation outside the
 * heap, and its collection, per column.
 */
export class Slabs {
  private chunk = new Float64Array(0);
  private used = 0;

  /** `size` zeros of their own. */
  take(size: number): Float64Array {
    if (this.used + size > this.chunk.length) {
      this.chunk = new Float64Array(Math.max(size, CHUNK));
      this.used = 0;
    }
    const slab = this.chunk.subarray(this.used, this.used + size);
    this.used += size;
    return slab;
  }
}

/**
 * Coefficients of one series, grown as kernel entries need them, with
 * running sums of squares, interleaved: data[3j] = x_j,
 * data[3j+1] = Σ_{i<j} x_i², data[3j+2] = Σ_{i<j} k_i·x_i² (k_i the Hermite
 * index of entry i; the weighted sums serve φ′'s series by Stein's lemma).
 * The Mehler rows read φ's coefficients from the expansion's blocks in its
 * {@link SeriesStore} instead.
 */
export class Column {
  data: Float64Array;
  length = 0;
  /** No further non-zero values. */
  ended = false;

  constructor(private readonly slabs: Slabs) {
    this.data = slabs.take(3 * (4 * INITIAL_BLOCKS + 1));
  }

  value(j: number): number {
    return this.data[3 * j];
  }

  /** Σ_{i<j} x_i², for j ≤ length. */
  prefix(j: number): number {
    return this.data[3 * j + 1];
  }

  /** Σ_{i<j} k_i·x_i², for j ≤ length. */
  weighted(j: number): number {
    return this.data[3 * j + 2];
  }

  push(v: number, k: number): void {
    const n = this.length;
    if (3 * (n + 2) > this.data.length) {
      const grown = this.slabs.take(2 * this.data.length);
      grown.set(this.data);
      this.data = grown;
    }
    const d = this.data;
    d[3 * n] = v;
    d[3 * n + 4] = d[3 * n + 1] + v * v;
    d[3 * n + 5] = d[3 * n + 2] + k * v * v;
    this.length = n + 1;
  }
}

/** The parity of the Hermite coefficients of φ that vanish (0: even k, 1: odd k), or −1. */
function vanishing(parity: Parity): -1 | 0 | 1 {
  return parity === 'odd' ? 0 : parity === 'even' ? 1 : -1;
}

/** Hermite index of the j-th stored coefficient of φ: only those that can be non-zero are stored. */
export function hermiteIndex(parity: Parity, j: number): number {
  return parity === 'none' ? j : parity === 'odd' ? 2 * j + 1 : 2 * j;
}

/** A series of coefficients as the sums read it: values, and sums of squares before an index. */
export interface Coefficients {
  readonly length: number;
  /** No further non-zero values. */
  readonly ended: boolean;
  value(j: number): number;
  /** Σ_{i<j} x_i², for j ≤ length. */
  prefix(j: number): number;
  /** Σ_{i<j} k_i·x_i², for j ≤ length. */
  weighted(j: number): number;
}

/**
 * φ's coefficients of an expansion, kept only in its store's blocks (see
 * `Expansion.header`), with the running sums of squares at the start of each
 * block; the sums at other indices continue from there in the same order, so
 * they equal the running sums.
 */
class StoredSeries implements Coefficients {
  length = 0;
  ended = false;
  /** The blocks' address, and room for how many. */
  blocks: number;
  private capacity = INITIAL_BLOCKS;
  /** sums[2b] = Σ_{i<4b} x_i², sums[2b+1] = Σ_{i<4b} k_i·x_i². */
  private readonly sums: number[] = [0, 0];
  private sumA = 0;
  private sumW = 0;

  constructor(
    private readonly store: SeriesStore,
    private readonly header: number,
  ) {
    this.blocks = store.alloc(INITIAL_BLOCKS * BLOCK_BYTES);
    store.i32[(header >> 2) + 2] = this.blocks;
  }

  /** The address of x_j as a float64 index (k_j·x_j is 4 further; the block's tail at 2 − (j & 3) before). */
  private at(j: number): number {
    return ((this.blocks + (j >> 2) * BLOCK_BYTES) >> 3) + 2 + (j & 3);
  }

  value(j: number): number {
    return this.store.f64[this.at(j)];
  }

  prefix(j: number): number {
    let s = this.sums[2 * (j >> 2)];
    for (let i = j & ~3; i < j; i++) {
      const v = this.value(i);
      s += v * v;
    }
    return s;
  }

  weighted(j: number): number {
    let s = this.sums[2 * (j >> 2) + 1];
    for (let i = j & ~3; i < j; i++) s += this.store.f64[this.at(i) + 4] * this.value(i);
    return s;
  }

  /** Appends x_j = v, the coefficient of Hermite index k. */
  push(v: number, k: number): void {
    const j = this.length;
    if (j >> 2 >= this.capacity) this.reserve((j >> 2) + 1);
    const at = this.at(j);
    const kv = k * v;
    const f64 = this.store.f64;
    f64[at] = v;
    f64[at + 4] = kv;
    this.sumA += v * v;
    this.sumW += kv * v;
    this.length = j + 1;
    if ((this.length & 3) === 0) this.sums.push(this.sumA, this.sumW);
  }

  /** Sets the tail of block b (see `Expansion.header`). */
  setTail(b: number, tail: number): void {
    if (b >= this.capacity) this.reserve(b + 1);
    this.store.f64[(this.blocks + b * BLOCK_BYTES) >> 3] = tail;
  }

  /** Room for `count` blocks, moving them when they do not fit. */
  private reserve(count: number): void {
    const capacity = Math.max(count, 2 * this.capacity);
    const moved = this.store.alloc(capacity * BLOCK_BYTES);
    const f64 = this.store.f64;
    f64.copyWithin(moved >> 3, this.blocks >> 3, (this.blocks + this.capacity * BLOCK_BYTES) >> 3);
    this.blocks = moved;
    this.capacity = capacity;
    this.store.i32[(this.header >> 2) + 2] = moved;
  }
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
  readonly a: StoredSeries;
  readonly b: Column | null;
  /** Whether φ′'s coefficients follow from φ's by Stein's lemma. */
  readonly stein: boolean;
  /** E[φ′²]·q = Σ_k k·a_k², the total of `Coefficients.weighted` (Stein). */
  readonly weightedNorm: number;
  /** 1/√q (0 at q = 0). */
  readonly invRoot: number;
  /**
   * Where the expansion lives in its store (`simd/series.wat` has the
   * layout): the header, with the length, E[φ²], E[φ′²] and 1/√q, and the
   * blocks of four coefficients of φ, x_j and k_j·x_j, each with the larger
   * of the relative tails of φ's series, (E[φ²] − Σ_{j<4b} a_j²)/E[φ²], and
   * of the weighted one, (E[φ′²]q − Σ_{j<4b} k_j a_j²)/(E[φ′²]q), before it,
   * each trusted no lower than its floor (TAIL_FLOOR_A, TAIL_FLOOR_B): one
   * number per block of four bounds both of a Mehler sum's tails
   * (`mehler-series.ts`).
   */
  readonly header: number;
  /** The variance looked up after this one last time, and its expansion: kernel rows visit the columns' variances in the same order. */
  nextQ = NaN;
  next: Expansion | null = null;
  /** The largest reach this expansion has grown to meet (see {@link growToReach}; the bound is fixed per activation). */
  private reached = -1;

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
    slabs: Slabs,
    readonly store: SeriesStore,
    /** Its index among the store's expansions (`VarianceExpansions.of`), kept in its header. */
    id: number,
  ) {
    this.b = bSource === null ? null : new Column(slabs);
    this.stein = bSource === null;
    this.weightedNorm = normB * q;
    this.invRoot = q > 0 ? 1 / Math.sqrt(q) : 0;
    this.header = store.alloc(HEADER_BYTES);
    this.a = new StoredSeries(store, this.header);
    this.a.setTail(0, 1);
    const { f64, i32 } = store;
    const h = this.header;
    i32[(h >> 2) + 3] = this.stein ? 1 : 0;
    i32[(h >> 2) + 10] = id;
    f64[(h >> 3) + 2] = normA;
    f64[(h >> 3) + 3] = normB;
    f64[(h >> 3) + 4] = this.invRoot;
  }

  /** Makes n coefficients of φ available (fewer when the series ends). */
  growA(n: number): void {
    const col = this.a;
    const source = this.aSource;
    const parity = this.parity;
    while (col.length < n && !col.ended) {
      const j = col.length;
      const k = hermiteIndex(parity, j);
      if (!source.take(k)) {
        col.ended = true;
        break;
      }
      col.push(source.value, k);
      if ((j & 3) === 3) this.blockTail((j + 1) >> 2);
    }
    const h = this.header >> 2;
    this.store.i32[h] = col.length;
    this.store.i32[h + 1] = col.ended ? ENDED : col.length;
  }

  /**
   * Grows φ's series a block at a time until the tail τ_b before some block b
   * (see `header`) meets τ_b·reach^{4b−1} ≤ bound, or the series ends:
   * `reach` is the largest |r| (ρ², for series in ρ²) of the entries this
   * expansion will be summed in. When both expansions of an entry of r ≤
   * reach have grown so, its sum stops (`mehler-series.ts`: τ·τ′·P² ≤
   * (tol/2)² with P ≤ r^{4b−1}) once it reaches the longer one's length, at
   * the latest, with bound = tol/2: tails and powers only shrink.
   */
  growToReach(reach: number, bound: number): void {
    if (reach <= this.reached) return;
    this.reached = reach;
    const reach4 = reach * reach * (reach * reach);
    let power = reach * reach * reach;
    for (let b = 1; ; b++, power *= reach4) {
      if (this.a.length < 4 * b) this.growA(4 * b);
      if (this.a.length < 4 * b) return;
      if (this.store.f64[(this.a.blocks + b * BLOCK_BYTES) >> 3] * power <= bound) return;
    }
  }

  /** Sets block b's tail from the sums of squares before coefficient 4b (see `header`). */
  private blockTail(b: number): void {
    const { normA, weightedNorm: w } = this;
    const j = 4 * b;
    const tailA = normA > 0 ? Math.max(normA - this.a.prefix(j), TAIL_FLOOR_A * normA) / normA : 0;
    const tailB = w > 0 ? Math.max(w - this.a.weighted(j), TAIL_FLOOR_B * w) / w : 0;
    this.a.setTail(b, Math.max(tailA, tailB));
  }

  /** Makes n coefficients of φ′ available, for an expansion with its own series of φ′ (fewer when it ends). */
  growB(n: number): void {
    const col = this.b as Column;
    const source = this.bSource as CoefficientSource;
    // φ′ has the other parity.
    const parity: Parity = this.parity === 'odd' ? 'even' : this.parity === 'even' ? 'odd' : 'none';
    while (col.length < n && !col.ended) {
      const k = hermiteIndex(parity, col.length);
      if (source.take(k)) col.push(source.value, k);
      else col.ended = true;
    }
  }
}

/**
 * a_k(q) by the heat shift from the series at the nearest point of the grid
 * of k's band — finer for larger k, so that |δ|·k stays at most SHIFT_REACH.
 */
class ShiftedSource implements CoefficientSource {
  value = 0;
  /** The band (and the last k it serves), grid point and (q/q₀)^{k/2} of the last k asked: coefficients are asked in order, so the next power is one product away. */
  private bandEnd = -1;
  private point: GridPoint | null = null;
  private delta = 0;
  private step = 1;
  private k = 0;
  private power = 1;

  constructor(
    private readonly grids: VarianceExpansions,
    private readonly q: number,
  ) {}

  private enter(k: number): void {
    const band = bandOf(k);
    const point = this.grids.gridPoint(band, this.q);
    this.bandEnd = BAND_LENGTH * 2 ** band;
    this.point = point;
    this.delta = (this.q - point.q0) / (2 * point.q0);
    this.step = Math.sqrt(this.q / point.q0);
    this.k = k;
    this.power = Math.pow(this.q / point.q0, 0.5 * k);
  }

  take(k: number): boolean {
    if (k > this.bandEnd) this.enter(k);
    const point = this.point as GridPoint;
    const series = point.phi;
    if (k >= series.length && !series.complete) series.ensure(k + 1);
    if (series.complete && k >= series.length) return false;
    // Each expansion asks for its coefficients in the same order, so the running
    // product is the same whatever else has been computed.
    while (this.k < k) {
      this.power *= this.step;
      this.k++;
    }
    this.value = this.power * point.phiShift.evaluate(k, this.delta);
    return true;
  }
}

/** The coefficients of a series computed at q itself. */
class DirectSource implements CoefficientSource {
  value = 0;

  constructor(private readonly series: HermiteSeries) {}

  take(k: number): boolean {
    this.series.ensure(k + 1);
    if (k >= this.series.length) return false;
    this.value = this.series.a[k];
    return true;
  }
}

/** A constant: its only coefficient is a_0. */
class ConstantSource implements CoefficientSource {
  constructor(readonly value: number) {}

  take(k: number): boolean {
    return k === 0;
  }
}

/** The coefficients at a grid variance q₀, with their shift polynomials. */
interface GridPoint {
  q0: number;
  phi: HermiteSeries;
  phiShift: ShiftPolynomials;
}

/** The shift polynomials of the series of φ² and φ′² at a grid variance q₀, for E[φ(√q z)²] and E[φ′(√q z)²] nearby (their coefficient 0). */
interface NormPoint {
  q0: number;
  phiSquaredShift: ShiftPolynomials;
  gradSquaredShift: ShiftPolynomials;
}

/** Grid points kept per set of tables before they start over. */
const TABLE_LIMIT = 4096;

/**
 * The grid points of one φ: the coefficients at grid variances and their
 * shift polynomials, and those of φ² and φ′² — functions of (φ, φ′, grid
 * variance) alone, so every activation with the same φ and φ′ functions on a
 * thread shares them: a second network with `stax.tanh()` does not integrate
 * tanh's coefficients at the grid variances again (measured: a fresh
 * network's first call ~25% faster). Values do not depend on which activation
 * computed a point first, nor on what else was computed.
 */
class GridTables {
  grid = new Map<string, GridPoint>();
  norms = new Map<number, NormPoint>();

  /** Called after each new point: starts over beyond TABLE_LIMIT points, so the tables stay bounded. */
  added(): void {
    if (this.grid.size + this.norms.size <= TABLE_LIMIT) return;
    this.grid = new Map();
    this.norms = new Map();
  }
}

/** Tables by φ, then φ′ (weakly: tables go with the functions), then the activation's name, which the series' errors quote. */
const sharedTables = new WeakMap<(x: number) => number, WeakMap<(x: number) => number, Map<string, GridTables>>>();

function gridTables(phi: (x: number) => number, grad: (x: number) => number, where: string): GridTables {
  let byGrad = sharedTables.get(phi);
  if (byGrad === undefined) {
    byGrad = new WeakMap();
    sharedTables.set(phi, byGrad);
  }
  let byName = byGrad.get(grad);
  if (byName === undefined) {
    byName = new Map();
    byGrad.set(grad, byName);
  }
  let tables = byName.get(where);
  if (tables === undefined) {
    tables = new GridTables();
    byName.set(where, tables);
  }
  return tables;
}

/**
 * The expansions of one activation at every variance it meets, each cached:
 * a coefficient is a function of (φ, q, k) alone — never of which variances
 * came before or how far a series has been extended — so kernels computed in
 * tiles or on other threads agree with the untiled kernel bit for bit.
 *
 * Variances above {@link DIRECT_BELOW} are served from grids of variances:
 * the coefficients at the nearest grid variance (`HermiteSeries`, one lazily
 * extended quadrature per grid point) are moved to q by the heat equation
 * (`heat-shift.ts`), a few tens of multiply-adds per coefficient, so a kernel
 * over n inputs with n distinct variances needs only as many quadratures as
 * grid points their variances span. The shift multiplies the errors of the
 * grid coefficients by up to e^{|δ|k}, so coefficient k comes from a grid fine
 * enough that |δ|·k ≤ SHIFT_REACH: 4 points per octave up to k ≈ 176, twice as
 * many for each doubling of k beyond (only strongly correlated inputs at large
 * variances reach those). φ′'s coefficients follow
 * by Stein's identity b_k = √(k+1)·a_{k+1}/√q; E[φ²] and E[φ′²] by the same
 * shift of the series of φ² and φ′². Smaller variances are integrated at q,
 * φ′ through `grad`.
 */
export class VarianceExpansions {
  private readonly cache = new Map<number, Expansion>();
  private readonly tables: GridTables;
  private slabs = new Slabs();
  /** Where the cached expansions live; a new one when the cache starts over. */
  store = new SeriesStore();
  /** The store's expansions by index. */
  private stored: Expansion[] = [];
  /** The largest reach of each expansion by index, while {@link growForReach} gathers them (else −1). */
  private most = new Float64Array(0);

  constructor(
    private readonly phi: (x: number) => number,
    private readonly grad: (x: number) => number,
    private readonly parity: Parity,
    private readonly where: string,
  ) {
    this.tables = gridTables(phi, grad, where);
  }

  /**
   * Starts the cache over, in a new store, when it holds CACHE_LIMIT
   * variances or more: called before a row, so that the expansions of a row
   * share one store. Returns whether it did: then earlier expansions must
   * not be used at all, since the old store's memory goes to the new one.
   */
  startRow(): boolean {
    if (this.cache.size < CACHE_LIMIT) return false;
    this.cache.clear();
    this.slabs = new Slabs();
    // Between rows no expansion of the old store is in use (callers forget theirs when this returns true): its memory serves the next store.
    this.store.release();
    this.store = new SeriesStore();
    this.stored = [];
    return true;
  }

  /** Whether `count` variances fit in the cache at once (a whole kernel's rows and columns, looked up before a store could start over). */
  holds(count: number): boolean {
    return count <= CACHE_LIMIT;
  }

  /** The expansion whose header is at `header` in the store. */
  of(header: number): Expansion {
    return this.stored[this.store.i32[(header >> 2) + 10]];
  }

  /**
   * Grows the expansions whose headers are listed in `heads` (sets of them,
   * each with its reach: the largest squared correlation of the entries it
   * will be summed in) to what the largest of their reaches needs, each
   * once (`Expansion.growToReach`; `squared`: the series are in ρ², so the
   * squared correlation is their r).
   */
  growForReach(heads: readonly Int32Array[], reach: readonly Float64Array[], squared: boolean, bound: number): void {
    if (this.most.length < this.stored.length) this.most = new Float64Array(Math.max(this.stored.length, 2 * this.most.length)).fill(-1);
    const { most } = this;
    const { i32 } = this.store;
    heads.forEach((set, s) => {
      const r = reach[s];
      for (let i = 0; i < set.length; i++) {
        const id = i32[(set[i] >> 2) + 10];
        if (r[i] > most[id]) most[id] = r[i];
      }
    });
    // Each once, in the order met; `most` is left all −1 again. (Growing may move the store's memory: ids are read first.)
    for (const set of heads) {
      for (let i = 0; i < set.length; i++) {
        const id = this.store.i32[(set[i] >> 2) + 10];
        const r = most[id];
        if (r < 0) continue;
        most[id] = -1;
        this.stored[id].growToReach(squared ? r : Math.sqrt(r), bound);
      }
    }
  }

  /** The expansion at variance q ≥ 0. */
  at(q: number): Expansion {
    let e = this.cache.get(q);
    if (e === undefined) {
      e = this.create(q);
      this.stored.push(e);
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
      return new Expansion(q, a0 * a0, b0 * b0, parity, new ConstantSource(a0), new ConstantSource(b0), this.slabs, this.store, this.stored.length);
    }
    if (q < DIRECT_BELOW) {
      const s = Math.sqrt(q);
      const a = new HermiteSeries(phi, s, this.where, undefined, 0, vanishing(parity));
      // φ′ has the other parity.
      const b = new HermiteSeries(grad, s, this.where, a.range, a.firstLevel, parity === 'none' ? -1 : ((1 - vanishing(parity)) as 0 | 1));
      return new Expansion(q, a.norm2, b.norm2, parity, new DirectSource(a), new DirectSource(b), this.slabs, this.store, this.stored.length);
    }
    const norms = this.normPoint(q);
    const delta = (q - norms.q0) / (2 * norms.q0);
    return new Expansion(
      q,
      norms.phiSquaredShift.evaluate(0, delta),
      norms.gradSquaredShift.evaluate(0, delta),
      parity,
      new ShiftedSource(this, q),
      null,
      this.slabs,
      this.store,
      this.stored.length,
    );
  }

  /** The point of band b's grid nearest to q (created on first use). */
  gridPoint(band: number, q: number): GridPoint {
    const perOctave = GRID_PER_OCTAVE * 2 ** band;
    const g = Math.round(perOctave * Math.log2(q));
    const key = `${band}:${g}`;
    const { grid } = this.tables;
    let point = grid.get(key);
    if (point === undefined) {
      const q0 = 2 ** (g / perOctave);
      const series = new HermiteSeries(this.phi, Math.sqrt(q0), this.where, undefined, 0, vanishing(this.parity));
      point = { q0, phi: series, phiShift: new ShiftPolynomials(series, cellDelta(perOctave), SHIFT_CUTOFF * Math.sqrt(series.norm2)) };
      grid.set(key, point);
      this.tables.added();
    }
    return point;
  }

  /** The point of the grid of E[φ²] and E[φ′²] nearest to q (created on first use). */
  private normPoint(q: number): NormPoint {
    const g = Math.round(NORM_PER_OCTAVE * Math.log2(q));
    const { norms } = this.tables;
    let point = norms.get(g);
    if (point === undefined) {
      const q0 = 2 ** (g / NORM_PER_OCTAVE);
      const s = Math.sqrt(q0);
      const { phi, grad } = this;
      // The point is also one of band 0's, whose series of φ says where to cut and how fine to start.
      const series = this.gridPoint(0, q0).phi;
      // φ² and φ′² are even when φ is odd or even: their odd coefficients vanish.
      const even = this.parity === 'none' ? -1 : 1;
      const shift = (source: HermiteSeries) => new ShiftPolynomials(source, cellDelta(NORM_PER_OCTAVE), SHIFT_CUTOFF * Math.sqrt(source.norm2));
      point = {
        q0,
        phiSquaredShift: shift(new HermiteSeries((x) => phi(x) ** 2, s, this.where, series.range, series.firstLevel, even)),
        gradSquaredShift: shift(new HermiteSeries((x) => grad(x) ** 2, s, this.where, series.range, series.firstLevel, even)),
      };
      norms.set(g, point);
      this.tables.added();
    }
    return point;
  }
}
