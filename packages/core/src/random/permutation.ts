import { InputError } from '../errors';
import { Matrix } from '../matrix';
import { Tensor } from '../tensor';
import { fillUniform } from './distributions';
import { checkKey, type Key } from './key';

/**
 * A random permutation, as `jax.random.permutation(key, x)`:
 * - `n` (an integer) → the numbers 0…n−1 shuffled;
 * - a `number[]` or typed array → a shuffled copy;
 * - a {@link Matrix} or {@link Tensor} → a copy with its rows (examples) shuffled.
 * The same key gives the same order (Fisher–Yates on the key's uniform stream;
 * the numbers differ from JAX's, which sorts random bits).
 *
 * @example
 * ```ts
 * const order = random.permutation(random.key(0), 5); // e.g. [3, 0, 4, 1, 2]
 * ```
 */
export function permutation(k: Key, x: number): number[];
export function permutation(k: Key, x: readonly number[]): number[];
export function permutation<T extends Float64Array | Float32Array | Int32Array | Uint8Array>(k: Key, x: T): T;
export function permutation(k: Key, x: Matrix): Matrix;
export function permutation(k: Key, x: Tensor): Tensor;
export function permutation(k: Key, x: unknown): unknown {
  checkKey('random.permutation', k);
  if (typeof x === 'number') {
    if (!Number.isInteger(x) || x < 0) throw new InputError(`random.permutation: n must be a non-negative integer, got ${x}`);
    return shuffledIndices(k, x);
  }
  if (x instanceof Matrix) {
    const order = shuffledIndices(k, x.rows);
    const out = new Matrix(x.rows, x.cols);
    order.forEach((i, r) => out.data.set(x.row(i), r * x.cols));
    return out;
  }
  if (x instanceof Tensor) {
    if (x.rank === 0) throw new InputError('random.permutation: a scalar tensor has no examples to shuffle');
    return x.take(shuffledIndices(k, x.shape[0]));
  }
  if (Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView))) {
    const arr = x as unknown as { length: number; [i: number]: unknown; slice(): typeof arr };
    const order = shuffledIndices(k, arr.length);
    const out = arr.slice();
    order.forEach((i, r) => {
      out[r] = arr[i];
    });
    return out;
  }
  throw new InputError(`random.permutation: x must be a count, an array, a typed array, a Matrix or a Tensor, got ${typeof x}`);
}

/** 0…n−1 in a random order drawn from `k` (Fisher–Yates, one uniform per step). */
export function shuffledIndices(k: Key, n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  const u = new Float64Array(n);
  fillUniform(k, u);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u[i] * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}
