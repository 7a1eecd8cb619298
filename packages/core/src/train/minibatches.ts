import { fillUniform } from '../random/distributions';
import { split, type Key } from '../random/key';

/**
 * Minibatch row indices for SGD: a fresh random permutation every epoch (keys
 * from successive splits), or every row every step for full-batch descent.
 * Both engines draw from this, so a float64 and a tfjs run see the same batches.
 */
export function* minibatches(n: number, batchSize: number, key: Key): Generator<Int32Array> {
  if (batchSize === n) {
    const all = Int32Array.from({ length: n }, (_, i) => i);
    for (;;) yield all;
  }
  let k = key;
  for (;;) {
    const [next, sub] = split(k, 2);
    k = next;
    const u = new Float64Array(n);
    fillUniform(sub, u);
    const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => u[a] - u[b]);
    for (let start = 0; start + batchSize <= n; start += batchSize) yield order.subarray(start, start + batchSize);
  }
}
