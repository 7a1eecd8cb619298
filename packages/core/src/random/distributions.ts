import { InputError } from '../errors';
import { Matrix } from '../matrix';
import { checkKey, type Key } from './key';
import { threefry2x32 } from './threefry';

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
 * Fills `out` with uniform doubles in [0, 1), 53 random bits each, from the
 * counter stream of `k` (one threefry block per double).
 */
export function fillUniform(k: Key, out: Float64Array): void {
  const pair = new Uint32Array(2);
  for (let i = 0; i < out.length; i++) {
    threefry2x32(k[0], k[1], i >>> 0, Math.floor(i / 4294967296), pair);
    out[i] = ((pair[0] >>> 5) * TWO_POW_26 + (pair[1] >>> 6)) / TWO_POW_53;
  }
}

/**
 * Fills `out` with standard normal doubles (Box–Muller on pairs of uniforms).
 */
export function fillNormal(k: Key, out: Float64Array): void {
  const n = out.length;
  const u = new Float64Array(n + (n % 2));
  fillUniform(k, u);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - u[i]));
    const angle = 2 * Math.PI * u[i + 1];
    out[i] = r * Math.cos(angle);
    if (i + 1 < n) out[i + 1] = r * Math.sin(angle);
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
export function uniform(
  k: Key,
  shape: Shape,
  { minval = 0, maxval = 1 }: { minval?: number; maxval?: number } = {},
): Float64Array | Matrix {
  checkKey('random.uniform', k);
  if (!Number.isFinite(minval) || !Number.isFinite(maxval) || !(maxval > minval)) {
    throw new InputError(`random.uniform: need finite minval < maxval, got [${minval}, ${maxval})`);
  }
  const out = new Float64Array(size('random.uniform', shape));
  fillUniform(k, out);
  for (let i = 0; i < out.length; i++) out[i] = minval + (maxval - minval) * out[i];
  return shaped(shape, out);
}
