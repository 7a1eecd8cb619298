import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linalg, Matrix, predict } from '@tangent-lab/core';
import { ntk } from './setup';

describe('predict.maxLearningRate', () => {
  /** Discrete function-space GD (with momentum) on MSE; returns the final residual norm relative to the start. */
  function run(k: Matrix, lr: number, momentum: number, steps: number): number {
    const n = k.rows;
    const y = Array.from({ length: n }, (_, i) => Math.sin(i));
    let f = new Float64Array(n);
    let prev = f.slice();
    for (let s = 0; s < steps; s++) {
      const r = new Matrix(
        n,
        1,
        f.map((v, i) => (v - y[i]) / n),
      );
      const kr = linalg.matmul(k, r).data;
      const next = f.map((v, i) => v - lr * kr[i] + momentum * (v - prev[i]));
      prev = f;
      f = next;
      if (Math.hypot(...f.map((v, i) => v - y[i])) > 1e6 * Math.hypot(...y)) return Infinity;
    }
    return Math.hypot(...f.map((v, i) => v - y[i])) / Math.hypot(...y);
  }

  it('0.9× the bound converges and 1.1× diverges, with and without momentum', () => {
    const k = new Matrix(
      6,
      6,
      ntk.data.map((v, i) => v + (i % 7 === 0 ? 0.05 : 0)),
    );
    for (const momentum of [0, 0.5]) {
      const eta = predict.maxLearningRate(k, { momentum });
      assert.ok(run(k, 0.9 * eta, momentum, 4000) < 1e-6, `momentum ${momentum}: 0.9× should converge`);
      assert.ok(run(k, 1.1 * eta, momentum, 4000) > 1e3, `momentum ${momentum}: 1.1× should diverge`);
    }
  });

  it('follows Neural Tangents: 2(1 + β)·N/λ_max with N = yTrainSize', () => {
    assert.ok(
      Math.abs(
        predict.maxLearningRate(
          [
            [3, 0],
            [0, 1],
          ],
          { yTrainSize: 10, momentum: 0.5 },
        ) -
          (2 * 1.5 * 10) / 3,
      ) < 1e-9,
    );
    assert.throws(() => predict.maxLearningRate([[1]], { momentum: 1.2 }), /momentum must be in \[0, 1\)/);
    assert.throws(() => predict.maxLearningRate([[1]], { ySize: 2 } as never), /unknown option "ySize"/);
  });
});
