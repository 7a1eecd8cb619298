import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix, Tensor, permutation, random } from '@tangent-lab/core';

describe('random.permutation', () => {
  it('is a permutation, the same for the same key, different for another key', () => {
    const p = random.permutation(random.key(0), 50);
    assert.deepEqual(
      [...p].sort((a, b) => a - b),
      Array.from({ length: 50 }, (_, i) => i),
    );
    assert.deepEqual(random.permutation(random.key(0), 50), p);
    assert.notDeepEqual(random.permutation(random.key(1), 50), p);
    assert.equal(permutation, random.permutation);
  });

  it('is uniform: each of the 6 orders of 3 items about 1/6 of the time over 6000 keys', () => {
    const counts = new Map<string, number>();
    for (const k of random.split(random.key(7), 6000)) {
      const key = random.permutation(k, 3).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    assert.equal(counts.size, 6);
    // Binomial(6000, 1/6): sd ≈ 29; 5 sd bounds fail only for a biased shuffle.
    for (const [order, c] of counts) assert.ok(Math.abs(c - 1000) < 145, `order ${order} came ${c} times`);
  });

  it('shuffles the rows of a matrix and the examples of a tensor the same way as the indices', () => {
    const k = random.key(2);
    const order = random.permutation(k, 4);
    const m = Matrix.from([
      [0, 0],
      [1, 10],
      [2, 20],
      [3, 30],
    ]);
    assert.deepEqual(random.permutation(k, m).column(0), Float64Array.from(order));
    const t = Tensor.from([[[0]], [[1]], [[2]], [[3]]]);
    assert.deepEqual(Array.from(random.permutation(k, t).data), order);
    const typed = random.permutation(k, new Float32Array([0, 1, 2, 3]));
    assert.ok(typed instanceof Float32Array);
    assert.deepEqual(Array.from(typed), order);
  });
});
