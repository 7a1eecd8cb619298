import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, losses, Matrix, ShapeError, Tensor } from '@tangent-lab/core';

describe('built-in losses: targets in any matrix form, shapes checked', () => {
  const fx = Matrix.from([[0.5], [-1], [2]]);

  it("rows, a Matrix and a Float64Array column give the same value and gradient (½·mean of squares, NT's MSE)", () => {
    const rows = [[1], [0], [1]];
    const expected = (0.5 * (0.25 + 1 + 1)) / 3;
    for (const y of [rows, Matrix.from(rows), Float64Array.from([1, 0, 1]), [1, 0, 1]]) {
      assert.equal(losses.mse.value(fx, y), expected);
      assert.deepEqual(Array.from(losses.mse.grad(fx, y).data), [-0.5 / 3, -1 / 3, 1 / 3]);
    }
  });

  it('cross-entropy takes one-hot rows; a mean over all N·k entries, its gradient is (softmax − y)/(N·k)', () => {
    const logits = Matrix.from([
      [2, 0],
      [0, 1],
    ]);
    const y = [
      [1, 0],
      [0, 1],
    ];
    const softmax = (a: number, b: number) => Math.exp(a) / (Math.exp(a) + Math.exp(b));
    assert.ok(Math.abs(losses.crossEntropy.value(logits, y) - -(Math.log(softmax(2, 0)) + Math.log(softmax(1, 0))) / 4) < 1e-15);
    const g = losses.crossEntropy.grad(logits, y);
    assert.ok(Math.abs(g.get(0, 0) - (softmax(2, 0) - 1) / 4) < 1e-15);
  });

  it('refuses mismatched shapes and outputs that are not a Matrix, saying what was given', () => {
    assert.throws(
      () => losses.mse.value(fx, [[1], [0]]),
      (e: Error) => e instanceof ShapeError && /targets are 2×1 but the outputs are 3×1/.test(e.message),
    );
    assert.throws(
      () =>
        losses.crossEntropy.grad(fx, [
          [1, 0],
          [0, 1],
          [1, 0],
        ]),
      /targets are 3×2 but the outputs are 3×1/,
    );
    assert.throws(
      () => losses.mse.value(new Tensor([3, 2, 2, 1], new Float64Array(12)) as never, [[1], [0], [1]]),
      (e: Error) => e instanceof InputError && /outputs must be a Matrix.*got a Tensor/.test(e.message),
    );
  });
});
