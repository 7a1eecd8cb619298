import { BLOCK_BYTES, ENDED, HEADER_BYTES, SeriesStore } from '../simd/series';
import { SHIFT_REACH, ShiftArena, ShiftPolynomials } from './heat-shift';
import { HermiteSeries } from './hermite-coefficients';
import { VarianceTable } from './variance-table';
import { gridIndex, gridThresholds } from './grid-index';
import { nativeExpansionsEnter, nativeExpansionsLayOut, type NormTable } from '../native/expansions-at';
import {
  CELL,
  GROWN,
  JOB,
  nativeHeatShiftCells,
  nativeHeatShiftJobs,
  NEEDS_BLOCKS,
  NEEDS_POLYNOMIALS,
  type BandTable,
  type BandJobs,
  type ShiftSettings,
} from '../native/heat-shift';
import { nativeLibrary } from '../native/library';
import type { PackedColumns } from '../native/mehler-rows';

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

/** Where one series of coefficients comes from. */
interface CoefficientSource {
  /**
   * Puts the coefficients of Hermite indices k0, k0 + stride, … in
   * out[0], out[1], … (`count` of them, asked for in increasing k), and
   * returns how many there are: fewer when the series is zero from there on.
   */
  takeRun(k0: number, stride: number, count: number, out: Float64Array): number;
}

/** Coefficients taken at once by `Expansion.growA`: runs in typed arrays, not one double per call, which V8 boxes unless the call is inlined. */
const RUN = 64;
const run = new Float64Array(RUN);

/** Numbers per expansion in {@link ExpansionNumbers}, and where each is. */
const STRIDE = 9;
const Q = 0;
const NEXT_Q = 1;
const REACHED = 2;
const SUM_A = 3;
const SUM_W = 4;
const DELTA = 5;
const STEP = 6;
const POWER = 7;
const SHIFT_K = 8;

/**
 * The numbers of one store's expansions that change or are not in their
 * headers (variance, running sums, the heat shift's state, …), STRIDE per
 * expansion by index, in one typed array (which `native/heat-shift.c`
 * reads and writes too), and by index each one's header, where the band of
 * its heat shift ends, and the expansion looked up after it. A kernel creates
 * hundreds of expansions per call and keeps them: as fields of objects, each
 * number would be a heap object of its own, copied by every young-generation
 * collection the expansion survives (measured: ~0.8 KB of surviving objects
 * per expansion, and collections a quarter of a first call's time). The
 * expansions themselves are objects only once JavaScript grows or sums one
 * ({@link VarianceExpansions.byId}): the kernels' hot paths work on these
 * numbers and the headers, natively.
 */
export class ExpansionNumbers {
  data = new Float64Array(STRIDE * 64);
  /** The header's byte address in the store. */
  header = new Int32Array(64);
  /** The last k of the band of the coefficients the heat shift last served (see {@link VarianceExpansions.enterBand}), −1 before the first. */
  bandEnd = new Int32Array(64);
  /** The index of the expansion looked up after this one last time (`NEXT_Q` its variance), or −1. */
  next = new Int32Array(64);

  /** Room for expansion `id`. */
  reserve(id: number): void {
    if (id < this.header.length) return;
    let length = 2 * this.header.length;
    while (length <= id) length *= 2;
    const grown = new Float64Array(STRIDE * length);
    grown.set(this.data);
    this.data = grown;
    const ints = (a: Int32Array) => {
      const b = new Int32Array(length);
      b.set(a);
      return b;
    };
    this.header = ints(this.header);
    this.bandEnd = ints(this.bandEnd);
    this.next = ints(this.next);
  }
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
 * An expansion's header in its store, as int32 and float64 indices from its
 * byte address (`simd/series.wat` has the layout; the blocks' room is ours).
 */
const H_LENGTH = 0;
const H_GROW = 1;
const H_BLOCKS = 2;
const H_STEIN = 3;
const H_ID = 10;
const H_CAPACITY = 11;
const F_NORM_A = 2;
const F_NORM_B = 3;
const F_INV_ROOT = 4;

/** Room for `count` blocks of the expansion whose header is at `header`, moving them (to at least twice the room) when they do not fit. */
function ensureBlocks(store: SeriesStore, header: number, count: number): void {
  const h = header >> 2;
  const had = store.i32[h + H_CAPACITY];
  if (count <= had) return;
  const capacity = Math.max(count, 2 * had);
  const moved = store.alloc(capacity * BLOCK_BYTES);
  const blocks = store.i32[h + H_BLOCKS];
  store.f64.copyWithin(moved >> 3, blocks >> 3, (blocks + had * BLOCK_BYTES) >> 3);
  store.i32[h + H_BLOCKS] = moved;
  store.i32[h + H_CAPACITY] = capacity;
}

/**
 * φ's coefficients of an expansion, kept only in its store's blocks (see
 * `Expansion.header`), with the running sums of their squares; a sum
 * before another index is summed again in the same order, so it equals the
 * running sum there.
 */
class StoredSeries implements Coefficients {
  constructor(
    private readonly store: SeriesStore,
    private readonly header: number,
    private readonly numbers: ExpansionNumbers,
    /** Where the expansion's numbers start in `numbers`. */
    private readonly at: number,
  ) {}

  /** The blocks' address, from the header. */
  get blocks(): number {
    return this.store.i32[(this.header >> 2) + H_BLOCKS];
  }

  /** Room for how many blocks, from the header. */
  get capacity(): number {
    return this.store.i32[(this.header >> 2) + H_CAPACITY];
  }

  /** The coefficients held: the header's, which native growth writes too. */
  get length(): number {
    return this.store.i32[(this.header >> 2) + H_LENGTH];
  }

  /** No further non-zero values: the header's `grow at` is ENDED (else it is the length). */
  get ended(): boolean {
    return this.store.i32[(this.header >> 2) + H_GROW] === ENDED;
  }

  set ended(ended: boolean) {
    const h = this.header >> 2;
    this.store.i32[h + H_GROW] = ended ? ENDED : this.store.i32[h + H_LENGTH];
  }

  /** Room for `count` blocks, moving them when they do not fit. */
  ensureBlocks(count: number): void {
    ensureBlocks(this.store, this.header, count);
  }

  /** The address of x_j as a float64 index (k_j·x_j is 4 further; the block's tail at 2 − (j & 3) before). */
  private address(j: number): number {
    return ((this.blocks + (j >> 2) * BLOCK_BYTES) >> 3) + 2 + (j & 3);
  }

  value(j: number): number {
    return this.store.f64[this.address(j)];
  }

  prefix(j: number): number {
    let s = 0;
    for (let i = 0; i < j; i++) {
      const v = this.value(i);
      s += v * v;
    }
    return s;
  }

  weighted(j: number): number {
    let s = 0;
    for (let i = 0; i < j; i++) s += this.store.f64[this.address(i) + 4] * this.value(i);
    return s;
  }

  /**
   * Appends values[0..count), the coefficients of Hermite indices k0,
   * k0 + stride, …, with the running sums of their squares, and sets the
   * tail before each block they complete from those sums (see
   * `Expansion.header`: E[φ²], E[φ′²] there, q in `numbers`).
   */
  append(values: Float64Array, count: number, k0: number, stride: number): void {
    const at = this.at;
    for (let i = 0; i < count; i++) {
      const j = this.length;
      if (j >> 2 >= this.capacity) this.ensureBlocks((j >> 2) + 1);
      const f64 = this.store.f64;
      const numbers = this.numbers.data;
      const v = values[i];
      const kv = (k0 + stride * i) * v;
      const address = this.address(j);
      f64[address] = v;
      f64[address + 4] = kv;
      numbers[at + SUM_A] += v * v;
      numbers[at + SUM_W] += kv * v;
      this.store.i32[(this.header >> 2) + H_LENGTH] = j + 1;
      this.store.i32[(this.header >> 2) + H_GROW] = j + 1;
      if ((j & 3) !== 3) continue;
      const b = (j + 1) >> 2;
      if (b >= this.capacity) this.ensureBlocks(b + 1);
      const normA = this.store.f64[(this.header >> 3) + F_NORM_A];
      const w = this.store.f64[(this.header >> 3) + F_NORM_B] * numbers[at + Q];
      const tailA = normA > 0 ? Math.max(normA - numbers[at + SUM_A], TAIL_FLOOR_A * normA) / normA : 0;
      const tailB = w > 0 ? Math.max(w - numbers[at + SUM_W], TAIL_FLOOR_B * w) / w : 0;
      this.store.f64[(this.blocks + b * BLOCK_BYTES) >> 3] = Math.max(tailA, tailB);
    }
  }

  /** Sets the tail of block b (see `Expansion.header`). */
  setTail(b: number, tail: number): void {
    if (b >= this.capacity) this.ensureBlocks(b + 1);
    this.store.f64[(this.blocks + b * BLOCK_BYTES) >> 3] = tail;
  }
}

/** Whether an expansion at variance q has its coefficients by the heat shift from the grids (else it is tiny, or 0, and has them at q itself). */
function shifted(q: number): boolean {
  return q >= DIRECT_BELOW;
}

/** Whether `reach` is beyond the largest the expansion whose numbers start at `at` has grown to meet, which it then becomes (see `Expansion.claimReach`). */
function claimReach(numbers: ExpansionNumbers, at: number, reach: number): boolean {
  const d = numbers.data;
  if (reach <= d[at + REACHED]) return false;
  d[at + REACHED] = reach;
  return true;
}

/**
 * Lays out expansion `id` at variance q in its store and `numbers`, holding
 * no coefficient yet (see `Expansion.header`): all that the native growth,
 * packing and sums read, and all an {@link Expansion} object, created later
 * if JavaScript needs one, starts from. `stein`: φ′'s coefficients follow
 * from φ's (else they are a series of their own).
 */
function layOut(store: SeriesStore, numbers: ExpansionNumbers, id: number, q: number, normA: number, normB: number, stein: boolean): void {
  numbers.reserve(id);
  const d = numbers.data;
  const at = STRIDE * id;
  // Every number set here: a call to fill costs more for nine.
  d[at + Q] = q;
  d[at + NEXT_Q] = NaN;
  d[at + REACHED] = -1;
  d[at + SUM_A] = 0;
  d[at + SUM_W] = 0;
  d[at + DELTA] = 0;
  d[at + STEP] = 0;
  d[at + POWER] = 0;
  d[at + SHIFT_K] = 0;
  numbers.bandEnd[id] = -1;
  numbers.next[id] = -1;
  const header = store.alloc(HEADER_BYTES);
  const blocks = store.alloc(INITIAL_BLOCKS * BLOCK_BYTES);
  numbers.header[id] = header;
  const { f64, i32 } = store;
  const h = header >> 2;
  i32[h + H_LENGTH] = 0;
  i32[h + H_GROW] = 0;
  i32[h + H_BLOCKS] = blocks;
  i32[h + H_STEIN] = stein ? 1 : 0;
  i32[h + H_ID] = id;
  i32[h + H_CAPACITY] = INITIAL_BLOCKS;
  f64[(header >> 3) + F_NORM_A] = normA;
  f64[(header >> 3) + F_NORM_B] = normB;
  f64[(header >> 3) + F_INV_ROOT] = q > 0 ? 1 / Math.sqrt(q) : 0;
  // The tail before block 0: the whole series.
  f64[blocks >> 3] = 1;
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
  /** Where its numbers start in `numbers`. */
  private readonly at: number;

  /** The expansion laid out as `id` in its store (see {@link layOut}), with where its coefficients come from. */
  constructor(
    readonly parity: Parity,
    private readonly aSource: CoefficientSource,
    private readonly bSource: CoefficientSource | null,
    slabs: Slabs,
    readonly store: SeriesStore,
    private readonly numbers: ExpansionNumbers,
    /** Its index among the store's expansions (`VarianceExpansions.byId`), kept in its header. */
    id: number,
  ) {
    this.b = bSource === null ? null : new Column(slabs);
    this.stein = bSource === null;
    this.at = STRIDE * id;
    this.header = numbers.header[id];
    this.a = new StoredSeries(store, this.header, numbers, this.at);
  }

  /** The variance. */
  get q(): number {
    return this.numbers.data[this.at + Q];
  }

  /** E[φ(√q z)²], from the header. */
  get normA(): number {
    return this.store.f64[(this.header >> 3) + F_NORM_A];
  }

  /** E[φ′(√q z)²], from the header. */
  get normB(): number {
    return this.store.f64[(this.header >> 3) + F_NORM_B];
  }

  /** 1/√q (0 at q = 0), from the header. */
  get invRoot(): number {
    return this.store.f64[(this.header >> 3) + F_INV_ROOT];
  }

  /** Makes n coefficients of φ available (fewer when the series ends). */
  growA(n: number): void {
    const col = this.a;
    const stride = this.parity === 'none' ? 1 : 2;
    while (col.length < n && !col.ended) {
      const count = Math.min(n - col.length, RUN);
      const k0 = hermiteIndex(this.parity, col.length);
      const got = this.aSource.takeRun(k0, stride, count, run);
      col.append(run, got, k0, stride);
      if (got < count) col.ended = true;
    }
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
    if (this.claimReach(reach)) this.growOnToReach(reach, bound);
  }

  /** Whether `reach` is beyond the largest this expansion has grown to meet (the bound is fixed per activation), which it then becomes. */
  claimReach(reach: number): boolean {
    return claimReach(this.numbers, this.at, reach);
  }

  /** {@link growToReach} in JavaScript, after {@link claimReach}. */
  growOnToReach(reach: number, bound: number): void {
    const reach4 = reach * reach * (reach * reach);
    let power = reach * reach * reach;
    for (let b = 1; ; b++, power *= reach4) {
      if (this.a.length < 4 * b) this.growA(4 * b);
      if (this.a.length < 4 * b) return;
      if (this.store.f64[(this.a.blocks + b * BLOCK_BYTES) >> 3] * power <= bound) return;
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
      if (source.takeRun(k, 1, 1, run) === 1) col.push(run[0], k);
      else col.ended = true;
    }
  }
}

/**
 * a_k(q) by the heat shift from the series at the nearest point of the grid
 * of k's band — finer for larger k, so that |δ|·k stays at most SHIFT_REACH.
 */
class ShiftedSource implements CoefficientSource {
  constructor(
    private readonly grids: VarianceExpansions,
    private readonly numbers: ExpansionNumbers,
    /** The expansion's index: its variance and the shift's state are in `numbers` (see {@link VarianceExpansions.enterBand}). */
    private readonly id: number,
  ) {}

  takeRun(k0: number, stride: number, count: number, out: Float64Array): number {
    const at = STRIDE * this.id;
    for (let i = 0; i < count; i++) {
      const k = k0 + stride * i;
      const point = this.grids.enterBand(this.numbers, this.id, k);
      const series = point.phi;
      if (k >= series.length && !series.complete) series.ensure(k + 1);
      if (series.complete && k >= series.length) return i;
      // Each expansion asks for its coefficients in the same order, so the running
      // product is the same whatever else has been computed.
      const d = this.numbers.data;
      while (d[at + SHIFT_K] < k) {
        d[at + POWER] *= d[at + STEP];
        d[at + SHIFT_K] += 1;
      }
      out[i] = d[at + DELTA];
      point.phiShift.evaluateAt(k, out, i);
      out[i] = d[at + POWER] * out[i];
    }
    return count;
  }
}

/** The coefficients of a series computed at q itself. */
class DirectSource implements CoefficientSource {
  constructor(private readonly series: HermiteSeries) {}

  takeRun(k0: number, stride: number, count: number, out: Float64Array): number {
    for (let i = 0; i < count; i++) {
      const k = k0 + stride * i;
      this.series.ensure(k + 1);
      if (k >= this.series.length) return i;
      out[i] = this.series.a[k];
    }
    return count;
  }
}

/** A constant: its only coefficient is a_0. */
class ConstantSource implements CoefficientSource {
  constructor(private readonly value: number) {}

  takeRun(k0: number, _stride: number, count: number, out: Float64Array): number {
    if (k0 > 0 || count === 0) return 0;
    out[0] = this.value;
    return 1;
  }
}

/** The coefficients at a grid variance q₀, with their shift polynomials. */
interface GridPoint {
  q0: number;
  phi: HermiteSeries;
  phiShift: ShiftPolynomials;
  /** Its slot in band 0's table (see `GridTables.band`), or −1 (a point of a later band). */
  slot: number;
}

/** A grid cell's expansions (indices) in native growth, the last k of its polynomials so far, and the last of its band. */
interface GrowingCell {
  point: GridPoint;
  ids: number[];
  kmax: number;
  bandEnd: number;
}

/** The shift polynomials of the series of φ² and φ′² at a grid variance q₀, for E[φ(√q z)²] and E[φ′(√q z)²] nearby (their coefficient 0). */
interface NormPoint {
  q0: number;
  phiSquaredShift: ShiftPolynomials;
  gradSquaredShift: ShiftPolynomials;
}

/** Coefficients native growth may compute past an expansion's length before it asks for more polynomials or room. */
const SHIFT_AHEAD = 64;

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
  /** By band·2²⁴ + 2²³ + grid index (the index's magnitude is below 2²³ for every finite variance and band in use): small integers, not strings, as keys. */
  grid = new Map<number, GridPoint>();
  norms = new Map<number, NormPoint>();
  /** Where the grid points' shift polynomials of φ are, for native growth to read many cells' at once. */
  arena = new ShiftArena();
  /** The norm points as native code reads them, for the expansions it lays out (`native/expansions-at.c`), and how much of its terms they fill. */
  normTable = emptyNormTable();
  private normTermsUsed = 0;
  /** Band 0's points as native code reads them, for the expansions it enters in the band (`native/heat-shift.c`), and by slot. */
  band = emptyBandTable();
  bandPoints: GridPoint[] = [];

  /** Adds band 0's point at grid index g to {@link band} (its polynomials' numbers as {@link refreshBand} leaves them). */
  tableBand(g: number, point: GridPoint): void {
    const table = this.band;
    const at = g - table.lowest;
    if (at < 0 || at >= table.at.length) return;
    if (table.slots === table.q0.length) {
      const grow = <T extends Float64Array | Int32Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(2 * a.length);
        b.set(a);
        return b;
      };
      table.q0 = grow(table.q0);
      table.pairs = grow(table.pairs);
      table.kmax = grow(table.kmax);
      table.endedAt = grow(table.endedAt);
    }
    point.slot = table.slots++;
    table.at[at] = point.slot;
    table.q0[point.slot] = point.q0;
    this.bandPoints.push(point);
  }

  /**
   * Brings band 0's table up to date before native code reads it: building
   * polynomials may have moved a point's pairs in the arena, tabled more of
   * them, or ended its series.
   */
  refreshBand(): void {
    const { band } = this;
    this.bandPoints.forEach((point, slot) => {
      band.pairs[slot] = point.phiShift.pairs;
      band.kmax[slot] = point.phiShift.tabledTo;
      band.endedAt[slot] = point.phi.complete ? point.phi.length : ENDED;
    });
  }

  /** Adds a norm point at grid index g to {@link normTable}. */
  tableNorms(g: number, point: NormPoint): void {
    const table = this.normTable;
    const slot = g - table.lowest;
    if (slot < 0 || slot >= table.at.length) return;
    const a = point.phiSquaredShift.polynomial(0);
    const b = point.gradSquaredShift.polynomial(0);
    const at = this.normTermsUsed;
    const end = at + 3 + a.length + b.length;
    if (end > table.terms.length) {
      const grown = new Float64Array(Math.max(end, 2 * table.terms.length));
      grown.set(table.terms);
      table.terms = grown;
    }
    table.terms[at] = point.q0;
    table.terms[at + 1] = a.length;
    table.terms[at + 2] = b.length;
    table.terms.set(a, at + 3);
    table.terms.set(b, at + 3 + a.length);
    table.at[slot] = at;
    this.normTermsUsed = end;
  }

  /** Called after each new point: starts over beyond TABLE_LIMIT points, so the tables stay bounded. */
  added(): void {
    if (this.grid.size + this.norms.size <= TABLE_LIMIT) return;
    this.grid = new Map();
    this.norms = new Map();
    this.arena = new ShiftArena();
    this.normTable = emptyNormTable();
    this.normTermsUsed = 0;
    this.band = emptyBandTable();
    this.bandPoints = [];
  }
}

/** The lowest index of band 0's grid, and the count of its indices native code can find (as the norm grid's, below). */
const BAND_LOWEST = GRID_PER_OCTAVE * -10;
const BAND_SPAN = GRID_PER_OCTAVE * 1024 - BAND_LOWEST + 1;

function emptyBandTable(): BandTable {
  return {
    at: new Int32Array(BAND_SPAN).fill(-1),
    lowest: BAND_LOWEST,
    perOctave: GRID_PER_OCTAVE,
    thresholds: gridThresholds(GRID_PER_OCTAVE),
    q0: new Float64Array(64),
    pairs: new Int32Array(64),
    kmax: new Int32Array(64),
    endedAt: new Int32Array(64),
    slots: 0,
  };
}

/** The lowest index of the norm grid: its points serve variances from DIRECT_BELOW = 2^−10 on. */
const NORM_LOWEST = NORM_PER_OCTAVE * -10;
/** Norm points native code can find: up to the largest finite variance, below 2^1024. */
const NORM_SLOTS = NORM_PER_OCTAVE * 1024 - NORM_LOWEST + 1;

function emptyNormTable(): NormTable {
  return {
    terms: new Float64Array(1024),
    at: new Int32Array(NORM_SLOTS).fill(-1),
    lowest: NORM_LOWEST,
    thresholds: gridThresholds(NORM_PER_OCTAVE),
    directBelow: DIRECT_BELOW,
  };
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
  /** The variances cached, with their expansions' indices. */
  private readonly cache = new VarianceTable(CACHE_LIMIT);
  private readonly tables: GridTables;
  private slabs = new Slabs();
  /** Where the cached expansions live; a new one when the cache starts over. */
  store = new SeriesStore();
  /** The numbers of the store's expansions. */
  private numbers = new ExpansionNumbers();
  /** The store's expansions by index, as objects once JavaScript has needed them (see {@link byId}). */
  private objects: (Expansion | undefined)[] = [];
  /** The grid point each expansion's heat shift is at, by index (see {@link enterBand}). */
  private points: (GridPoint | null)[] = [];
  /** The jobs and cells of native growth (`growCells`), for the most it has had at once. */
  private jobs = new Int32Array(0);
  private reach = new Float64Array(0);
  private status = new Int32Array(0);
  private cells = new Int32Array(0);
  /** Expansions grown in band 0 by {@link growInBand}, and the jobs and cells it lists for them. */
  private inBand = new Int32Array(0);
  private bandJobs: BandJobs = {
    jobs: new Int32Array(0),
    reach: new Float64Array(0),
    status: new Int32Array(0),
    slot: new Int32Array(0),
    targets: new Int32Array(0),
    cells: new Int32Array(0),
    counts: new Int32Array(0),
  };
  /** The Hermite index of stored coefficient j is first + stride·j: only one parity is stored when φ has one. */
  private readonly first: number;
  private readonly stride: number;
  /** The largest reach of each expansion by index, while {@link growForReach} gathers them (else −1). */
  private most = new Float64Array(0);

  constructor(
    private readonly phi: (x: number) => number,
    private readonly grad: (x: number) => number,
    private readonly parity: Parity,
    private readonly where: string,
  ) {
    this.tables = gridTables(phi, grad, where);
    this.first = hermiteIndex(parity, 0);
    this.stride = parity === 'none' ? 1 : 2;
  }

  /** What native growth's cells share: the Hermite index of stored coefficient 0 and the step between stored ones, the reach's bound, the tails' floors. */
  private shiftSettings(bound: number): ShiftSettings {
    return { first: this.first, stride: this.stride, bound, floorA: TAIL_FLOOR_A, floorB: TAIL_FLOOR_B };
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
    this.numbers = new ExpansionNumbers();
    this.objects = [];
    this.points = [];
    return true;
  }

  /** Whether `count` variances fit in the cache at once (a whole kernel's rows and columns, looked up before a store could start over). */
  holds(count: number): boolean {
    return count <= CACHE_LIMIT;
  }

  /**
   * Packs the expansions whose headers are heads[k] (k < count) as columns
   * from + k of `set` (`PackedColumns.pack`): all of them, or with
   * `onlyChanged` those that grew since they were packed.
   */
  pack(set: PackedColumns, from: number, heads: Int32Array, count: number, onlyChanged = false): void {
    set.pack(from, heads, count, this.store.f64, this.numbers.data, STRIDE, onlyChanged);
  }

  /** The expansion whose header is at `header` in the store. */
  of(header: number): Expansion {
    return this.byId(this.store.i32[(header >> 2) + H_ID]);
  }

  /** Expansion `id` as an object, created on first use around what {@link layOut} laid out (and growth since). */
  byId(id: number): Expansion {
    let e = this.objects[id];
    if (e === undefined) {
      e = new Expansion(this.parity, new ShiftedSource(this, this.numbers, id), null, this.slabs, this.store, this.numbers, id);
      this.objects[id] = e;
    }
    return e;
  }

  /** The coefficients held by the expansion whose header is at `header`. */
  lengthAt(header: number): number {
    return this.store.i32[(header >> 2) + H_LENGTH];
  }

  /** E[φ(√q z)²] and E[φ′(√q z)²] of the expansion whose header is at `header`. */
  normAAt(header: number): number {
    return this.store.f64[(header >> 3) + F_NORM_A];
  }

  normBAt(header: number): number {
    return this.store.f64[(header >> 3) + F_NORM_B];
  }

  /**
   * Grows the expansions whose headers are listed in `heads` (sets of them,
   * each with its reach: the largest squared correlation of the entries it
   * will be summed in) to what the largest of their reaches needs, each
   * once (`Expansion.growToReach`; `squared`: the series are in ρ², so the
   * squared correlation is their r): natively, every grid cell in one call,
   * where the library runs ({@link growCells}; on `threads` threads), else
   * in JavaScript, with the same coefficients either way.
   */
  growForReach(heads: readonly Int32Array[], reach: readonly Float64Array[], squared: boolean, bound: number, threads = 1): void {
    const count = this.objects.length;
    if (this.most.length < count) this.most = new Float64Array(Math.max(count, 2 * this.most.length)).fill(-1);
    const { most } = this;
    const { i32 } = this.store;
    heads.forEach((set, s) => {
      const r = reach[s];
      for (let i = 0; i < set.length; i++) {
        const id = i32[(set[i] >> 2) + H_ID];
        if (r[i] > most[id]) most[id] = r[i];
      }
    });
    // Each once, in the order met; `most` is left all −1 again. (Growing may move the store's memory: ids are read first.)
    const cells = new Map<GridPoint, number[]>();
    let listed = 0;
    for (const set of heads) listed += set.length;
    const { inBand: fresh, slot } = this.roomInBand(listed);
    let entering = 0;
    for (const set of heads) {
      for (let i = 0; i < set.length; i++) {
        const id = this.store.i32[(set[i] >> 2) + H_ID];
        const r = most[id];
        if (r < 0) continue;
        most[id] = -1;
        const reachOf = squared ? r : Math.sqrt(r);
        if (!claimReach(this.numbers, STRIDE * id, reachOf)) continue;
        // Those in no band yet (all a first call creates) enter band 0 natively; the others, and those whose grid point is new, join their cells here.
        if (this.numbers.bandEnd[id] < 0 && this.joinsCells(id)) {
          slot[entering] = -2;
          fresh[entering++] = id;
        } else if (!this.joinCell(cells, id)) this.byId(id).growOnToReach(reachOf, bound);
      }
    }
    if (entering > 0) this.growInBand(entering, true, cells, bound, threads);
    this.growCells(cells, () => 0, bound, threads);
  }

  /** {@link inBand} and {@link bandJobs} with room for `count` expansions and for band 0's every slot. */
  private roomInBand(count: number): BandJobs & { inBand: Int32Array } {
    const slots = this.tables.band.slots;
    let work = this.bandJobs;
    if (this.inBand.length < count) {
      const room = Math.max(count, 2 * this.inBand.length);
      this.inBand = new Int32Array(room);
      work = {
        ...work,
        jobs: new Int32Array(JOB * room),
        reach: new Float64Array(room),
        status: new Int32Array(room),
        slot: new Int32Array(room),
        targets: new Int32Array(room),
      };
    }
    if (work.cells.length < CELL * slots || work.counts.length < slots + this.inBand.length) {
      const room = Math.max(slots, (2 * work.cells.length) / CELL);
      work = { ...work, cells: new Int32Array(CELL * room), counts: new Int32Array(room + this.inBand.length) };
    }
    this.bandJobs = work;
    return { ...work, inBand: this.inBand };
  }

  /**
   * Grows the first `count` expansions of {@link inBand} natively, a grid
   * cell of band 0 at a time on each of `threads` threads
   * (`tl_heat_shift_jobs`, then `tl_heat_shift_cells`), with the
   * coefficients {@link joinCell} and {@link growCells} would give them,
   * without an object or a call per expansion: by their reach (`byReach`),
   * or to the lengths in the jobs' targets. Each is in band 0 at the point
   * whose slot the jobs give, or holds no coefficient yet (slot −2) and
   * enters band 0 natively first. Those whose grid point is new, and those
   * that stopped short (for polynomials or room), join `cells`, for
   * {@link growCells}.
   */
  private growInBand(count: number, byReach: boolean, cells: Map<GridPoint, number[]>, bound: number, threads: number): void {
    const { numbers, store, inBand: ids, tables } = this;
    const work = this.roomInBand(count);
    const { jobs, slot, status } = work;
    tables.refreshBand();
    const ncells = nativeHeatShiftJobs(store.f64, numbers, ids, count, byReach, tables.band, this.first, BAND_LENGTH, work);
    let listed = 0;
    for (let i = 0; i < count; i++) {
      if (slot[i] < 0) {
        this.joinCell(cells, ids[i]);
        continue;
      }
      this.points[ids[i]] = tables.bandPoints[slot[i]];
      listed++;
    }
    if (ncells === 0) return;
    nativeHeatShiftCells(store.f64, numbers.data, tables.arena, work.cells, ncells, this.shiftSettings(bound), work, threads);
    for (let e = 0; e < listed; e++) {
      const stop = status[e];
      if (stop === GROWN) continue;
      const id = jobs[JOB * e + 1] / STRIDE;
      if (stop === NEEDS_BLOCKS) ensureBlocks(store, numbers.header[id], 2 * store.i32[(numbers.header[id] >> 2) + H_CAPACITY]);
      this.joinCell(cells, id);
    }
  }

  /** Whether expansion `id` grows natively, by the heat shift ({@link joinCell}): the library runs, its series goes on, and its variance is shifted. */
  private joinsCells(id: number): boolean {
    return nativeLibrary() !== null && this.store.i32[(this.numbers.header[id] >> 2) + H_GROW] !== ENDED && shifted(this.numbers.data[STRIDE * id + Q]);
  }

  /**
   * Adds expansion `id` to the cell of `cells` its next coefficient comes
   * from, for native growth ({@link growCells}); returns false, adding
   * nothing, where it grows in JavaScript: no native library, an ended
   * series, or a tiny variance (whose coefficients are not shifted).
   */
  private joinCell(cells: Map<GridPoint, number[]>, id: number): boolean {
    const { numbers } = this;
    const h = numbers.header[id] >> 2;
    if (!this.joinsCells(id)) return false;
    const point = this.enterBand(numbers, id, hermiteIndex(this.parity, this.store.i32[h + H_LENGTH]));
    const cell = cells.get(point);
    if (cell === undefined) cells.set(point, [id]);
    else cell.push(id);
    return true;
  }

  /**
   * Grows each expansion whose header is listed in `heads` to hold at least
   * lengths[i] coefficients (fewer where its series ends), natively where
   * the library runs (see {@link growCells}; on `threads` threads): what the
   * entries left by a kernel's rows need.
   */
  growTo(heads: ArrayLike<number>, lengths: ArrayLike<number>, threads = 1): void {
    // The longest length asked of each (an expansion may be listed more than once).
    const targets = new Map<number, number>();
    for (let i = 0; i < heads.length; i++) {
      const id = this.store.i32[(heads[i] >> 2) + H_ID];
      if (this.lengthAt(heads[i]) < lengths[i]) targets.set(id, Math.max(lengths[i], targets.get(id) ?? 0));
    }
    const cells = new Map<GridPoint, number[]>();
    const { inBand, slot, targets: lengthOf } = this.roomInBand(targets.size);
    let listed = 0;
    for (const [id, length] of targets) {
      // Those whose next coefficient comes from a point of band 0 in the tables (all the rows leave, nearly) grow natively
      // with no call of their own; the others here.
      const point = this.points[id];
      if (point != null && point.slot >= 0 && this.tables.bandPoints[point.slot] === point && this.joinsCells(id)) {
        const header = this.numbers.header[id];
        if (hermiteIndex(this.parity, this.lengthAt(header)) <= this.numbers.bandEnd[id]) {
          // Room for all it grows to, and the tail after (growing may move the store's memory: headers are read after).
          ensureBlocks(this.store, header, (length >> 2) + 2);
          inBand[listed] = id;
          slot[listed] = point.slot;
          lengthOf[listed++] = length;
          continue;
        }
      }
      if (!this.joinCell(cells, id)) this.byId(id).growA(length);
    }
    if (listed > 0) this.growInBand(listed, false, cells, 0, threads);
    this.growCells(cells, (id) => targets.get(id) as number, 0, threads);
  }

  /**
   * Grows the expansions of `cells` (their indices, by grid point) in native
   * code (`native/heat-shift.c`) to their targets (`target`; 0: to the reach
   * each claimed, see {@link growForReach}), with the same coefficients as
   * {@link Expansion.growA} and {@link Expansion.growOnToReach}: every cell
   * in one call, a cell at a time on each of `threads` threads. Polynomials
   * are built and blocks made room for here, as the native growth asks, and
   * the cells that asked go again; one that would grow past its cell's band
   * goes on in JavaScript, which moves to the next band's grid.
   */
  private growCells(cells: Map<GridPoint, number[]>, target: (id: number) => number, bound: number, threads: number): void {
    const { numbers, stride } = this;
    // Cells by the arena of their polynomials: one, unless the grid tables started over since some of their points were made.
    const byArena = new Map<ShiftArena, GrowingCell[]>();
    for (const [point, ids] of cells) {
      const bandEnd = numbers.bandEnd[ids[0]];
      let kmax = 0;
      for (const id of ids) kmax = Math.max(kmax, hermiteIndex(this.parity, Math.max(this.lengthAt(numbers.header[id]), target(id))) + SHIFT_AHEAD * stride);
      // Those that hold no coefficient yet first: the native growth takes eight of them at a time.
      const fresh = ids.filter((id) => this.lengthAt(numbers.header[id]) === 0);
      const grown = ids.filter((id) => this.lengthAt(numbers.header[id]) > 0);
      const cell = { point, ids: fresh.concat(grown), kmax: Math.min(kmax, bandEnd), bandEnd };
      const { arena } = point.phiShift;
      const list = byArena.get(arena);
      if (list === undefined) byArena.set(arena, [cell]);
      else list.push(cell);
    }
    for (const [arena, list] of byArena) {
      // The largest cells first, so that the threads end together.
      list.sort((x, y) => y.ids.length - x.ids.length);
      this.growOnCells(arena, list, target, bound, threads);
    }
  }

  /** {@link growCells} for cells whose polynomials are in one arena, until none asks for more. */
  private growOnCells(arena: ShiftArena, cells: GrowingCell[], target: (id: number) => number, bound: number, threads: number): void {
    const { numbers, store, first, stride } = this;
    const settings = this.shiftSettings(bound);
    const capacityOf = (id: number) => store.i32[(numbers.header[id] >> 2) + H_CAPACITY];
    let pending = cells;
    while (pending.length > 0) {
      let count = 0;
      for (const cell of pending) count += cell.ids.length;
      if (this.jobs.length < JOB * count) {
        this.jobs = new Int32Array(JOB * count);
        this.reach = new Float64Array(count);
        this.status = new Int32Array(count);
      }
      if (this.cells.length < CELL * pending.length) this.cells = new Int32Array(CELL * pending.length);
      const { jobs, reach, status, cells: described } = this;
      let e = 0;
      pending.forEach((cell, c) => {
        const { point, ids, kmax } = cell;
        point.phiShift.table(first, stride, kmax);
        const series = point.phi;
        // Its jobs, its polynomials, and where its series ends (see `nativeHeatShiftCells`).
        described[CELL * c] = e;
        described[CELL * c + 1] = ids.length;
        described[CELL * c + 2] = point.phiShift.pairs;
        described[CELL * c + 3] = kmax;
        described[CELL * c + 4] = series.complete ? series.length : ENDED;
        for (const id of ids) {
          const header = numbers.header[id];
          // Room for the next coefficient and the tail after its block: the native growth stops at the end of its room, which then doubles.
          ensureBlocks(store, header, (this.lengthAt(header) >> 2) + 2);
          jobs[JOB * e] = header;
          jobs[JOB * e + 1] = STRIDE * id;
          jobs[JOB * e + 2] = capacityOf(id);
          jobs[JOB * e + 3] = target(id);
          // The reach it claimed.
          reach[e++] = numbers.data[STRIDE * id + REACHED];
        }
      });
      nativeHeatShiftCells(store.f64, numbers.data, arena, described, pending.length, settings, { jobs, reach, status }, threads);
      const again: GrowingCell[] = [];
      e = 0;
      for (const cell of pending) {
        const { ids, kmax, bandEnd } = cell;
        const next: number[] = [];
        let polynomials = false;
        for (const id of ids) {
          const stop = status[e++];
          if (stop === NEEDS_BLOCKS) {
            ensureBlocks(store, numbers.header[id], 2 * capacityOf(id));
            next.push(id);
          } else if (stop === NEEDS_POLYNOMIALS) {
            if (kmax < bandEnd) {
              polynomials = true;
              next.push(id);
            } else if (target(id) > 0) {
              this.byId(id).growA(target(id));
            } else {
              this.byId(id).growOnToReach(numbers.data[STRIDE * id + REACHED], bound);
            }
          }
        }
        if (next.length > 0) again.push({ ...cell, ids: next, kmax: polynomials ? Math.min(bandEnd, 2 * kmax + stride) : kmax });
      }
      pending = again;
    }
  }

  /**
   * Makes the band of coefficient k the current one of expansion `id` (of
   * `numbers`), if it is not, and returns its grid point, whose
   * coefficients the heat shift moves to the expansion's variance: the
   * band and the last k it serves, with k, δ, √(q/q₀) and (q/q₀)^{k/2}, go
   * to `numbers` (coefficients are asked in order, so the next power is one
   * product away).
   */
  enterBand(numbers: ExpansionNumbers, id: number, k: number): GridPoint {
    if (k <= numbers.bandEnd[id]) return this.points[id] as GridPoint;
    const d = numbers.data;
    const at = STRIDE * id;
    const q = d[at + Q];
    const band = bandOf(k);
    const point = this.gridPoint(band, q);
    numbers.bandEnd[id] = BAND_LENGTH * 2 ** band;
    this.points[id] = point;
    d[at + SHIFT_K] = k;
    d[at + DELTA] = (q - point.q0) / (2 * point.q0);
    const step = Math.sqrt(q / point.q0);
    d[at + STEP] = step;
    // (q/q₀)^{k/2}: at k = 1, √(q/q₀) itself, as native code enters band 0 (`tl_heat_shift_jobs`).
    d[at + POWER] = k === 1 ? step : Math.pow(q / point.q0, 0.5 * k);
    return point;
  }

  /** The expansion at variance q ≥ 0. */
  at(q: number): Expansion {
    return this.byId(this.idAt(q));
  }

  /** The header of the expansion at variance q ≥ 0 (laid out, not made an object). */
  headerAt(q: number): number {
    // The lookup first: it may grow the arrays of `numbers`.
    const id = this.idAt(q);
    return this.numbers.header[id];
  }

  /**
   * The headers of the expansions at q[k], k < n, to heads[k], each laid out
   * where new: natively where the library runs (`native/expansions-at.c`,
   * the same expansions as {@link headerAt}, for the variances its norm grid
   * serves; the others here), else by {@link headerAt} and
   * {@link headerAfter}. A kernel's diagonal and rows look up hundreds at a
   * time, most of them new in a first call. Returns how many it laid out
   * natively.
   */
  headersOf(q: Float64Array, n: number, heads: Int32Array): number {
    if (nativeLibrary() === null) {
      for (let k = 0; k < n; k++) heads[k] = k === 0 ? this.headerAt(q[0]) : this.headerAfter(heads[k - 1], q[k]);
      return 0;
    }
    const norms = this.tables.normTable;
    const id0 = this.objects.length;
    this.cache.reserve(n);
    this.numbers.reserve(id0 + n - 1);
    const count = nativeExpansionsEnter(this.cache, q, n, heads, this.numbers, id0, norms);
    if (count > 0) {
      const region = this.store.alloc(count * (HEADER_BYTES + INITIAL_BLOCKS * BLOCK_BYTES));
      nativeExpansionsLayOut(this.store.f64, this.numbers, id0, count, region, INITIAL_BLOCKS, norms);
      this.cache.size += count;
      for (let m = 0; m < count; m++) {
        this.objects.push(undefined);
        this.points.push(null);
      }
    }
    for (let k = 0; k < n; k++) {
      // Tiny variances, and those whose norm point is new, are laid out here (which may grow the numbers' arrays: read them anew).
      if (heads[k] === -1) heads[k] = this.headerAt(q[k]);
      else if (heads[k] < 0) heads[k] = this.numbers.header[id0 - 2 - heads[k]];
    }
    return count;
  }

  /** The header of the expansion at q, looked up after the one whose header is `previous` (a pointer chase when lookups repeat in the same order). */
  headerAfter(previous: number, q: number): number {
    const p = this.store.i32[(previous >> 2) + H_ID];
    if (this.numbers.data[STRIDE * p + NEXT_Q] === q) return this.numbers.header[this.numbers.next[p]];
    const id = this.idAt(q);
    // Read after the lookup, which may have grown them.
    const { numbers } = this;
    numbers.data[STRIDE * p + NEXT_Q] = q;
    numbers.next[p] = id;
    return numbers.header[id];
  }

  /** The expansion at q, looked up after `previous` (see {@link headerAfter}). */
  after(previous: Expansion, q: number): Expansion {
    return this.of(this.headerAfter(previous.header, q));
  }

  /** The index of the expansion at variance q ≥ 0, laid out when it is new. */
  private idAt(q: number): number {
    const known = this.cache.get(q);
    if (known >= 0) return known;
    const id = this.objects.length;
    this.create(q, id);
    this.cache.set(q, id);
    return id;
  }

  /**
   * Lays out expansion `id` at q ({@link layOut}): by the heat shift from
   * the grids, as data alone, or, for a tiny variance, with an object
   * holding its own sources.
   */
  private create(q: number, id: number): void {
    const { phi, grad, parity, store, numbers } = this;
    let sources: [CoefficientSource, CoefficientSource] | null = null;
    if (!(q > 0)) {
      // φ(0·z) = φ(0): constant series.
      const a0 = phi(0);
      const b0 = grad(0);
      layOut(store, numbers, id, q, a0 * a0, b0 * b0, false);
      sources = [new ConstantSource(a0), new ConstantSource(b0)];
    } else if (!shifted(q)) {
      const s = Math.sqrt(q);
      const a = new HermiteSeries(phi, s, this.where, undefined, 0, vanishing(parity));
      // φ′ has the other parity.
      const b = new HermiteSeries(grad, s, this.where, a.range, a.firstLevel, parity === 'none' ? -1 : ((1 - vanishing(parity)) as 0 | 1));
      layOut(store, numbers, id, q, a.norm2, b.norm2, false);
      sources = [new DirectSource(a), new DirectSource(b)];
    } else {
      const norms = this.normPoint(q);
      const delta = (q - norms.q0) / (2 * norms.q0);
      layOut(store, numbers, id, q, norms.phiSquaredShift.evaluate(0, delta), norms.gradSquaredShift.evaluate(0, delta), true);
    }
    this.points.push(null);
    this.objects.push(sources === null ? undefined : new Expansion(parity, sources[0], sources[1], this.slabs, store, numbers, id));
  }

  /** The point of band b's grid nearest to q (created on first use). */
  gridPoint(band: number, q: number): GridPoint {
    const perOctave = GRID_PER_OCTAVE * 2 ** band;
    const g = gridIndex(q, perOctave);
    const key = band * 2 ** 24 + 2 ** 23 + g;
    const { grid } = this.tables;
    let point = grid.get(key);
    if (point === undefined) {
      const q0 = 2 ** (g / perOctave);
      const series = new HermiteSeries(this.phi, Math.sqrt(q0), this.where, undefined, 0, vanishing(this.parity));
      point = {
        q0,
        phi: series,
        phiShift: new ShiftPolynomials(series, cellDelta(perOctave), SHIFT_CUTOFF * Math.sqrt(series.norm2), this.tables.arena),
        slot: -1,
      };
      grid.set(key, point);
      if (band === 0) {
        // The polynomials a first growth in its cell asks for (see growCells), so that native code can enter and grow expansions there.
        const { first, stride } = this;
        point.phiShift.table(first, stride, Math.min(first + SHIFT_AHEAD * stride, BAND_LENGTH));
        this.tables.tableBand(g, point);
      }
      this.tables.added();
    }
    return point;
  }

  /** The point of the grid of E[φ²] and E[φ′²] nearest to q (created on first use). */
  private normPoint(q: number): NormPoint {
    const g = gridIndex(q, NORM_PER_OCTAVE);
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
      this.tables.tableNorms(g, point);
      this.tables.added();
    }
    return point;
  }
}
