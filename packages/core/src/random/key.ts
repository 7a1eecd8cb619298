import { InputError } from '../errors';
import { threefry2x32 } from './threefry';

/**
 * A random key: two unsigned 32-bit words, exactly as in JAX. Keys are values;
 * using the same key twice gives the same numbers, so split a key rather than
 * reuse it.
 */
export type Key = readonly [number, number];

/**
 * A key from an integer seed, as `jax.random.PRNGKey(seed)`: the high and low
 * 32 bits of the seed read as a 64-bit two's-complement integer.
 *
 * @example
 * ```ts
 * const k = random.key(0);           // [0, 0]
 * const [k1, k2] = random.split(k);  // same words as jax.random.split(PRNGKey(0))
 * ```
 */
export function key(seed: number): Key {
  if (!Number.isSafeInteger(seed)) {
    throw new InputError(`random.key: seed must be an integer between ±2^53, got ${seed}`);
  }
  const big = BigInt.asUintN(64, BigInt(seed));
  return [Number(big >> 32n), Number(big & 0xffffffffn)];
}

/** Checks that a value is a key, with an error that says how to make one. */
export function checkKey(where: string, k: unknown): Key {
  if (!Array.isArray(k) || k.length !== 2 || !k.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)) {
    throw new InputError(`${where}: expected a random key (two uint32 words from random.key(seed) or random.split), got ${JSON.stringify(k)}`);
  }
  return k as unknown as Key;
}

/**
 * Splits a key into `n` new independent keys. Matches `jax.random.split` with
 * the threefry implementation: counters 0..2n−1 are encrypted in two halves and
 * the output is read back as n pairs.
 */
export function split(k: Key, n = 2): Key[] {
  checkKey('random.split', k);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`random.split: n must be a positive integer, got ${n}`);
  const words = threefryCounters(k, 2 * n);
  const keys: Key[] = [];
  for (let i = 0; i < n; i++) keys.push([words[2 * i], words[2 * i + 1]]);
  return keys;
}

/**
 * A new key derived from `k` and an integer, as `jax.random.fold_in`: useful to
 * give step t of a loop its own key without splitting a chain.
 */
export function foldIn(k: Key, data: number): Key {
  checkKey('random.foldIn', k);
  if (!Number.isInteger(data) || data < 0 || data > 0xffffffff) {
    throw new InputError(`random.foldIn: data must be an integer in [0, 2^32), got ${data}`);
  }
  const out = new Uint32Array(2);
  threefry2x32(k[0], k[1], 0, data, out);
  return [out[0], out[1]];
}

/**
 * JAX's `threefry_2x32(key, iota(count))`: the counters 0..count−1 are split in
 * two halves (padded with a zero when odd) that form the two input words.
 */
export function threefryCounters(k: Key, count: number): Uint32Array {
  const half = Math.ceil(count / 2);
  const pair = new Uint32Array(2);
  const x0 = new Uint32Array(half);
  const x1 = new Uint32Array(half);
  for (let i = 0; i < half; i++) {
    const c1 = half + i;
    threefry2x32(k[0], k[1], i, c1 < count ? c1 : 0, pair);
    x0[i] = pair[0];
    x1[i] = pair[1];
  }
  const out = new Uint32Array(count);
  out.set(x0.subarray(0, Math.min(half, count)), 0);
  out.set(x1.subarray(0, count - half), half);
  return out;
}
