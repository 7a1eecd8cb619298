import { InputError } from '../errors';
import { Matrix } from '../matrix';
import { checkKey, type Key } from './key';
import { threefryStream } from './threefry';

/** A sample count, or `[rows, cols]` for a matrix. */
export type Shape = number | readonly [number, number];

const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;

function size(where: string, shape: Shape): number {
  const dims = typeof shape === 'number' ? [shape] : shape;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0) throw new InputError(`${where}: shape entries must be non-negative integers, got ${JSON.stringify(shape)}`);
  }
  return dims.reduce((a, b) => a * b, 1);
}

function shaped(shape: Shape, data: Float64Array): Float64Array | Matrix {
  return typeof shape === 'number' ? data : new Matrix(shape[0], shape[1], data);
}

/**
 * Counters encrypted per call of the cipher loop (32 KiB of words, reused).
 * A power of two, so no chunk crosses a carry into the counter's high word.
 */
const CHUNK = 4096;
const TWO_POW_32 = 4294967296;
const words = new Uint32Array(2 * CHUNK);

/** The double in [0, 1) made of 53 bits of one threefry block: 27 of the first word, 26 of the second. */
function toUnit(w0: number, w1: number): number {
  return ((w0 >>> 5) * TWO_POW_26 + (w1 >>> 6)) / TWO_POW_53;
}

/**
 * Fills `out` with uniform doubles in [0, 1), 53 random bits each, from the
 * counter stream of `k`: entry i is made of the block of counter i, so a
 * key gives the same numbers however long the request and in whatever chunks
 * they are computed.
 */
export function fillUniform(k: Key, out: Float64Array): void {
  for (let start = 0; start < out.length; start += CHUNK) {
    const count = Math.min(CHUNK, out.length - start);
    threefryStream(k[0], k[1], start % TWO_POW_32, Math.floor(start / TWO_POW_32), count, words);
    for (let i = 0; i < count; i++) out[start + i] = toUnit(words[2 * i], words[2 * i + 1]);
  }
}

/**
 * Fills `out` with standard normal doubles: Box–Muller on the uniforms of
 * counters (2j, 2j + 1), which give entries 2j and 2j + 1 — the uniforms of
 * {@link fillUniform} with the same key, transformed a pair at a time
 * without an intermediate array.
 */
export function fillNormal(k: Key, out: Float64Array): void {
  const n = out.length;
  // CHUNK is even, so every chunk starts on a pair.
  for (let start = 0; start < n; start += CHUNK) {
    const count = Math.min(CHUNK, n - start);
    const counters = count + (count % 2);
    threefryStream(k[0], k[1], start % TWO_POW_32, Math.floor(start / TWO_POW_32), counters, words);
    for (let i = 0; i < count; i += 2) {
      const u0 = toUnit(words[2 * i], words[2 * i + 1]);
      const u1 = toUnit(words[2 * i + 2], words[2 * i + 3]);
      const r = Math.sqrt(-2 * Math.log(1 - u0));
      const angle = 2 * Math.PI * u1;
      out[start + i] = r * Math.cos(angle);
      if (i + 1 < count) out[start + i + 1] = r * Math.sin(angle);
    }
  }
}

/**
 * Standard normal samples: a `Float64Array` for a count, a {@link Matrix} for
 * `[rows, cols]`.
 *
 * @example
 * ```ts
 * const w = random.normal(random.key(1), [3, 4]); // Matrix
 * ```
 */
export function normal(k: Key, shape: number): Float64Array;
export function normal(k: Key, shape: readonly [number, number]): Matrix;
export function normal(k: Key, shape: Shape): Float64Array | Matrix;
export function normal(k: Key, shape: Shape): Float64Array | Matrix {
  checkKey('random.normal', k);
  const out = new Float64Array(size('random.normal', shape));
  fillNormal(k, out);
  return shaped(shape, out);
}

/** Uniform samples in [minval, maxval). */
export function uniform(k: Key, shape: number, range?: { minval?: number; maxval?: number }): Float64Array;
export function uniform(k: Key, shape: readonly [number, number], range?: { minval?: number; maxval?: number }): Matrix;
export function uniform(k: Key, shape: Shape, { minval = 0, maxval = 1 }: { minval?: number; maxval?: number } = {}): Float64Array | Matrix {
  checkKey('random.uniform', k);
  if (!Number.isFinite(minval) || !Number.isFinite(maxval) || !(maxval > minval)) {
    throw new InputError(`random.uniform: need finite minval < maxval, got [${minval}, ${maxval})`);
  }
  const out = new Float64Array(size('random.uniform', shape));
  fillUniform(k, out);
  for (let i = 0; i < out.length; i++) out[i] = minval + (maxval - minval) * out[i];
  return shaped(shape, out);
}
