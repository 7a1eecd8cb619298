import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { empirical, linalg, linearize, Matrix, params as tree, predict, random, stax, train, type Params } from '@tangent-lab/core';
import { inputs, maxRelError } from '../helpers/compare';
import { logLogSlope } from '../helpers/slope';

const x16 = Array.from({ length: 16 }, (_, i) => Array.from({ length: 4 }, (_, j) => Math.sin(2 * i + 3 * j + 1)));
const y16 = x16.map((r) => [Math.tanh(r[0] + r[1] - 0.5 * r[2])]);

/** The per-example Jacobian J(θ) (one output), one backward pass per example. */
function jacobian(net: ReturnType<typeof stax.serial>, params: Params, x: number[][]): Matrix {
  const rows = x.map((xi) => {
    const m = Matrix.from([xi]);
    const { cache } = net.impl.forward(params, m);
    return tree.leaves(net.impl.backward(params, cache, Matrix.from([[1]])).gParams).flatMap((leaf) => Array.from(leaf));
  });
  return Matrix.from(rows);
}

describe('linearize (eq. 6)', () => {
  const net = stax.serial(stax.dense(64, { wStd: 1.4, bStd: 0.1 }), stax.erf(), stax.dense(1, { wStd: 1.4, bStd: 0.1 }));
  const { params } = net.init(random.key(1), 4);

  it('equals the network at θ₀ and differs from it by O(‖θ − θ₀‖²) away from it', () => {
    const lin = linearize(net.apply, params);
    assert.deepEqual(lin(params, x16).data, net.apply(params, x16).data);
    const direction = tree.zerosLike(params);
    tree.leaves(direction).forEach((leaf, l) => leaf.set(Float64Array.from(inputs(1, leaf.length, 40 + l)[0])));
    const gap = (s: number) => {
      const p = tree.cloneParams(params);
      tree.axpy(p, s, direction);
      const a = lin(p, x16).data;
      const b = net.apply(p, x16).data;
      return Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    };
    // Halving the step quarters the gap: second order.
    const ratio = gap(1e-2) / gap(5e-3);
    assert.ok(ratio > 3.6 && ratio < 4.4, `gap ratio ${ratio}`);
  });

  it('trained by gradient descent, its weights follow the closed form of eq. (9) (discrete steps) to 1e-8', () => {
    const lin = linearize(net.apply, params);
    const lr = 0.5;
    const steps = 300;
    const run = train.gradientDescent(lin, params, x16, y16, { learningRate: lr, steps });
    // Discrete eq. 9: with r₀ = f₀ − y and N = 16 outputs, θ_K − θ₀ = −J₀ᵀ Θ₀⁻¹ (I − (I − ηΘ₀/N)^K) r₀.
    const j = jacobian(net, params, x16);
    const theta = linalg.matmul(j, j, { transB: true });
    const { eigenvalues, eigenvectors } = linalg.eigh(theta);
    const f0 = net.apply(params, x16);
    const r0 = new Matrix(
      16,
      1,
      f0.data.map((v, i) => v - y16[i][0]),
    );
    const z = linalg.matmul(eigenvectors, r0, { transA: true });
    const weighted = new Matrix(
      16,
      1,
      z.data.map((v, i) => (v * (1 - (1 - (lr * eigenvalues[i]) / 16) ** steps)) / eigenvalues[i]),
    );
    const solved = linalg.matmul(eigenvectors, weighted);
    const omega = linalg.matmul(j, solved, { transA: true }).data.map((v) => -v);
    const trained = tree.leaves(tree.difference(run.params, params)).flatMap((leaf) => Array.from(leaf));
    assert.ok(maxRelError(trained, omega, 1e-6) < 1e-8, `max relative error ${maxRelError(trained, omega, 1e-6)}`);
  });

  it('training it in weight space gives the function-space prediction of eqs. (10)–(12) with its empirical NTK', () => {
    const lin = linearize(net.apply, params);
    const xTest = inputs(5, 4, 8);
    const run = train.gradientDescent(lin, params, x16, y16, { learningRate: 0.01, steps: 2000, xTest, recordAt: [2000] });
    const ntk = empirical.ntkFn(net.apply);
    const predictFn = predict.gradientDescentMse(ntk(x16, null, params), y16, { learningRate: 0.01 });
    const p = predictFn(2000, net.apply(params, x16), net.apply(params, xTest), ntk(xTest, x16, params));
    // Continuous time vs discrete steps: agreement to O(η).
    assert.ok(maxRelError(run.snapshots[0].test!.data, p.test!.data, 1e-2) < 1e-2);
  });
});

describe('a network and its linearization trained side by side (paper Figs. 2, 4)', () => {
  it('stay closer the wider the net, and the weights move as n^−1/2 (one hidden layer: input, hidden, output)', () => {
    const widths = [128, 256, 512, 1024, 2048];
    const seeds = 8;
    const rmse: number[] = [];
    const change: number[] = [];
    for (const n of widths) {
      const net = stax.serial(stax.dense(n, { wStd: 1.4, bStd: 0.1 }), stax.relu(), stax.dense(1, { wStd: 1.4, bStd: 0.1 }));
      let r = 0;
      let w = 0;
      for (let s = 0; s < seeds; s++) {
        const { params } = net.init(random.key(7 * n + s), 4);
        const options = { learningRate: 1, steps: 400, recordAt: [0, 25, 50, 100, 200, 400] };
        const a = train.gradientDescent(net.apply, params, x16, y16, options);
        const b = train.gradientDescent(linearize(net.apply, params), params, x16, y16, options);
        r += Math.max(...a.snapshots.map((sn, i) => Math.sqrt(sn.train.data.reduce((q, v, j) => q + (v - b.snapshots[i].train.data[j]) ** 2, 0) / 16)));
        w += tree.norm(tree.difference(a.params, params)) / tree.norm(params);
        assert.ok(a.losses[400] < 1e-3, `the network fits the data (loss ${a.losses[400]})`);
      }
      rmse.push(r / seeds);
      change.push(w / seeds);
    }
    for (let i = 1; i < widths.length; i++) assert.ok(rmse[i] < rmse[i - 1], `RMSE ${rmse.map((v) => v.toExponential(2)).join(', ')}`);
    assert.ok(logLogSlope(widths, rmse) < -0.35, `RMSE slope ${logLogSlope(widths, rmse)}`);
    const slope = logLogSlope(widths, change);
    assert.ok(slope > -0.65 && slope < -0.35, `weight-change slope ${slope} (changes ${change.map((v) => v.toExponential(2)).join(', ')})`);
  });
});
