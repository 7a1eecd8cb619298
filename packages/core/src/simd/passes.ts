import { compileSimd, type CompiledSimd } from './module';

/**
 * Elementwise passes of finite networks on WebAssembly SIMD (`passes.wat`,
 * assembled into `passes.wasm` by the build), on arrays that already live in
 * a WebAssembly memory: an arena of {@link simdArena}, which a `Workspace`
 * (`workspace.ts`) lays its temporaries out in. Why: V8 runs these loops
 * entry by entry with bounds checks, ~5× slower than the memory traffic they
 * need (a ReLU pass over 256×1024 entries: 0.9 ms in JavaScript, 0.2 ms here,
 * measured); copying the arrays into a module's memory and back would cost
 * as much as the pass saves, so the arrays are made there instead.
 *
 * `TANGENT_LAB_SIMD=0` turns this off as it does the kernels' rows
 * (`simd/rows`): no arenas, every pass in JavaScript, the same bits.
 */
interface PassesExports {
  abRelu(px: number, pout: number, n: number, a: number, b: number): void;
  abReluGradTimes(pg: number, px: number, pout: number, n: number, a: number, b: number): void;
  gramAdd(pinto: number, pin: number, psig: number, n: number, m: number, s2: number, b2: number, upper: number): void;
}

const PAGE = 65536;
/** Arrays start on cache-line boundaries (and so on the 16 bytes a v128 load wants). */
const ALIGN = 64;

let compiled: CompiledSimd | null | undefined;
/** Each arena's memory buffer → the module instantiated on it. */
const instances = new WeakMap<ArrayBuffer, PassesExports>();

function passesModule(): CompiledSimd | null {
  if (compiled === undefined) compiled = compileSimd('passes.wasm');
  return compiled;
}

/** True when the passes run on SIMD here (otherwise there are no arenas and every pass loops in JavaScript). */
export function simdPasses(): boolean {
  return passesModule() !== null;
}

/**
 * Arrays of the given lengths laid out in one new WebAssembly memory (zeroed),
 * on which the passes below run in place; null when SIMD does not run here
 * (no WebAssembly SIMD, or `TANGENT_LAB_SIMD=0`) or the arrays would not fit
 * in a 32-bit memory.
 */
export function simdArena(lengths: readonly number[]): Float64Array[] | null {
  const wasm = passesModule();
  if (wasm === null) return null;
  const offsets: number[] = [];
  let bytes = 0;
  for (const length of lengths) {
    offsets.push(bytes);
    bytes += Math.ceil((8 * length) / ALIGN) * ALIGN;
  }
  const pages = Math.max(1, Math.ceil(bytes / PAGE));
  if (pages > 65536) return null;
  let memory: { readonly buffer: ArrayBuffer };
  try {
    memory = new wasm.api.Memory({ initial: pages, maximum: pages });
  } catch {
    // Out of address space for another memory (each reserves its bounds-check guard region): JavaScript then.
    return null;
  }
  const exports = new wasm.api.Instance(wasm.module, { env: { memory } }).exports as PassesExports;
  instances.set(memory.buffer, exports);
  return lengths.map((length, i) => new Float64Array(memory.buffer, offsets[i], length));
}

/** The module instance whose arena holds all these arrays, or null (then the caller loops in JavaScript). */
function arenaOf(...arrays: Float64Array[]): PassesExports | null {
  const buffer = arrays[0].buffer as ArrayBuffer;
  for (const a of arrays) if (a.buffer !== buffer) return null;
  return instances.get(buffer) ?? null;
}

/**
 * out[i] = (x[i] > 0 ? b : a)·x[i] over n entries, on SIMD when x and out
 * live in one arena; returns false (nothing done) otherwise.
 */
export function abReluPass(x: Float64Array, out: Float64Array, n: number, a: number, b: number): boolean {
  const wasm = arenaOf(x, out);
  if (wasm === null) return false;
  wasm.abRelu(x.byteOffset, out.byteOffset, n, a, b);
  return true;
}

/**
 * out[i] = g[i]·(x[i] > 0 ? b : a) over n entries, on SIMD when g, x and out
 * live in one arena; returns false (nothing done) otherwise.
 */
export function abReluGradTimesPass(g: Float64Array, x: Float64Array, out: Float64Array, n: number, a: number, b: number): boolean {
  const wasm = arenaOf(g, x, out);
  if (wasm === null) return false;
  wasm.abReluGradTimes(g.byteOffset, x.byteOffset, out.byteOffset, n, a, b);
  return true;
}

/**
 * into[k] += (s2·inputs[k] + b2)·signals[k] over n×m matrices — only the
 * upper triangle (j ≥ i) when `upper` (n = m) — on SIMD when all three live in
 * one arena; returns false (nothing done) otherwise.
 */
export function gramAddPass(
  into: Float64Array,
  inputs: Float64Array,
  signals: Float64Array,
  n: number,
  m: number,
  s2: number,
  b2: number,
  upper: boolean,
): boolean {
  const wasm = arenaOf(into, inputs, signals);
  if (wasm === null) return false;
  wasm.gramAdd(into.byteOffset, inputs.byteOffset, signals.byteOffset, n, m, s2, b2, upper ? 1 : 0);
  return true;
}
