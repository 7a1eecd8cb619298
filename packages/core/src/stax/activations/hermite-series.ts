import { InputError } from '../../errors';
import {
  LEFT,
  listColumns,
  nativeMehler,
  nativeMehlerList,
  nativeMehlerReach,
  nativeMehlerRow,
  nativeMehlerRows,
  rowsAtOnce,
  PackedColumns,
  scratchColumns,
  type MehlerRowsJob,
} from '../../native/mehler-rows';
import { mehlerRow, seriesMode, sumLimit } from '../../special/mehler-series';
import type { SeriesStore } from '../../simd/series';
import { VarianceExpansions, type Expansion, type Parity } from '../../special/variance-expansions';
import type { Activation } from '../activation';
import type { DualMatrixJob } from '../dual-rows';
import { threadsFor } from '../../workers/pool';

/** The default `tol` of smooth numerical activations: relative error of their NNGP and NTK. */
export const DEFAULT_TOL = 1e-10;

/**
 * Share of `tol` each dual evaluation may use. Errors of successive layers
 * add up, but the bound each series is summed to (Cauchy–Schwarz on the whole
 * tail) is far above the error it leaves: measured, two layers at tol = 1e−10
 * stay below 3e−11 (see the activations benchmark and elementwise tests).
 */
const PER_LAYER = 1;

/** A row's columns in a series store: the byte addresses of their variances and of their expansions' headers, and, where the native sums run, their expansions packed. */
interface KnownColumns {
  q: number;
  heads: number;
  length: number;
  capacity: number;
  packed: PackedColumns | null;
}

/**
 * Shortest row summed natively: a native call costs about as much as a few
 * entries summed on WebAssembly, and single entries (`dual`, which spatial
 * kernels call per pair of positions) would each pay it and pack a set.
 */
const NATIVE_ROW = 8;

/** Entries the native rows of a whole kernel may leave before they stop for them to be summed (besides room for the rows they take at once). */
const LEFT_ROOM = 1024;

/**
 * Whole kernels grow each expansion as if its partners' tails were up to
 * 1/REACH_MARGIN times its own: `Expansion.growToReach` with bound
 * REACH_MARGIN·tol/2 instead of tol/2. At tol/2, an entry whose partner has
 * the larger variance (a slower-decaying series) can need more of the
 * shorter expansion than its own reach grew, and is left by the rows, to be
 * grown and summed one entry at a time. Measured on 400 inputs of different
 * norms (`bench/activations.bench.ts`, a first call of tanh, both orders of
 * each pair of builds in one process): 126 of the 160,000 entries left at
 * tol/2, none to 5 at a tenth of it, and the call 3–5% faster, growth
 * included; from 0.05 to 0.3 the times are within the noise.
 */
const REACH_MARGIN = 0.1;

/** Whether whole kernels grow every expansion to its reach before summing (see `dualMatrix` below). */
let reachFirst = true;

/**
 * Whole kernels of numerical activations grow each expansion to its reach
 * before summing (true, the default), or only as the entries left by the
 * rows need (false), which sends many more entries down the paths for
 * entries left. Internal, for tests of those paths; the bits are the same.
 */
export function useGrowthToReach(on: boolean): void {
  reachFirst = on;
}

/** Entries of whole kernels left by the native rows on this thread, since it started: summed natively as a list, or from the store. Internal, for tests and benchmarks. */
export const leftEntryCounts = { list: 0, store: 0 };

/** Sets of columns remembered per activation: one per layer it serves, in a network of a few. */
const KNOWN_SETS = 4;

/** Checks a `tol` option: a relative accuracy between 1e−14 and 1e−2. */
export function checkTol(where: string, tol: unknown): number {
  if (typeof tol !== 'number' || !(tol >= 1e-14 && tol <= 1e-2)) {
    throw new InputError(`${where}: tol must be a number between 1e-14 and 1e-2 (the relative accuracy of the kernels), got ${String(tol)}`);
  }
  return tol;
}

/**
 * The dual of a smooth activation by Mehler's formula (see
 * `special/mehler-series.ts`): the Hermite coefficients of φ(√q z) and
 * φ′(√q z) are computed once per distinct variance q (see
 * `special/variance-expansions.ts`), after which each kernel entry is a short
 * series in the correlation ρ = q12/√(q11 q22) — tens to a few hundred terms
 * instead of the degree² evaluations of φ of 2-D quadrature. Series lengths
 * and quadrature steps follow from `tol`: each 𝒯 and 𝒯̇ is within tol of
 * the exact value relative to √(𝒯(q11)𝒯(q22)) (resp. 𝒯̇), by the
 * Cauchy–Schwarz bound on the neglected terms.
 *
 * A φ that is odd or even up to a constant or a linear term (sigmoid =
 * ½ + odd, softplus and swish = x/2 + even; see {@link paritySplit}) is
 * summed as that part, whose series are in ρ², plus the term's closed form.
 *
 * Kernels call it a row at a time (`dualRow`, the expansion of q11 looked up
 * once per row); `dual` is a row of one entry, so both give the same values.
 * The dual depends on its arguments alone (caches only remember results), so
 * tiled and untiled kernels agree bit for bit. It is entry-wise: a spatial
 * version applies it per pair of positions with each position's variance,
 * and the per-variance expansions serve every position alike.
 */
export function hermiteSeriesActivation(name: string, fn: (x: number) => number, grad: (x: number) => number, tol: number): Omit<Activation, 'localOnly'> {
  const tau = PER_LAYER * tol;
  const split = paritySplit(fn);
  const { constant, slope } = split;
  // ψ = φ − c − s·x has only coefficients of one parity (or φ has none to split off).
  const psi = constant === 0 && slope === 0 ? fn : (x: number) => fn(x) - constant - slope * x;
  const psiGrad = slope === 0 ? grad : (x: number) => grad(x) - slope;
  const expansions = new VarianceExpansions(psi, psiGrad, split.parity, name);
  // E[(c + s·u + ψ(u))(c + s·v + ψ(v))] = c² + s²·q12 + E[ψ(u)ψ(v)]: the cross terms pair
  // coefficients of different parity (ψ has a_0 = 0 when odd, a_1 = 0 when even). Likewise
  // E[(s + ψ′(u))(s + ψ′(v))] = s² + E[ψ′(u)ψ′(v)].
  const split2 = constant * constant;
  const slope2 = slope * slope;
  let rowQ = NaN;
  let row: Expansion | null = null;
  let column: Expansion | null = null;
  // The header of the expansion of the last diagonal entry `dual` saw (−1: none): a kernel's diagonal comes in the order of its rows, which `headers` then follows.
  let diagonal = -1;
  // The columns of the last rows looked up, in the store: their variances and their expansions' headers.
  let known: KnownColumns[] = [];
  let knownStore: SeriesStore | null = null;
  let replaced = 0;
  let heads = new Int32Array(64);
  /**
   * Points the store's row at the columns' variances and headers: a suffix
   * of columns looked up before when q22 is one (as along the rows of a
   * kernel, which run over the same columns from the diagonal on, one set of
   * columns per layer the activation serves), else looked up anew.
   */
  const columns = (q11: number, e1: Expansion, q22: Float64Array, n: number): { set: KnownColumns; from: number } => {
    const store = expansions.store;
    const buffers = store.row;
    if (knownStore !== store) {
      known = [];
      knownStore = store;
    }
    const f64 = store.f64;
    for (const set of known) {
      if (n > set.length) continue;
      const from = set.length - n;
      const at = (set.q >> 3) + from;
      let k = 0;
      while (k < n && f64[at + k] === q22[k]) k++;
      if (k === n) {
        buffers.q22 = set.q + 8 * from;
        buffers.cols = set.heads + 4 * from;
        return { set, from };
      }
    }
    if (heads.length < n) heads = new Int32Array(Math.max(n, 2 * heads.length));
    let e2 = column;
    for (let k = 0; k < n; k++) {
      const q = q22[k];
      // Along a row q22 runs through the columns' variances in the order of the row before.
      e2 = q === q11 ? e1 : e2 === null ? expansions.at(q) : expansions.after(e2, q);
      heads[k] = e2.header;
    }
    column = e2;
    let set: KnownColumns;
    if (known.length < KNOWN_SETS) {
      set = { q: 0, heads: 0, length: 0, capacity: 0, packed: null };
      known.push(set);
    } else {
      set = known[replaced];
      replaced = (replaced + 1) % KNOWN_SETS;
    }
    if (n > set.capacity) {
      // Even, for the pairs of the correlations pass (`simd/series.wat`).
      set.capacity = Math.max(n + (n & 1), 2 * set.capacity);
      set.q = store.alloc(8 * set.capacity);
      set.heads = store.alloc(4 * set.capacity);
      set.packed = null;
    }
    // Read the store's views after the lookups: creating expansions may have moved its memory.
    store.f64.set(q22.subarray(0, n), set.q >> 3);
    store.i32.set(heads.subarray(0, n), set.heads >> 2);
    set.length = n;
    if (native && n >= NATIVE_ROW) {
      set.packed ??= new PackedColumns(set.capacity);
      expansions.pack(set.packed, 0, heads, n);
    }
    buffers.q22 = set.q;
    buffers.cols = set.heads;
    return { set, from: 0 };
  };
  const native = nativeMehler();
  const limit = sumLimit(tau);
  // The entries native rows leave (LEFT numbers each), and the store's columns for summing them (their q22 and headers).
  let leftEntries = new Float64Array(0);
  // Those of the second part of a whole kernel's rows, when two threads sum them (`dualMatrix`).
  let leftEntries2 = new Float64Array(0);
  let settleAt = { q22: 0, cols: 0, capacity: 0, store: null as SeriesStore | null };
  // Entries gathered for `sumFromStore`: q12, q22 and the header of the column's expansion.
  let gathered = { q12: new Float64Array(0), q22: new Float64Array(0), heads: new Int32Array(0) };
  const gather = (count: number) => {
    if (gathered.q12.length < count) {
      const capacity = Math.max(count, 2 * gathered.q12.length);
      gathered = { q12: new Float64Array(capacity), q22: new Float64Array(capacity), heads: new Int32Array(capacity) };
    }
    return gathered;
  };
  /**
   * Sums the first `count` entries `gathered` holds, of the row of e1
   * (variance q11), from the store, as a row of their own (`mehlerRow`,
   * which grows their expansions first): entry k's values at index k of the
   * store's row.
   */
  const sumFromStore = (e1: Expansion, q11: number, count: number, wantDot: boolean) => {
    const store = expansions.store;
    if (settleAt.store !== store || settleAt.capacity < count) {
      // A new store (the cache started over) starts from what this row needs: doubling the old store's capacity on every start-over grew it without bound.
      const capacity = settleAt.store !== store ? count : Math.max(count, 2 * settleAt.capacity);
      settleAt = { q22: store.alloc(8 * capacity), cols: store.alloc(4 * capacity), capacity, store };
    }
    const row = store.rows(count);
    row.q22 = settleAt.q22;
    row.cols = settleAt.cols;
    const { f64, i32 } = store;
    f64.set(gathered.q12.subarray(0, count), row.q12 >> 3);
    f64.set(gathered.q22.subarray(0, count), row.q22 >> 3);
    i32.set(gathered.heads.subarray(0, count), row.cols >> 2);
    mehlerRow(e1, expansions, q11, count, tau, split2, slope2, wantDot);
  };
  /**
   * Sums the first `count` entries a native row of e1 (variance q11) left
   * in `leftEntries` from the store (see {@link sumFromStore}) and packs
   * their columns again. An entry's column j (counted from the row's first)
   * has variance q22[j], its expansion's header heads[j], and is column
   * from + j of `packed`.
   */
  const sumLeft = (e1: Expansion, q11: number, q22: Float64Array, heads: Int32Array, from: number, packed: PackedColumns, count: number, wantDot: boolean) => {
    const g = gather(count);
    for (let k = 0; k < count; k++) {
      const at = LEFT * k;
      const j = leftEntries[at + 1];
      g.q12[k] = leftEntries[at + 3];
      g.q22[k] = q22[j];
      g.heads[k] = heads[j];
    }
    sumFromStore(e1, q11, count, wantDot);
    expansions.pack(packed, from, heads, heads.length, true);
  };
  /** Forgets the last row's, column's and diagonal's expansions when the cache has started over in a new store. */
  const startRow = () => {
    if (expansions.startRow()) {
      rowQ = NaN;
      column = null;
      diagonal = -1;
    }
  };
  const dualRow = (q11: number, q12: Float64Array, q22: Float64Array, n: number, t: Float64Array, tDot: Float64Array | null) => {
    startRow();
    // q11 is fixed along a row of the kernel: remember its expansion.
    if (q11 !== rowQ) {
      row = expansions.at(q11);
      rowQ = q11;
    }
    const e1 = row as Expansion;
    const store = expansions.store;
    const buffers = store.rows(n);
    const { set, from } = columns(q11, e1, q22, n);
    if (set.packed !== null && n >= NATIVE_ROW) {
      // Natively, the entries it leaves summed from the store afterwards.
      if (leftEntries.length < LEFT * n) leftEntries = new Float64Array(LEFT * Math.max(n, 2 * (leftEntries.length / LEFT)));
      const listed = nativeMehlerRow(
        store,
        e1,
        q11,
        q12,
        set.packed,
        from,
        t,
        tDot,
        leftEntries,
        n,
        limit,
        seriesMode(split.parity, tDot !== null),
        split2,
        slope2,
      );
      if (listed === 0) return;
      const heads = store.i32.slice((set.heads >> 2) + from, (set.heads >> 2) + from + n);
      sumLeft(e1, q11, q22, heads, from, set.packed, listed, tDot !== null);
      const f = store.f64;
      for (let k = 0; k < listed; k++) {
        const j = leftEntries[LEFT * k + 1];
        t[j] = f[(buffers.t >> 3) + k];
        if (tDot !== null) tDot[j] = f[(buffers.tDot >> 3) + k];
      }
      return;
    }
    store.f64.set(q12.subarray(0, n), buffers.q12 >> 3);
    mehlerRow(e1, expansions, q11, n, tau, split2, slope2, tDot !== null);
    const f64 = store.f64;
    t.set(f64.subarray(buffers.t >> 3, (buffers.t >> 3) + n));
    if (tDot !== null) tDot.set(f64.subarray(buffers.tDot >> 3, (buffers.tDot >> 3) + n));
  };
  /** The headers of the expansions of `q`, looked up in order. */
  const headers = (q: Float64Array, n: number): Int32Array => {
    const heads = new Int32Array(n);
    expansions.headersOf(q, n, heads);
    return heads;
  };
  /**
   * The whole kernel through the dual in native code (`mehler-rows.c`, rows
   * in vectors of eight entries, or four, over the packed columns, with no
   * call per row). Every expansion is looked up first and grown to what the
   * largest correlation of its entries needs (`Expansion.growToReach`, with
   * REACH_MARGIN), so that nearly every entry finishes in the rows; an entry
   * left there (one of its expansions fell short of what its partner's tail
   * asks) is summed once its shorter expansion has grown to the longer one's
   * length, where its sum stops at the latest (see `growToReach`): natively,
   * as a list, or from the store, which grows the expansions as it goes, for
   * what the packed columns cannot finish.
   */
  const dualMatrix = (job: DualMatrixJob) => {
    const { n1, n2, var1, var2, nngp, ntk, affine } = job;
    const map = Float64Array.of(affine.a, affine.b, affine.c, affine.d, affine.e);
    const tail = job.tail ?? null;
    const fillLower = job.fillLower === true && job.symmetric;
    startRow();
    // Two threads where two are to be used, this one and a pooled native one: for the growth, a grid cell at a time each, and for the rows, each taking the next rows not taken.
    const threads = threadsFor(n1 * n2) > 1 ? 2 : 1;
    const heads1 = headers(var1, n1);
    // A symmetric kernel's columns are its rows.
    const heads2 = job.symmetric ? heads1 : headers(var2, n2);
    if (reachFirst) {
      const reach1 = new Float64Array(n1);
      const reach2 = new Float64Array(n2);
      nativeMehlerReach(nngp, var1, var2, n1, n2, job.symmetric, reach1, reach2, map, threads);
      expansions.growForReach([heads1, heads2], [reach1, reach2], split.parity !== 'none', REACH_MARGIN * Math.sqrt(limit), threads);
    }
    const store = expansions.store;
    const packed = scratchColumns(n2);
    expansions.pack(packed, 0, heads2, n2);
    // Room for the rows taken at once (two, summed together where they can, or eight mirrored together), and LEFT_ROOM
    // entries more: a thread takes rows only while its list has room for all their entries, and each time it stops, the
    // rows go on after the entries left are summed.
    const room = rowsAtOnce(fillLower) * n2 + LEFT_ROOM;
    if (leftEntries.length < LEFT * room) leftEntries = new Float64Array(LEFT * room);
    const mode = seriesMode(split.parity, ntk !== null);
    const rowsJob = {
      nngp,
      ntk,
      n2,
      symmetric: job.symmetric,
      heads1,
      q11: var1,
      packed,
      map,
      thetaZero: affine.thetaZero === true,
      tail: tail === null ? null : Float64Array.of(tail.a, tail.b, tail.c, tail.d, tail.e),
      tailThetaZero: tail?.thetaZero === true,
      fillLower,
    };
    // The entries each thread's rows leave are summed between rounds.
    if (threads === 2 && leftEntries2.length < LEFT * room) leftEntries2 = new Float64Array(LEFT * room);
    const rows = Int32Array.of(0, n1);
    const lists = [leftEntries, threads === 2 ? leftEntries2 : leftEntries];
    while (rows[0] < rows[1]) {
      let [first, second] = nativeMehlerRows(store, rowsJob, rows, threads, lists[0], lists[1], limit, mode, split2, slope2);
      // Both threads' entries in one list where they fit (a row's entries stay together): one growth and one packing for all.
      if (second > 0 && first + second <= room) {
        lists[0].set(lists[1].subarray(0, LEFT * second), LEFT * first);
        first += second;
        second = 0;
      }
      if (first > 0) finishLeft(rowsJob, heads2, var2, lists[0], first, mode, threads);
      if (second > 0) finishLeft(rowsJob, heads2, var2, lists[1], second, mode, threads);
    }
  };
  /**
   * Writes entry (i, j) of a job's kernel, which the rows left: 𝒯 = t and
   * Θ·𝒯̇ (its NTK entry holds Θ), then, as the rows do with the entries they
   * finish, through the job's tail (the arithmetic of `affine_step` in
   * `deferred-rows.c`) and mirrored below the diagonal with `fillLower`.
   */
  const put = (job: MehlerRowsJob, i: number, j: number, t: number, tDot: number) => {
    const { nngp, ntk, n2, tail } = job;
    const at = i * n2 + j;
    if (tail === null) {
      nngp[at] = t;
      if (ntk !== null) ntk[at] *= tDot;
    } else {
      const theta = job.tailThetaZero || ntk === null ? 0 : ntk[at] * tDot;
      nngp[at] = tail[0] * t + tail[1];
      if (ntk !== null) ntk[at] = tail[2] * theta + tail[3] * t + tail[4];
    }
    if (job.fillLower && j > i) {
      nngp[j * n2 + i] = nngp[at];
      if (ntk !== null) ntk[j * n2 + i] = ntk[at];
    }
  };
  /** The entries of {@link finishLeft} summed as a list: row, column, the header of its column's expansion, q12, results, and those left again. */
  let listed = {
    rows: new Int32Array(0),
    cols: new Int32Array(0),
    heads: new Int32Array(0),
    q12: new Float64Array(0),
    t: new Float64Array(0),
    tDot: new Float64Array(0),
    left: new Float64Array(0),
  };
  /**
   * Sums the `count` entries the native rows of `job` left in `list`
   * (`leftEntries`, or `leftEntries2` for a second part summed at once; see
   * {@link dualMatrix}) and writes them to the kernel.
   */
  const finishLeft = (job: MehlerRowsJob, heads2: Int32Array, var2: Float64Array, list: Float64Array, count: number, mode: number, threads: number) => {
    const { ntk, n2, symmetric, heads1, q11, packed } = job;
    if (listed.rows.length < count) {
      listed = {
        rows: new Int32Array(count),
        cols: new Int32Array(count),
        heads: new Int32Array(count),
        q12: new Float64Array(count),
        t: new Float64Array(count),
        tDot: new Float64Array(count),
        left: new Float64Array(LEFT * count),
      };
    }
    const { rows, cols, heads, q12, t, tDot, left } = listed;
    // Entries for the store (rare): row, column and q12 of each.
    const fromStore: number[] = [];
    // The expansions to grow, and how far (an expansion may be listed more than once).
    const growing: number[] = [];
    const lengths: number[] = [];
    let n = 0;
    for (let k = 0; k < count; k++) {
      const at = LEFT * k;
      const i = list[at];
      const j = (symmetric ? i : 0) + list[at + 1];
      const need = list[at + 2];
      if (need < 0) {
        // A tiny variance's own series of φ′.
        fromStore.push(i, j, list[at + 3]);
        continue;
      }
      const length = Math.max(need, expansions.lengthAt(heads1[i]), expansions.lengthAt(heads2[j]));
      growing.push(heads1[i], heads2[j]);
      lengths.push(length, length);
      rows[n] = i;
      cols[n] = j;
      q12[n++] = list[at + 3];
    }
    expansions.growTo(growing, lengths, threads);
    const store = expansions.store;
    expansions.pack(packed, 0, heads2, n2, true);
    const set = listColumns(n);
    for (let k = 0; k < n; k++) heads[k] = heads2[cols[k]];
    expansions.pack(set, 0, heads, n);
    leftEntryCounts.list += n;
    const again = n === 0 ? 0 : nativeMehlerList(store, job, rows, q12, n, set, t, ntk === null ? null : tDot, left, limit, mode, split2, slope2);
    for (let k = 0, p = 0; k < n; k++) {
      if (p < again && left[LEFT * p + 1] === k) {
        // Beyond what a packed column holds.
        p++;
        fromStore.push(rows[k], cols[k], q12[k]);
        continue;
      }
      put(job, rows[k], cols[k], t[k], tDot[k]);
    }
    // The store's entries, a row at a time.
    leftEntryCounts.store += fromStore.length / 3;
    for (let g0 = 0, g1 = 0; g0 < fromStore.length; g0 = g1) {
      const i = fromStore[g0];
      for (g1 = g0; g1 < fromStore.length && fromStore[g1] === i; g1 += 3);
      const m = (g1 - g0) / 3;
      const g = gather(m);
      for (let k = 0; k < m; k++) {
        const j = fromStore[g0 + 3 * k + 1];
        g.q12[k] = fromStore[g0 + 3 * k + 2];
        g.q22[k] = var2[j];
        g.heads[k] = heads2[j];
      }
      sumFromStore(expansions.of(heads1[i]), q11[i], m, ntk !== null);
      const { row, f64 } = expansions.store;
      for (let k = 0; k < m; k++) put(job, i, fromStore[g0 + 3 * k + 1], f64[(row.t >> 3) + k], f64[(row.tDot >> 3) + k]);
    }
  };
  let selfHeads = new Int32Array(0);
  const cross = new Float64Array(1);
  const second = new Float64Array(1);
  const value = new Float64Array(1);
  const derivative = new Float64Array(1);
  return {
    name,
    fn,
    grad,
    dual(q11, q12, q22, out, wantDot) {
      if (q22 === q11 && q12 >= q11) {
        // A diagonal entry (each variance of a kernel's diagonal passes here): the row's arithmetic for it, without a row.
        const h = diagonal < 0 ? expansions.headerAt(q11) : expansions.headerAfter(diagonal, q11);
        diagonal = h;
        out[0] = expansions.normAAt(h) + (split2 + slope2 * q11);
        if (wantDot) out[1] = expansions.normBAt(h) + slope2;
        return;
      }
      cross[0] = q12;
      second[0] = q22;
      dualRow(q11, cross, second, 1, value, wantDot ? derivative : null);
      out[0] = value[0];
      if (wantDot) out[1] = derivative[0];
    },
    selfDuals(variances) {
      // Expansions looked up all at once (natively, where new ones are laid out in one call), then each entry as `dual` sums it.
      startRow();
      const n = variances.length;
      if (selfHeads.length < n) selfHeads = new Int32Array(Math.max(n, 2 * selfHeads.length));
      expansions.headersOf(variances, n, selfHeads);
      for (let i = 0; i < n; i++) variances[i] = expansions.normAAt(selfHeads[i]) + (split2 + slope2 * variances[i]);
    },
    dualRow,
    dualMatrix: {
      runs: (n1, n2) => native && expansions.holds(n1 + n2),
      run: dualMatrix,
    },
  };
}

type Pointwise = (x: number) => number;

/** Series activations by φ, then name (which carries tol), then the φ′ given (null: a numerical derivative). */
const sharedRules = new WeakMap<Pointwise, Map<string, Map<Pointwise | null, Omit<Activation, 'localOnly'>>>>();

/**
 * {@link hermiteSeriesActivation} of (φ, φ′ as given, name, tol), made once
 * per thread and shared by every layer that asks for it again — all
 * `stax.tanh()` layers, all `stax.elementwise(f)` layers of one function f.
 * Its expansion cache (hundreds of kilobytes to megabytes per network's
 * worth of variances) is then bounded by the cache's own limit, where an
 * instance per layer kept one per network until the network was collected
 * and the event loop turned: a synchronous loop building networks grew by
 * about 0.8 MB per tanh network on 400 inputs. A second network on the same
 * inputs finds its variances' expansions computed. Sharing changes no value:
 * each coefficient is a function of (φ, q, k) alone, and the sums depend only
 * on the entry and tol.
 *
 * @param grad - φ′ as given (tanh's, or the user's), or undefined with
 *   `numerical`, which makes the numerical φ′ once, with the rule.
 */
export function sharedHermiteSeries(name: string, fn: Pointwise, tol: number, grad: Pointwise): Omit<Activation, 'localOnly'>;
export function sharedHermiteSeries(
  name: string,
  fn: Pointwise,
  tol: number,
  grad: Pointwise | undefined,
  numerical: () => Pointwise,
): Omit<Activation, 'localOnly'>;
export function sharedHermiteSeries(
  name: string,
  fn: Pointwise,
  tol: number,
  grad: Pointwise | undefined,
  numerical?: () => Pointwise,
): Omit<Activation, 'localOnly'> {
  let byName = sharedRules.get(fn);
  if (byName === undefined) {
    byName = new Map();
    sharedRules.set(fn, byName);
  }
  const key = `${name}|${tol}`;
  let byGrad = byName.get(key);
  if (byGrad === undefined) {
    byGrad = new Map();
    byName.set(key, byGrad);
  }
  let rule = byGrad.get(grad ?? null);
  if (rule === undefined) {
    rule = hermiteSeriesActivation(name, fn, grad ?? (numerical as () => Pointwise)(), tol);
    byGrad.set(grad ?? null, rule);
  }
  return rule;
}

/** Points at which φ must be exactly odd (or even) to have only odd (or even) Hermite coefficients. */
const PARITY_PROBES = Array.from({ length: 200 }, (_, i) => 0.0371 * (i + 1) ** 1.5);

/**
 * Whether φ is odd or even, judged on 200 points out to |x| ≈ 105: then half
 * of its Hermite coefficients vanish and the series are sums in ρ². A
 * function of φ alone, so every thread decides the same.
 */
export function parityOf(fn: (x: number) => number): Parity {
  if (PARITY_PROBES.every((x) => fn(-x) === -fn(x)) && fn(0) === 0) return 'odd';
  if (PARITY_PROBES.every((x) => fn(-x) === fn(x))) return 'even';
  return 'none';
}

/** φ = constant + slope·x + ψ with ψ of one parity (or parity 'none', constant = slope = 0). */
export interface ParitySplit {
  parity: Parity;
  constant: number;
  slope: number;
}

/**
 * How far from round-off a split's ψ may be of the other parity, relative
 * to |φ(x)| + |φ(−x)|: the part neglected then changes 𝒯 by ~1e−15 of the
 * kernel's scale, far below the smallest `tol` (1e−14).
 */
const SPLIT_SLACK = 1e-15;

/**
 * φ as a constant or a linear term plus a part ψ of one parity, when it is
 * one: sigmoid = ½ + (odd), softplus = x/2 + log(2cosh(x/2)) and
 * swish = x/2 + (x/2)·tanh(x/2), both even. Then ψ's series are sums in ρ²,
 * half as long as φ's, and the split-off term has a closed form. Exactly odd
 * or even φ ({@link parityOf}) split off nothing. Judged on the same 200
 * points, up to round-off (`SPLIT_SLACK`): ψ = φ − c with c = φ(0) must be
 * odd, or ψ = φ − s·x with s = (φ(1) − φ(−1))/2 even.
 */
export function paritySplit(fn: (x: number) => number): ParitySplit {
  const parity = parityOf(fn);
  if (parity !== 'none') return { parity, constant: 0, slope: 0 };
  const within = (residual: number, x: number) => Math.abs(residual) <= SPLIT_SLACK * (Math.abs(fn(x)) + Math.abs(fn(-x)));
  const constant = fn(0);
  if (Number.isFinite(constant) && PARITY_PROBES.every((x) => within(fn(x) + fn(-x) - 2 * constant, x))) {
    return { parity: 'odd', constant, slope: 0 };
  }
  const slope = (fn(1) - fn(-1)) / 2;
  if (Number.isFinite(slope) && slope !== 0 && PARITY_PROBES.every((x) => within(fn(x) - fn(-x) - 2 * slope * x, x))) {
    return { parity: 'even', constant: 0, slope };
  }
  return { parity: 'none', constant: 0, slope: 0 };
}
