import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { losses, Matrix, predict } from '@tangent-lab/core';
import { assertClose, inputs } from '../helpers/compare';
import { runPython } from '../helpers/python';

const N = 5;
const K = 3;
const f = Matrix.from(inputs(N, K, 1).map((r) => r.map((v) => 4 * v)));
const labels = Matrix.from(inputs(N, 1, 2).map(([v]) => [0, 1, 2].map((c) => (c === Math.floor((v + 1) * 1.5) ? 1 : 0))));

describe('losses: one convention, the mean over all N·k entries', () => {
  it('cross-entropy is -mean(log_softmax(f)·y) and MSE 0.5·mean((f − y)²), as numpy computes them', () => {
    const ref = runPython<{ mse: number; cross_entropy: number }>('losses_reference.py', { f: f.toArray(), y: labels.toArray() });
    assert.ok(Math.abs(losses.crossEntropy.value(f, labels) - ref.cross_entropy) < 1e-14 * Math.abs(ref.cross_entropy));
    assert.ok(Math.abs(losses.mse.value(f, labels) - ref.mse) < 1e-14 * ref.mse);
    // Large logits do not overflow.
    const huge = new Matrix(
      N,
      K,
      f.data.map((v) => 1e3 * v),
    );
    assert.ok(Number.isFinite(losses.crossEntropy.value(huge, labels)));
  });

  it('their gradients equal central finite differences of their values', () => {
    for (const loss of [losses.crossEntropy, losses.mse]) {
      const g = loss.grad(f, labels, new Matrix(N, K));
      const h = 1e-5;
      const fd = f.data.map((_, i) => {
        const plus = f.clone();
        const minus = f.clone();
        plus.data[i] += h;
        minus.data[i] -= h;
        return (loss.value(plus, labels) - loss.value(minus, labels)) / (2 * h);
      });
      assertClose(g, fd, 1e-7, `${loss.name} gradient`);
    }
  });

  it('the per-example convention −(1/N) Σ y·log σ(f) at learning rate η trains as ours at k·η (the README table)', () => {
    const perExample: losses.Loss = {
      name: 'perExample',
      value: (fx, y) => losses.crossEntropy.value(fx, y) * fx.cols,
      grad: (fx, y, out) => {
        losses.crossEntropy.grad(fx, y, out);
        for (let i = 0; i < out.data.length; i++) out.data[i] *= fx.cols;
        return out;
      },
    };
    const kernel = Matrix.from(inputs(N, N + 2, 3));
    const k = new Matrix(N, N);
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) for (let p = 0; p < N + 2; p++) k.data[i * N + j] += kernel.get(i, p) * kernel.get(j, p);
    const zeros = new Matrix(N, K);
    const ours = predict.gradientDescent('crossEntropy', k, labels, { learningRate: 0.9 * K })([1, 5], zeros);
    const theirs = predict.gradientDescent(perExample, k, labels, { learningRate: 0.9 })([1, 5], zeros);
    ours.forEach((p, i) => assertClose(p.train, theirs[i].train.data, 1e-7, `logits at t = ${[1, 5][i]}`));
  });
});
