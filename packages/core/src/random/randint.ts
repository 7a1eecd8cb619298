import { InputError } from '../errors';
import { Matrix } from '../matrix';
import { fillUniform } from './distributions';
import { checkKey, type Key } from './key';

/**
 * Uniform random integers in [minval, maxval), as
 * `jax.random.randint(key, shape, minval, maxval)`: an `Int32Array` for a
 * count, a {@link Matrix} for `[rows, cols]`.
 *
 * @example
 * ```ts
 * const batch = random.randint(random.key(1), 64, 0, 1000); // 64 indices into a training set
 * ```
 */
export function randint(k: Key, shape: number, minval: number, maxval: number): Int32Array;
export function randint(k: Key, shape: readonly [number, number], minval: number, maxval: number): Matrix;
export function randint(k: Key, shape: number | readonly [number, number], minval: number, maxval: number): Int32Array | Matrix {
  checkKey('random.randint', k);
  if (!Number.isInteger(minval) || !Number.isInteger(maxval) || !(maxval > minval) || minval < -(2 ** 31) || maxval > 2 ** 31) {
    throw new InputError(`random.randint: need integers minval < maxval within the int32 range, got [${minval}, ${maxval})`);
  }
  const dims = typeof shape === 'number' ? [shape] : [...shape];
  if (!dims.every((d) => Number.isInteger(d) && d >= 0) || (typeof shape !== 'number' && dims.length !== 2)) {
    throw new InputError(`random.randint: shape must be a count or [rows, cols] of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  const u = new Float64Array(dims.reduce((a, b) => a * b, 1));
  fillUniform(k, u);
  const span = maxval - minval;
  const values = u.map((v) => minval + Math.floor(v * span));
  return typeof shape === 'number' ? Int32Array.from(values) : new Matrix(dims[0], dims[1], values);
}
