import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix, argmax } from '@tangent-lab/core';

describe('argmax', () => {
  it('finds the first maximum of a vector, a typed array and a flat matrix', () => {
    assert.equal(argmax([0.1, 0.7, 0.2, 0.7]), 1);
    assert.equal(argmax(new Float32Array([-3, -1, -2])), 1);
    assert.equal(
      argmax([
        [1, 5],
        [7, 2],
      ]),
      2,
    );
  });

  it('along rows gives the predicted class of each example; along columns the row of each maximum', () => {
    const logits = Matrix.from([
      [0.1, 0.9, 0.0],
      [2, -1, 1],
      [0, 0, 3],
    ]);
    assert.deepEqual(argmax(logits, 1), [1, 0, 2]);
    assert.deepEqual(argmax(logits, -1), [1, 0, 2]);
    assert.deepEqual(argmax(logits, 0), [1, 0, 2]);
    assert.deepEqual(
      argmax(
        [
          [1, 2, 3],
          [3, 2, 1],
        ],
        0,
      ),
      [1, 0, 0],
    );
  });

  it('rejects bad axes and inputs with what was given', () => {
    assert.throws(() => argmax([[1]], 2 as never), /axis must be 0 .* got 2/);
    assert.throws(() => argmax('abc' as never), /got the string "abc"/);
  });
});
