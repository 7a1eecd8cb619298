import type { KernelAffine } from '../stax/kernel-state';
import { compileSimd } from './module';

/**
 * Rows of analytic kernels on WebAssembly SIMD (`rows.wat`, assembled into
 * `rows.wasm` by the build): the arc-cosine and erf duals and the dense map,
 * two kernel entries per instruction and without branches, with the same
 * bits as the JavaScript they stand for. Each thread instantiates its own
 * copy.
 *
 * The module computes on its own memory. Rows given as ordinary arrays are
 * copied in and out; a caller that chains several operations on the same rows
 * asks for {@link simdRowBuffers}, rows that live in that memory, and nothing
 * is copied.
 */
interface RowsExports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  abReluRow(
    q11: number,
    pq12: number,
    pq22: number,
    pt: number,
    ptd: number,
    py: number,
    px: number,
    n: number,
    factor: number,
    half: number,
    wantDot: number,
  ): void;
  erfRow(
    s11: number,
    pq12: number,
    pq22: number,
    pt: number,
    ptd: number,
    py: number,
    px: number,
    n: number,
    twoB2: number,
    scale: number,
    shift: number,
    dotScale: number,
    wantDot: number,
  ): void;
  affineRow(pk: number, ptheta: number, n: number, a: number, b: number, c: number, d: number, e: number, hasTheta: number): void;
  scaleRow(ptheta: number, pdot: number, n: number): void;
}

export { SIMD_ENV } from './module';

const PAGE = 65536;
/** Rows the wrappers copy through: q12, q22, t, tDot, and the angle's y and x. */
const SLOTS = 6;

let instance: RowsExports | null | undefined;
/** The module's memory as float64; rows of `capacity` entries, SLOTS of them then `lent` lent out. */
let view = new Float64Array(0);
let memory: ArrayBufferLike = view.buffer;
let capacity = 0;
let lent = 0;

/** The instantiated module, or null on an engine without WebAssembly SIMD (or with it turned off). */
function rows(): RowsExports | null {
  if (instance === undefined) {
    const compiled = compileSimd('rows.wasm');
    instance = compiled === null ? null : (new compiled.api.Instance(compiled.module).exports as RowsExports);
  }
  return instance;
}

/** True when the SIMD rows run on this engine (otherwise callers compute in JavaScript). */
export function simdRows(): boolean {
  return rows() !== null;
}

function available(): RowsExports {
  const wasm = rows();
  if (wasm === null) throw new Error('simd rows: WebAssembly SIMD is not available on this engine; check simdRows() first');
  return wasm;
}

/** Lays out rows of at least n entries (even: the rows go in pairs), SLOTS + `extra` of them. Growing detaches earlier views. */
function layout(wasm: RowsExports, n: number, extra: number): void {
  if (n <= capacity && extra <= lent && memory === wasm.memory.buffer) return;
  const cap = Math.max(capacity, n + (n & 1));
  const count = SLOTS + Math.max(lent, extra);
  const bytes = count * cap * 8;
  const have = wasm.memory.buffer.byteLength;
  if (bytes > have) wasm.memory.grow(Math.ceil((bytes - have) / PAGE));
  capacity = cap;
  lent = count - SLOTS;
  view = new Float64Array(wasm.memory.buffer);
  memory = view.buffer;
}

/**
 * `count` rows of `n` entries inside the module's memory, to chain SIMD row
 * operations on without copies, or null without SIMD. They stay valid until
 * the next call of this function on this thread.
 */
export function simdRowBuffers(count: number, n: number): Float64Array[] | null {
  const wasm = rows();
  if (wasm === null) return null;
  layout(wasm, n, count);
  return Array.from({ length: count }, (_, r) => new Float64Array(wasm.memory.buffer, (SLOTS + r) * capacity * 8, capacity));
}

/** The byte offset of a row that lives in the module's memory, else -1. */
function offsetOf(a: Float64Array): number {
  return a.buffer === memory ? a.byteOffset : -1;
}

/** The byte offset of a row that must live in the module's memory. */
function lentOffset(a: Float64Array): number {
  const at = offsetOf(a);
  if (at < 0) throw new Error('simd rows: this operation works on rows from simdRowBuffers() (taken since the last call of it)');
  return at;
}

/** A row's byte offset, copying it into `slot` (padded to an even count) when it lives elsewhere. */
function input(a: Float64Array, n: number, slot: number, pad: number): number {
  const own = offsetOf(a);
  if (own >= 0) return own;
  const at = slot * capacity;
  view.set(a.subarray(0, n), at);
  if (n & 1) view[at + n] = pad;
  return at * 8;
}

/** Where an output row is written: in place when it lives in the module's memory, else `slot`. */
function output(a: Float64Array | null, slot: number): number {
  if (a === null) return slot * capacity * 8;
  const own = offsetOf(a);
  return own >= 0 ? own : slot * capacity * 8;
}

/** Copies an output row out of `slot` unless it was written in place. */
function copyOut(a: Float64Array | null, n: number, slot: number): void {
  if (a === null || offsetOf(a) >= 0) return;
  a.set(view.subarray(slot * capacity, slot * capacity + n));
}

/** Byte offsets of q12, q22, t, tDot, y, x for one row call (reused; read before the next call). */
const offsets = new Int32Array(6);

/** Lays out one row call: its inputs copied in unless they live in the module's memory, its outputs in place or in slots. */
function place(wasm: RowsExports, q12: Float64Array, q22: Float64Array, n: number, t: Float64Array, tDot: Float64Array | null): Int32Array {
  layout(wasm, n, 0);
  offsets[0] = input(q12, n, 0, 0);
  offsets[1] = input(q22, n, 1, 1);
  offsets[2] = output(t, 2);
  offsets[3] = output(tDot, 3);
  offsets[4] = 4 * capacity * 8;
  offsets[5] = 5 * capacity * 8;
  return offsets;
}

/** Copies a row call's outputs out of their slots unless they were written in place. */
function finish(n: number, t: Float64Array, tDot: Float64Array | null): void {
  copyOut(t, n, 2);
  copyOut(tDot, n, 3);
}

/** ABRelu's dual over a row (see `abReluActivation`); only where {@link simdRows}. */
export function abReluRow(
  q11: number,
  q12: Float64Array,
  q22: Float64Array,
  n: number,
  t: Float64Array,
  tDot: Float64Array | null,
  factor: number,
  half: number,
): void {
  const wasm = available();
  const p = place(wasm, q12, q22, n, t, tDot);
  wasm.abReluRow(q11, p[0], p[1], p[2], p[3], p[4], p[5], n, factor, half, tDot === null ? 0 : 1);
  finish(n, t, tDot);
}

/** Erf's dual over a row (see `erfActivation`); only where {@link simdRows}. */
export function erfRow(
  s11: number,
  q12: Float64Array,
  q22: Float64Array,
  n: number,
  t: Float64Array,
  tDot: Float64Array | null,
  twoB2: number,
  scale: number,
  shift: number,
  dotScale: number,
): void {
  const wasm = available();
  const p = place(wasm, q12, q22, n, t, tDot);
  wasm.erfRow(s11, p[0], p[1], p[2], p[3], p[4], p[5], n, twoB2, scale, shift, dotScale, tDot === null ? 0 : 1);
  finish(n, t, tDot);
}

/** θ ← cθ + d𝒦 + e, then 𝒦 ← a𝒦 + b, on rows from {@link simdRowBuffers}. */
export function affineRow(map: KernelAffine, k: Float64Array, theta: Float64Array | null, n: number): void {
  const wasm = available();
  wasm.affineRow(lentOffset(k), theta === null ? 0 : lentOffset(theta), n, map.a, map.b, map.c, map.d, map.e, theta === null ? 0 : 1);
}

/** θ ← θ ⊙ dot on rows from {@link simdRowBuffers}. */
export function scaleRow(theta: Float64Array, dot: Float64Array, n: number): void {
  available().scaleRow(lentOffset(theta), lentOffset(dot), n);
}
