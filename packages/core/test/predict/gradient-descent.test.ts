import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linalg, Matrix, predict } from '@tangent-lab/core';
import { assertClose } from '../helpers/compare';
import { f0, g0, ntk, ntkTest, yTrain } from './setup';

describe('predict.gradientDescent (eqs. 20-26, S19-S25)', () => {
  it('with MSE equals the closed form to 1e-8, train and test', () => {
    const closed = predict.gradientDescentMse(ntk, yTrain, { learningRate: 0.5 });
    const ode5 = predict.gradientDescent('mse', ntk, yTrain, { learningRate: 0.5, rtol: 1e-10, atol: 1e-12 });
    const times = [0.3, 2, 40];
    const a = closed(times, f0, g0, ntkTest);
    const b = ode5(times, f0, g0, ntkTest);
    times.forEach((_, i) => {
      assertClose(b[i].train, a[i].train.data, 1e-8, 'train');
      assertClose(b[i].test!, a[i].test!.data, 1e-8, 'test');
    });
  });

  it('with cross-entropy: the loss falls and the right logits win (eq. 25)', () => {
    const labels = yTrain.map(([a]) => (a > 0 ? [1, 0] : [0, 1]));
    const gd = predict.gradientDescent('crossEntropy', ntk, labels, { learningRate: 10 });
    const zeros = labels.map(() => [0, 0]);
    const states = gd([1, 10, 100, 1000], zeros);
    const loss = (f: Matrix) => f.toArray().reduce((s, [p, q], i) => s - Math.log(Math.exp(labels[i][0] ? p : q) / (Math.exp(p) + Math.exp(q))), 0) / 6;
    const values = states.map((s) => loss(s.train));
    for (let i = 1; i < values.length; i++) assert.ok(values[i] < values[i - 1]);
    states[3].train.toArray().forEach(([p, q], i) => assert.equal(p > q, labels[i][0] === 1));
  });

  it('with momentum follows the discrete update of eq. (21) at a small learning rate', () => {
    const lr = 1e-3;
    const beta = 0.9;
    const steps = 3000;
    const N = 12;
    // Discrete: f_{k+1} = f_k − η Θ ∇ℒ(f_k) + β (f_k − f_{k−1}), ∇ℒ = (f − y)/N.
    let prev = new Matrix(6, 2, Float64Array.from(f0.flat()));
    let cur = prev.clone();
    for (let s = 0; s < steps; s++) {
      const r = new Matrix(
        6,
        2,
        cur.data.map((v, i) => (v - yTrain[i >> 1][i & 1]) / N),
      );
      const kr = linalg.matmul(ntk, r);
      const next = new Matrix(
        6,
        2,
        cur.data.map((v, i) => v - lr * kr.data[i] + beta * (v - prev.data[i])),
      );
      prev = cur;
      cur = next;
    }
    const continuous = predict.gradientDescent('mse', ntk, yTrain, { learningRate: lr, momentum: beta })(steps, f0).train;
    const moved = Math.max(...cur.data.map((v, i) => Math.abs(v - f0.flat()[i])));
    const gap = Math.max(...cur.data.map((v, i) => Math.abs(v - continuous.data[i])));
    assert.ok(gap < 0.05 * moved, `gap ${gap} vs movement ${moved}`);
  });

  it('rejects bad input', () => {
    assert.throws(() => predict.gradientDescent('hinge' as never, ntk, yTrain), /loss must be 'mse', 'crossEntropy'/);
    assert.throws(
      () =>
        predict.gradientDescent(
          'crossEntropy',
          ntk,
          yTrain.map(([a]) => [a]),
        ),
      /one column per class/,
    );
    assert.throws(() => predict.gradientDescent('mse', ntk, yTrain, { momentum: 1 }), /momentum must be in \[0, 1\)/);
    const gd = predict.gradientDescent('mse', ntk, yTrain);
    assert.throws(() => gd(Infinity, f0), /t = Infinity cannot be integrated/);
    assert.throws(() => gd([2, 1], f0), /strictly increasing/);
    assert.throws(() => gd(1, f0.slice(1)), /fx0Train is 5×2 but must be 6×2/);
  });
});
