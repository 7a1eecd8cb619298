import { cpuFlags } from '../cpu-flags';
import type { SeriesStore } from '../simd/series';
import type { Expansion } from '../special/variance-expansions';
import { nativeLibrary } from './library';

/** Rows of a packed set before its blocks: q22, 1/√q22, coefficients held, `grow at`, header address, Stein flag (as `mehler-rows.c`). */
const HEADER_ROWS = 6;
/** Rows per block of four coefficients: the block's tail, then x_{4b}…x_{4b+3}. */
const BLOCK_ROWS = 5;
/** Entries per vector in `mehler-rows.c`: a row may read this many columns past its last. */
const LANES = 8;
/**
 * Blocks a column holds at most (256 coefficients: most entries need tens).
 * The set is a dense array, every column as long as its longest: one series
 * summed far (inputs almost alike, correlation near 1) would otherwise make
 * it columns × that length. Entries that need more are summed from the store.
 */
const MAX_BLOCKS = 64;

/**
 * The expansions of a set of columns (the variances along a kernel's rows)
 * packed for `mehler-rows.c`: row r of the set holds one number per column,
 * ncap apart, so that eight neighbouring entries of a kernel row read their
 * columns' coefficients with one load. Rows 0–5 describe each column's
 * expansion (see HEADER_ROWS); block b's rows follow: the tail before
 * coefficient 4b, then the four coefficients. A column holds the
 * coefficients its expansion had when packed; packing again with
 * `onlyChanged` catches up after the expansion grows. Coefficients never
 * change once computed, so a packed copy is never wrong, only possibly short
 * — and an entry that runs past it is deferred and summed from the store
 * instead.
 */
export class PackedColumns {
  data: Float64Array;
  /** Numbers per row: the set's capacity and a vector's overrun. */
  readonly ncap: number;
  private blocks = 4;
  /** The coefficients each column's expansion held when packed, or ENDED (`series.ts`). */
  private readonly held: Int32Array;

  constructor(capacity: number) {
    this.ncap = capacity + LANES;
    this.held = new Int32Array(this.ncap);
    this.data = new Float64Array((HEADER_ROWS + BLOCK_ROWS * this.blocks) * this.ncap);
  }

  /**
   * Packs columns from + k (k < count) from the expansions whose headers
   * are heads[k] (in the store whose memory is `f64`, their variances at
   * numbers[stride · id]), natively (`tl_mehler_pack`): all of them, or with
   * `onlyChanged` those that grew since they were packed. A column holds at
   * most MAX_BLOCKS blocks; blocks past a column's length keep what they
   * held: no lane reads them while it sums (its length stops it first).
   */
  pack(from: number, heads: Int32Array, count: number, f64: Float64Array, numbers: Float64Array, stride: number, onlyChanged = false): void {
    const lib = nativeLibrary()!;
    for (;;) {
      const { data, ncap, blocks, held } = this;
      const needed = lib.mehlerPack(f64, heads, count, numbers, stride, data, ncap, blocks, held, from, onlyChanged ? 1 : 0, 4 * MAX_BLOCKS) as number;
      if (needed === 0) return;
      this.reserve(needed);
    }
  }

  /** Room for `count` blocks: the blocks' rows come last, so the packed columns stay where they are. */
  private reserve(count: number): void {
    this.blocks = Math.max(count, Math.min(2 * this.blocks, MAX_BLOCKS + 1));
    const grown = new Float64Array((HEADER_ROWS + BLOCK_ROWS * this.blocks) * this.ncap);
    grown.set(this.data);
    this.data = grown;
  }
}

/** The packed set of {@link scratchColumns}. */
let scratch: PackedColumns | null = null;

/**
 * A packed set for `capacity` columns, one per thread, to be packed anew by
 * each whole kernel (`Activation.dualMatrix`): its memory, once grown, is
 * reused by every later kernel, where a set of its own would be fresh memory
 * each time — page faults that cost more than packing (measured: ~270 per
 * kernel of 400 inputs, about its set's size).
 */
export function scratchColumns(capacity: number): PackedColumns {
  if (scratch === null || scratch.ncap < capacity + LANES) scratch = new PackedColumns(capacity);
  return scratch;
}

/** The packed set of {@link listColumns}. */
let listScratch: PackedColumns | null = null;

/** A packed set for `capacity` columns, one per thread, for the entries of a list (`nativeMehlerList`), packed anew by each. */
export function listColumns(capacity: number): PackedColumns {
  if (listScratch === null || listScratch.ncap < capacity + LANES) listScratch = new PackedColumns(capacity);
  return listScratch;
}

/** Whether {@link nativeMehlerRow} runs here (the native library is loaded: the CPU has AVX2 at least). */
export function nativeMehler(): boolean {
  return nativeLibrary() !== null;
}

/** Entries per vector in the native sums: 8 with AVX-512, else 4 (AVX2). */
let lanes = 0;

function laneCount(): number {
  if (lanes === 0) lanes = cpuFlags().has('avx512f') ? 8 : 4;
  return lanes;
}

/**
 * Sums with AVX2's four lanes even where AVX-512 has eight (the same bits:
 * tests compare them); 8 where the CPU has AVX-512. Internal, for tests.
 */
export function useMehlerLanes(count: 4 | 8): void {
  if (count === 8 && !cpuFlags().has('avx512f')) throw new Error('useMehlerLanes(8): this CPU has no AVX-512');
  lanes = count;
}

/** Numbers per entry a native row leaves (`LEFT` of `mehler-rows.c`): row, column (counted from the row's first), need (−1: a tiny variance's own series of φ′), q12, ρ, √(q11 q22). */
export const LEFT = 6;

/**
 * Entries k < n of a row of Mehler sums in native code (`mehler-rows.c`):
 * the row of expansion e1 at variance q11, q12[k], columns j0 + k of
 * `packed`. Finished entries go to t and tDot; those it cannot finish (their
 * series must grow first) are listed in `out` (LEFT numbers each, room for
 * n). Returns how many were listed. Call only where {@link nativeMehler}
 * holds.
 */
export function nativeMehlerRow(
  store: SeriesStore,
  e1: Expansion,
  q11: number,
  q12: Float64Array,
  packed: PackedColumns,
  j0: number,
  t: Float64Array,
  tDot: Float64Array | null,
  out: Float64Array,
  n: number,
  limit: number,
  mode: number,
  split2: number,
  slope2: number,
): number {
  return nativeLibrary()!.mehlerRow(
    laneCount(),
    store.f64,
    e1.header,
    q11,
    q12,
    packed.data,
    packed.ncap,
    j0,
    t,
    tDot,
    out,
    n,
    limit,
    mode,
    split2,
    slope2,
  ) as number;
}

/** What {@link nativeMehlerRows} works on: rows of a kernel in place, and where their expansions are. */
export interface MehlerRowsJob {
  nngp: Float64Array;
  ntk: Float64Array | null;
  /**
   * The dense map each entry is read through first (Lee et al. 2019, eqs.
   * (S3), (S6): q12 ← a·q12 + b, Θ ← c·Θ + d·q12 + e, as `affine_step` of
   * `deferred-rows.c`), a, b, c, d, e; null: none. An entry the rows leave
   * holds its values mapped.
   */
  map: Float64Array | null;
  /** Θ below the map is zero: taken as 0, not read (`KernelAffine.thetaZero`). */
  thetaZero: boolean;
  /**
   * The dense map after the activation, a, b, c, d, e (null: none), through
   * which each entry the rows finish goes on, with the arithmetic of
   * `affine_step` (`deferred-rows.c`); Θ taken as 0 with `tailThetaZero`.
   */
  tail: Float64Array | null;
  tailThetaZero: boolean;
  /**
   * Mirror the rows below the diagonal as they are summed (a symmetric
   * kernel): the rows are then taken eight at a time, and each list needs
   * room for eight rows' entries.
   */
  fillLower: boolean;
  n2: number;
  symmetric: boolean;
  /** The header of each row's expansion, and its variance. */
  heads1: Int32Array;
  q11: Float64Array;
  packed: PackedColumns;
}

/** Rows the native rows take at a time: eight when mirrored (`MIRROR_ROWS` of `mehler-rows.c`), else two (`ROWS_AT_ONCE`). */
export function rowsAtOnce(fillLower: boolean): number {
  return fillLower ? 8 : 2;
}

/**
 * Rows of a kernel through one numerical activation in place, in native
 * code: 𝒦 ← 𝒯(𝒦), Θ ← Θ·𝒯̇(𝒦) (Lee et al. 2019, eqs. S3, S6), each entry
 * read through the job's dense map first (and, finished, through its tail
 * after, mirrored with `fillLower`), entries j ≥ i when symmetric:
 * rows rows[0] to rows[1], taken a few at a time by `threads` threads (1 or
 * 2: this one and a pooled native one), whichever is free. Entries that
 * cannot be finished there are left as they were and listed in the buffer
 * of the thread that took their row (left0, left1: LEFT numbers each, the
 * same room, at least {@link rowsAtOnce} rows' entries), and a thread stops
 * before taking rows whose entries might not fit in what room its buffer has
 * left. Sets rows[0] to the first row not taken (those before it are done),
 * and returns how many entries each buffer holds.
 */
export function nativeMehlerRows(
  store: SeriesStore,
  job: MehlerRowsJob,
  rows: Int32Array,
  threads: number,
  left0: Float64Array,
  left1: Float64Array,
  limit: number,
  mode: number,
  split2: number,
  slope2: number,
): [number, number] {
  const { nngp, ntk, n2, symmetric, heads1, q11, packed, map, thetaZero, tail, tailThetaZero, fillLower } = job;
  const out = new Int32Array(3);
  nativeLibrary()!.mehlerRows(
    laneCount(),
    store.f64,
    heads1,
    q11,
    nngp,
    ntk,
    n2,
    symmetric ? 1 : 0,
    rows,
    threads,
    packed.data,
    packed.ncap,
    left0,
    left1,
    Math.min(left0.length, left1.length) / LEFT,
    out,
    limit,
    mode,
    split2,
    slope2,
    map,
    thetaZero ? 1 : 0,
    tail,
    tailThetaZero ? 1 : 0,
    fillLower ? 1 : 0,
  );
  rows[0] = out[0];
  return [out[1], out[2]];
}

/**
 * Entries k < count of a list, in native code (`mehler-rows.c`): entry k
 * of row rows[k] of `job` (its expansion's header and variance), with
 * q12[k] given and its column packed as column k of `packed`; consecutive
 * entries of one row are summed as a row. Finished entries go to t and
 * tDot (null: 𝒯 alone); those it cannot finish are listed in `out` (LEFT
 * numbers each, their column their index in the list; room for count).
 * Returns how many were listed.
 */
export function nativeMehlerList(
  store: SeriesStore,
  job: Pick<MehlerRowsJob, 'heads1' | 'q11'>,
  rows: Int32Array,
  q12: Float64Array,
  count: number,
  packed: PackedColumns,
  t: Float64Array,
  tDot: Float64Array | null,
  out: Float64Array,
  limit: number,
  mode: number,
  split2: number,
  slope2: number,
): number {
  return nativeLibrary()!.mehlerList(
    laneCount(),
    store.f64,
    job.heads1,
    job.q11,
    rows,
    q12,
    count,
    packed.data,
    packed.ncap,
    t,
    tDot,
    out,
    limit,
    mode,
    split2,
    slope2,
  ) as number;
}

/** Room for the reciprocals of the columns' variances in `tl_mehler_reach`, and for a second thread's columns' reach. */
let reachScratch = new Float64Array(0);

/**
 * The reach of each row and column of an n1 × n2 kernel (`nngp`, the
 * activation's input) into reach1 and reach2: the largest squared
 * correlation q12²/(q11 q22) of an entry to be summed (j ≥ i when
 * symmetric), diagonal entries aside (see `Expansion.growToReach`), each
 * q12 read through the dense map `map` first where given (a, b, …: a·q12 + b,
 * as {@link nativeMehlerRows} reads it); on `threads` threads (1 or 2), half
 * the entries each.
 */
export function nativeMehlerReach(
  nngp: Float64Array,
  var1: Float64Array,
  var2: Float64Array,
  n1: number,
  n2: number,
  symmetric: boolean,
  reach1: Float64Array,
  reach2: Float64Array,
  map: Float64Array | null = null,
  threads = 1,
): void {
  if (reachScratch.length < 2 * n2) reachScratch = new Float64Array(2 * n2);
  nativeLibrary()!.mehlerReach(nngp, var1, var2, n1, n2, symmetric ? 1 : 0, reach1, reach2, reachScratch, map, threads);
}
