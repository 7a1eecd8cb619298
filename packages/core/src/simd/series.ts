import { TangentLabError } from '../errors';
import { compileSimd, type CompiledSimd } from './module';

/**
 * The memory of one activation's Hermite expansions and the rows of Mehler
 * sums over them (`special/mehler-series.ts`), with the sums on WebAssembly
 * SIMD (`series.wat`, assembled into `series.wasm` by the build) or, where
 * that does not run (`TANGENT_LAB_SIMD=0`, see `simd/module.ts`), in
 * JavaScript ({@link seriesRowJs}) with the same arithmetic and the same bits.
 *
 * The stores of a thread share the module's memory (see SharedMemory): each
 * takes chunks of it, in which it hands out memory by a bump allocator and
 * never reuses it, so an address stays valid for the store's life; the
 * chunks return when the store is collected with the activation whose
 * expansions it holds. The layout is described in `series.wat`.
 */
interface SeriesExports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  seriesRow(
    h1: number,
    q11: number,
    pq12: number,
    pq22: number,
    pcols: number,
    pt: number,
    ptd: number,
    plist: number,
    count: number,
    ppend: number,
    limit: number,
    mode: number,
    split2: number,
    slope2: number,
  ): number;
}

/** Bits of `mode`: φ odd (𝒯 = r·Σ), φ even (𝒯̇ = r·Σ), series in r² (odd or even φ), 𝒯̇ wanted, a new row (see {@link SeriesStore.seriesRow}). */
export const ODD = 1;
export const EVEN = 2;
export const SQUARED = 4;
export const WANT_DOT = 8;
export const FRESH = 16;

/** Bytes of an expansion's header and of one block of four coefficients (see `series.wat`). */
export const HEADER_BYTES = 48;
export const BLOCK_BYTES = 80;
/** The `grow at` length of a series that has ended: never. */
export const ENDED = 0x7fffffff;

const PAGE = 65536;
/** Bytes before the first allocation (address 0 is no expansion's). */
const RESERVED = 64;

let compiled: CompiledSimd | null | undefined;

/** The compiled module (once per thread), or null where the SIMD rows are off or unavailable. */
function seriesModule(): CompiledSimd | null {
  if (compiled === undefined) compiled = compileSimd('series.wasm');
  return compiled;
}

/** True when Mehler rows run on WebAssembly SIMD on this thread. */
export function simdSeries(): boolean {
  return seriesModule() !== null;
}

/**
 * Byte addresses of a row's arrays in a store: q12, q22, t, tDot (float64),
 * the columns' headers (int32), and the lists of entries (int32): all of
 * them in order (`all`), those to sum again (`retry`), and those deferred by
 * the last {@link SeriesStore.seriesRow}, as pairs (entry, what the caller must
 * do: grow both expansions to that many coefficients, or −1: sum the entry in
 * JavaScript).
 */
export interface RowBuffers {
  q12: number;
  q22: number;
  t: number;
  tDot: number;
  cols: number;
  all: number;
  retry: number;
  pending: number;
}

/** The most a thread's shared memory holds: addresses are shifted as signed 32-bit integers. */
const MAX_BYTES = 2 ** 31;

/** Bytes of a chunk of the shared memory: what a store takes at a time. */
const CHUNK_BYTES = PAGE;

/**
 * The memory of every store on this thread: the module's (one instance per
 * thread — a new instance per store would compile its JavaScript entry anew
 * once called often, milliseconds each time), or an ArrayBuffer without
 * WebAssembly, handed out in chunks. A store's chunks come back when the
 * store is collected, and are handed out again, zeroed.
 */
class SharedMemory {
  readonly wasm: SeriesExports | null;
  buffer: ArrayBuffer;
  f64: Float64Array;
  i32: Int32Array;
  private top = RESERVED;
  private readonly free: number[] = [];
  /** Returns the chunks of collected stores. */
  readonly collected = new FinalizationRegistry<number[]>((chunks) => this.free.push(...chunks));

  constructor() {
    const compiled = seriesModule();
    this.wasm = compiled === null ? null : (new compiled.api.Instance(compiled.module).exports as SeriesExports);
    this.buffer = this.wasm === null ? new ArrayBuffer(PAGE) : this.wasm.memory.buffer;
    this.f64 = new Float64Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
  }

  /** Chunks of a store, free again. */
  giveBack(chunks: readonly number[]): void {
    this.free.push(...chunks);
  }

  /** `count` contiguous zeroed chunks: free ones (for several, a run of them), or new ones at the top; returns their address. */
  take(count: number): number {
    if (count === 1 && this.free.length > 0) {
      const at = this.free.pop() as number;
      this.f64.fill(0, at >>> 3, (at + CHUNK_BYTES) >>> 3);
      return at;
    }
    if (count > 1 && this.free.length >= count) {
      // Several chunks (a long series or row) from free ones only where they are contiguous.
      const free = this.free.sort((a, b) => a - b);
      for (let i = 0; i + count <= free.length; i++) {
        if (free[i + count - 1] - free[i] === (count - 1) * CHUNK_BYTES) {
          const at = free[i];
          free.splice(i, count);
          this.f64.fill(0, at >>> 3, (at + count * CHUNK_BYTES) >>> 3);
          return at;
        }
      }
    }
    const at = (this.top + CHUNK_BYTES - 1) & ~(CHUNK_BYTES - 1);
    const end = at + count * CHUNK_BYTES;
    if (end > MAX_BYTES) {
      throw new TangentLabError(
        `the Hermite expansions of numerical activations on this thread need more than ${MAX_BYTES / 2 ** 30} GiB; compute the kernel in tiles (batch) or with a larger tol, or let the event loop turn between networks built in a loop (their memory comes back when they are collected)`,
      );
    }
    if (end > this.buffer.byteLength) {
      const size = Math.min(Math.max(end, 2 * this.buffer.byteLength), MAX_BYTES);
      if (this.wasm !== null) {
        this.wasm.memory.grow(Math.ceil((size - this.buffer.byteLength) / PAGE));
        this.buffer = this.wasm.memory.buffer;
      } else {
        const grown = new ArrayBuffer(Math.ceil(size / PAGE) * PAGE);
        new Uint8Array(grown).set(new Uint8Array(this.buffer));
        this.buffer = grown;
      }
      this.f64 = new Float64Array(this.buffer);
      this.i32 = new Int32Array(this.buffer);
    }
    this.top = end;
    return at;
  }
}

let shared: SharedMemory | undefined;

/** Bytes of this thread's shared memory of series stores (0 before the first store). */
export function seriesMemoryBytes(): number {
  return shared?.buffer.byteLength ?? 0;
}

/** Expansions' memory and row buffers, with the row of Mehler sums over them (see the file's comment). */
export class SeriesStore {
  private readonly memory: SharedMemory;
  /** The chunks taken, returned when the store is collected. */
  private readonly chunks: number[] = [];
  private top = 0;
  private end = 0;
  private rowCapacity = 0;
  readonly row: RowBuffers = { q12: 0, q22: 0, t: 0, tDot: 0, cols: 0, all: 0, retry: 0, pending: 0 };

  constructor() {
    this.memory = shared ??= new SharedMemory();
    this.memory.collected.register(this, this.chunks, this);
  }

  /**
   * Gives the store's memory back now, for its owner to start over in a new
   * store: a store otherwise gives it back only once collected, after the
   * event loop turns, which a synchronous loop never lets happen. Nothing may
   * read or write the store afterwards.
   */
  release(): void {
    this.memory.collected.unregister(this);
    this.memory.giveBack(this.chunks);
    this.chunks.length = 0;
    this.top = 0;
    this.end = 0;
    this.rowCapacity = 0;
  }

  /** The memory as float64 (read it after any allocation: growing the memory renews it). */
  get f64(): Float64Array {
    return this.memory.f64;
  }

  /** The memory as int32 (see {@link f64}). */
  get i32(): Int32Array {
    return this.memory.i32;
  }

  /** `bytes` zero bytes of their own, 16-byte aligned; returns their address. */
  alloc(bytes: number): number {
    const size = (bytes + 15) & ~15;
    if (size > CHUNK_BYTES / 4) {
      // Large (a long row): chunks of its own.
      const count = Math.ceil(size / CHUNK_BYTES);
      const at = this.memory.take(count);
      for (let c = 0; c < count; c++) this.chunks.push(at + c * CHUNK_BYTES);
      return at;
    }
    if (this.top + size > this.end) {
      this.top = this.memory.take(1);
      this.end = this.top + CHUNK_BYTES;
      this.chunks.push(this.top);
    }
    const at = this.top;
    this.top += size;
    return at;
  }

  /** Row buffers of at least n entries (their addresses in `row`; the caller sets q22 and cols). */
  rows(n: number): RowBuffers {
    if (n > this.rowCapacity) {
      // Even, for the pairs of the correlations.
      const cap = Math.max(n + (n & 1), 2 * this.rowCapacity, 64);
      const at = this.alloc(cap * 40);
      const row = this.row;
      row.q12 = at;
      row.t = at + 8 * cap;
      row.tDot = at + 16 * cap;
      row.all = at + 24 * cap;
      row.retry = at + 28 * cap;
      row.pending = at + 32 * cap;
      for (let k = 0; k < cap; k++) this.i32[(row.all >> 2) + k] = k;
      this.rowCapacity = cap;
    }
    return this.row;
  }

  /**
   * The entries listed at `list` (count of them) of the row in `row` of the
   * expansion with header h1 (with FRESH in `mode`, a new row: its ρ and
   * √(q11 q22) first, in t and tDot, as {@link correlationsJs}); returns how
   * many were deferred to `row.pending`.
   */
  seriesRow(h1: number, q11: number, list: number, count: number, limit: number, mode: number, split2: number, slope2: number): number {
    const { q12, q22, cols, t, tDot, pending } = this.row;
    const wasm = this.memory.wasm;
    if (wasm !== null) return wasm.seriesRow(h1, q11, q12, q22, cols, t, tDot, list, count, pending, limit, mode, split2, slope2);
    return seriesRowJs(this.f64, this.i32, h1, q11, this.row, list, count, limit, mode, split2, slope2);
  }
}

/** `series.wat`'s correlations in JavaScript: ρ = q12/√(q11 q22) (clamped to [−1, 1]; 0 when the root is 0) and √(q11 q22) of a row's first n entries, in its t and tDot. */
export function correlationsJs(f: Float64Array, q11: number, row: RowBuffers, n: number): void {
  const { q12, q22, t, tDot } = row;
  for (let k = 0; k < n; k++) {
    const root = Math.sqrt(q11 * f[(q22 >> 3) + k]);
    f[(t >> 3) + k] = root > 0 ? Math.min(1, Math.max(-1, f[(q12 >> 3) + k] / root)) : 0;
    f[(tDot >> 3) + k] = root;
  }
}

/**
 * `series.wat`'s row in JavaScript, operation by operation (two lanes: the
 * even and the odd positions of each block). See `mehlerRow` for the sums
 * and their stopping rule.
 */
export function seriesRowJs(
  f: Float64Array,
  w: Int32Array,
  h1: number,
  q11: number,
  row: RowBuffers,
  list: number,
  count: number,
  limit: number,
  mode: number,
  split2: number,
  slope2: number,
): number {
  if ((mode & FRESH) !== 0) correlationsJs(f, q11, row, count);
  const odd = (mode & ODD) !== 0;
  const even = (mode & EVEN) !== 0;
  const lagged = !odd;
  const squared = (mode & SQUARED) !== 0;
  const wantDot = (mode & WANT_DOT) !== 0;
  const len1 = w[h1 >> 2];
  const grow1 = w[(h1 >> 2) + 1];
  const blocks1 = w[(h1 >> 2) + 2] >> 3;
  const stein1 = w[(h1 >> 2) + 3];
  const normA1 = f[(h1 >> 3) + 2];
  const normB1 = f[(h1 >> 3) + 3];
  const invRoot1 = f[(h1 >> 3) + 4];
  const q12 = row.q12 >> 3;
  const cols = row.cols >> 2;
  const out = row.t >> 3;
  const outDot = row.tDot >> 3;
  const pend = row.pending >> 2;
  let pending = 0;
  entries: for (let i = 0; i < count; i++) {
    const k = w[(list >> 2) + i];
    const h2 = w[cols + k];
    let t: number;
    let tDot: number;
    if (h2 === h1 && f[q12 + k] >= q11) {
      t = normA1 + (split2 + slope2 * q11);
      tDot = normB1 + slope2;
    } else {
      if ((stein1 & w[(h2 >> 2) + 3]) === 0) {
        w[pend + 2 * pending] = k;
        w[pend + 2 * pending++ + 1] = -1;
        continue;
      }
      const r = f[out + k];
      const root = f[outDot + k];
      const extra = split2 + slope2 * (r * root);
      const rs = squared ? r * r : r;
      const r2 = rs * rs;
      const r4 = r2 * r2;
      let p0 = 1;
      let p1 = rs;
      let p2 = r2;
      let p3 = r2 * rs;
      let before = 0;
      let sa0 = 0;
      let sa1 = 0;
      let sb0 = 0;
      let sb1 = 0;
      const len2 = w[h2 >> 2];
      const grow2 = w[(h2 >> 2) + 1];
      const m = len1 < len2 ? len1 : len2;
      let a1 = blocks1;
      let a2 = w[(h2 >> 2) + 2] >> 3;
      for (let j = 0; ; j += 4) {
        if (j !== 0) {
          const pb = lagged ? before : p0;
          if (f[a1] * f[a2] * pb * pb <= limit) break;
        }
        if (j + 4 > grow1 || j + 4 > grow2) {
          w[pend + 2 * pending] = k;
          w[pend + 2 * pending++ + 1] = j + 4;
          continue entries;
        }
        if (j >= m) break;
        const y0 = f[a2 + 2];
        const y1 = f[a2 + 3];
        const y2 = f[a2 + 4];
        const y3 = f[a2 + 5];
        sa0 = sa0 + f[a1 + 2] * y0 * p0;
        sa1 = sa1 + f[a1 + 3] * y1 * p1;
        sa0 = sa0 + f[a1 + 4] * y2 * p2;
        sa1 = sa1 + f[a1 + 5] * y3 * p3;
        if (lagged) {
          sb0 = sb0 + f[a1 + 6] * y0 * before;
          sb1 = sb1 + f[a1 + 7] * y1 * p0;
          sb0 = sb0 + f[a1 + 8] * y2 * p1;
          sb1 = sb1 + f[a1 + 9] * y3 * p2;
        } else {
          sb0 = sb0 + f[a1 + 6] * y0 * p0;
          sb1 = sb1 + f[a1 + 7] * y1 * p1;
          sb0 = sb0 + f[a1 + 8] * y2 * p2;
          sb1 = sb1 + f[a1 + 9] * y3 * p3;
        }
        before = p3;
        if (j + 4 > m) break;
        p0 *= r4;
        p1 *= r4;
        p2 *= r4;
        p3 *= r4;
        a1 += BLOCK_BYTES >> 3;
        a2 += BLOCK_BYTES >> 3;
      }
      const sa = sa0 + sa1;
      const sb = sb0 + sb1;
      t = (odd ? r * sa : sa) + extra;
      tDot = (even ? r * sb : sb) * (invRoot1 * f[(h2 >> 3) + 4]) + slope2;
    }
    f[out + k] = t;
    if (wantDot) f[outDot + k] = tDot;
  }
  return pending;
}
