import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, Matrix, ShapeError } from '@tangent-lab/core';
import { trainKernelArg } from '@tangent-lab/core/internal/predict/inputs';

/** A symmetric n×n matrix of distinct values, larger than the check's 64-wide tiles. */
function symmetric(n: number): Matrix {
  const m = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = Math.sin(i * 7.1 + j * 3.3) + (i === j ? n : 0);
      m.data[i * n + j] = v;
      m.data[j * n + i] = v;
    }
  }
  return m;
}

describe('trainKernelArg', () => {
  const n = 130;

  it('accepts a symmetric kernel, also with differences at round-off, and returns it as is', () => {
    const k = symmetric(n);
    assert.equal(trainKernelArg('t', 'k', k, n), k);
    k.data[100 * n + 3] *= 1 + 1e-13;
    assert.equal(trainKernelArg('t', 'k', k, n), k);
  });

  it('refuses an empty kernel with the same message as every matrix argument', () => {
    assert.throws(
      () => trainKernelArg('t', 'k', new Matrix(0, 0), 0),
      (e: Error) => e instanceof ShapeError && /k is empty \(0×0\)/.test(e.message),
    );
  });

  it('refuses an asymmetry anywhere, above or below the diagonal, in any tile', () => {
    for (const [i, j] of [
      [100, 3],
      [3, 100],
      [64, 65],
      [129, 128],
    ]) {
      const k = symmetric(n);
      k.data[i * n + j] += 1e-6;
      assert.throws(
        () => trainKernelArg('t', 'k', k, n),
        (e: Error) => e instanceof ShapeError && /k is not symmetric/.test(e.message),
        `(${i}, ${j})`,
      );
    }
  });

  it('says where a non-finite value is, on the diagonal, above or below it', () => {
    for (const [i, j, v] of [
      [5, 5, NaN],
      [2, 90, Infinity],
      [90, 2, -Infinity],
      [129, 0, NaN],
    ] as const) {
      const k = symmetric(n);
      k.data[i * n + j] = v;
      assert.throws(
        () => trainKernelArg('t', 'k', k, n),
        (e: Error) => e instanceof InputError && e.message.includes(`non-finite value (${v}) at row ${i}, column ${j}`),
        `(${i}, ${j})`,
      );
    }
    assert.throws(
      () =>
        trainKernelArg(
          't',
          'k',
          [
            [1, NaN],
            [NaN, 1],
          ],
          2,
        ),
      /non-finite value \(NaN\) at row 0, column 1/,
    );
  });
});
