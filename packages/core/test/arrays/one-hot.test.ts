import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, argmax, oneHot } from '@tangent-lab/core';

describe('oneHot', () => {
  it('encodes labels 0…k−1 and lists of class values', () => {
    assert.deepEqual(oneHot([2, 0, 1], 3).toArray(), [
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
    ]);
    assert.deepEqual(oneHot(new Int32Array([5, 3]), [3, 5]).toArray(), [
      [0, 1],
      [1, 0],
    ]);
    assert.deepEqual(argmax(oneHot([4, 1, 9, 0], 10), 1), [4, 1, 9, 0]);
  });

  it('centres to −0.1/0.9 for ten classes (rows sum to zero for any k)', () => {
    const y = oneHot([3, 7], 10, { center: true });
    assert.ok(Math.abs(y.get(0, 3) - 0.9) < 1e-15 && Math.abs(y.get(0, 0) + 0.1) < 1e-15);
    const y3 = oneHot([0, 2], 3, { center: true });
    for (let i = 0; i < 2; i++) assert.ok(Math.abs(y3.row(i).reduce((a, b) => a + b, 0)) < 1e-15);
  });

  it('says which label is not a class', () => {
    assert.throws(
      () => oneHot([0, 3], 3),
      (e: Error) => e instanceof InputError && /labels\[1\] is 3, which is not one of the classes 0…2/.test(e.message),
    );
    assert.throws(() => oneHot([4], [3, 5]), /labels\[0\] is 4, which is not one of the classes \[3, 5\]/);
    assert.throws(() => oneHot([3], [3, 3]), /repeated values/);
    assert.throws(() => oneHot([0], 0), /number of classes must be a positive integer/);
  });
});
