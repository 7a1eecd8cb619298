import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, linalg, Matrix, NumericalError, ode, predict, ShapeError, stax } from '@tangent-lab/core';
import { assertClose, inputs, maxRelError } from './helpers/compare';
import { runPython } from './helpers/python';

const net = stax.serial(
  stax.dense(512, { wStd: 1.5, bStd: 0.05 }), stax.erf(),
  stax.dense(512, { wStd: 1.5, bStd: 0.05 }), stax.erf(),
  stax.dense(1, { wStd: 1.5, bStd: 0.05 }));
const xTrain = inputs(6, 2, 1);
const xTest = inputs(4, 2, 2);
const yTrain = xTrain.map(([a, b]) => [Math.sin(2 * a) + 0.5 * b, Math.cos(a - b)]);
const ntk = net.kernel(xTrain, null, 'ntk');
const ntkTest = net.kernel(xTest, xTrain, 'ntk');
const nngp = net.kernel(xTrain, null, 'nngp');
const nngpTest = net.kernel(xTest, xTrain, 'nngp');
const nngpTestTest = net.kernel(xTest, null, 'nngp');
const f0 = inputs(6, 2, 3);
const g0 = inputs(4, 2, 4);

describe('predict.gradientDescentMse (eqs. 10-12)', () => {
  it('equals integrating the function-space flow ḟ = −η/N·Θ(f − y) with dopri5, train and test', () => {
    const lr = 0.7;
    const N = 12;
    const predictFn = predict.gradientDescentMse(ntk, yTrain, { learningRate: lr });
    const times = [0, 0.5, 3, 20];
    const closed = predictFn(times, f0, g0, ntkTest);
    const rhs = (s: Float64Array) => {
      const train = new Matrix(6, 2, s.slice(0, 12));
      const r = new Matrix(6, 2, train.data.map((v, i) => v - yTrain[i >> 1][i & 1]));
      const dTrain = linalg.matmul(ntk, r).data.map((v) => (-lr / N) * v);
      const dTest = linalg.matmul(ntkTest, r).data.map((v) => (-lr / N) * v);
      return Float64Array.from([...dTrain, ...dTest]);
    };
    const ys = ode.odeint(rhs, [...f0.flat(), ...g0.flat()], times, { rtol: 1e-12, atol: 1e-14 });
    times.forEach((_, i) => {
      assertClose(closed[i].train, ys[i].slice(0, 12), 1e-8, `train at t = ${times[i]}`);
      assertClose(closed[i].test!, ys[i].slice(12), 1e-8, `test at t = ${times[i]}`);
    });
  });

  it('the eigen formula equals a Taylor-series matrix exponential e^{−Θτ}', () => {
    const tau = 0.37;
    const predictFn = predict.gradientDescentMse(ntk, yTrain);
    const got = predictFn(tau * 12, f0).train;
    // e^{−Θτ} by scaling and squaring a 30-term Taylor series.
    const n = 6;
    const s = 8;
    let term = Matrix.identity(n);
    let e = Matrix.identity(n);
    const step = new Matrix(n, n, ntk.data.map((v) => (-v * tau) / 2 ** s));
    for (let k = 1; k <= 30; k++) {
      term = new Matrix(n, n, linalg.matmul(term, step).data.map((v) => v / k));
      e = new Matrix(n, n, e.data.map((v, i) => v + term.data[i]));
    }
    for (let k = 0; k < s; k++) e = linalg.matmul(e, e);
    const r = new Matrix(6, 2, Float64Array.from(f0.flat(), (v, i) => v - yTrain[i >> 1][i & 1]));
    const expected = linalg.matmul(e, r).data.map((v, i) => v + yTrain[i >> 1][i & 1]);
    assertClose(got, expected, 1e-12, 'train outputs');
  });

  it('matches an independent numpy/scipy implementation (expm, solves) at t = 0, 1, 50, ∞', () => {
    const ts = [0, 1, 50, null];
    const ref = runPython<{ mse: { train: number[][]; test: number[][] }[] }>('predict_reference.py', {
      kxx: nngp.toArray(), ktx: nngpTest.toArray(), ktt: nngpTestTest.toArray(), ntk_xx: ntk.toArray(), ntk_tx: ntkTest.toArray(),
      y: yTrain, f0, g0, lr: 2, diag_reg: 1e-3, ts,
    });
    const predictFn = predict.gradientDescentMse(ntk, yTrain, { learningRate: 2, diagReg: 1e-3 });
    ts.forEach((t, i) => {
      const p = predictFn(t ?? Infinity, f0, g0, ntkTest);
      assertClose(p.train, ref.mse[i].train, 1e-9, `train at t = ${t}`);
      assertClose(p.test!, ref.mse[i].test, 1e-9, `test at t = ${t}`);
    });
  });

  it('stays finite for t = 0, tiny, huge and ∞; a singular kernel learns nothing along its null space', () => {
    const predictFn = predict.gradientDescentMse(ntk, yTrain);
    for (const t of [0, 1e-300, 1e-12, 1e12, 1e300, Infinity]) {
      const p = predictFn(t, f0, g0, ntkTest);
      assert.ok(p.train.data.every(Number.isFinite) && p.test!.data.every(Number.isFinite), `t = ${t}`);
    }
    assert.deepEqual(predictFn(0, f0).train.toArray(), f0);
    // Rank-1 kernel vvᵀ: only the component of f − y along v is trained away.
    const v = [1, 2, -1];
    const k = v.map((a) => v.map((b) => a * b));
    const y = [[1], [0], [2]];
    const p = predict.gradientDescentMse(k, y)(Infinity, [[0], [0], [0]]).train;
    const along = (m: number[]) => m.reduce((s, x, i) => s + x * v[i], 0) / 6;
    assert.ok(Math.abs(along(Array.from(p.data)) - along([1, 0, 2])) < 1e-12);
    assert.ok(p.data.every(Number.isFinite));
  });

  it('rejects bad input before any work', () => {
    assert.throws(() => predict.gradientDescentMse(ntk, yTrain.slice(1)), (e: Error) => e instanceof ShapeError && /kTrainTrain is 6×6 but yTrain has 5 rows/.test(e.message));
    assert.throws(() => predict.gradientDescentMse([[1, 2], [0, 1]], [[1], [2]]), /not symmetric/);
    assert.throws(() => predict.gradientDescentMse(ntk, yTrain, { learningRate: 0 }), (e: Error) => e instanceof InputError && /learningRate must be a positive/.test(e.message));
    assert.throws(() => predict.gradientDescentMse(ntk, yTrain, { diagreg: 1 } as never), /unknown option "diagreg". Did you mean "diagReg"/);
    const predictFn = predict.gradientDescentMse(ntk, yTrain);
    assert.throws(() => predictFn(-1), /non-negative/);
    assert.throws(() => predictFn(NaN), /non-negative/);
    assert.throws(() => predictFn(1, f0, null, ntkTest.toArray().map((r) => r.slice(1))), /kTestTrain is 4×5 but must be 4×6/);
    assert.throws(() => predictFn(1, f0, g0), /without kTestTrain/);
    assert.throws(() => predictFn(1, [[1]]), /fx0Train is 1×1 but must be 6×2/);
    const indefinite = predict.gradientDescentMse([[1, 2], [2, 1]], [[1], [0]]);
    assert.throws(() => indefinite(1), (e: Error) => e instanceof NumericalError && /smallest eigenvalue is -1\.0000e\+0.*diagReg/.test(e.message));
  });
});

describe('predict.gradientDescentMseEnsemble (eqs. 13-16, S26-S31)', () => {
  const predictFn = predict.gradientDescentMseEnsemble(net.kernel, xTrain, yTrain, { diagReg: 1e-3, learningRate: 2 });

  it('matches an independent numpy/scipy implementation for NNGP and NTK, mean and covariance', () => {
    const ts = [0, 1, 50, null];
    const ref = runPython<Record<'nngp' | 'ntk', { mean: number[][]; cov: number[][] }[]>>('predict_reference.py', {
      kxx: nngp.toArray(), ktx: nngpTest.toArray(), ktt: nngpTestTest.toArray(), ntk_xx: ntk.toArray(), ntk_tx: ntkTest.toArray(),
      y: yTrain, f0, g0, lr: 2, diag_reg: 1e-3, ts,
    });
    for (const get of ['nngp', 'ntk'] as const) {
      const got = predictFn({ xTest, get, t: ts.map((t) => t ?? Infinity), computeCov: true });
      ts.forEach((t, i) => {
        assertClose(got[i].mean, ref[get][i].mean, 1e-8, `${get} mean at t = ${t}`);
        const scale = Math.max(...nngpTestTest.data);
        const err = Math.max(...got[i].cov!.data.map((v, j) => Math.abs(v - ref[get][i].cov.flat()[j])));
        assert.ok(err < 1e-9 * scale, `${get} cov at t = ${t}: ${err}`);
      });
    }
  });

  it('at t = ∞ the NNGP ensemble is the exact posterior (gpInference), the NTK ensemble the limit of eq. 16', () => {
    const inf = predictFn({ xTest, get: 'nngp', computeCov: true });
    const posterior = predict.gpInference(nngp, yTrain, { diagReg: 1e-3 })(nngpTest, nngpTestTest);
    assertClose(inf.mean, posterior.mean.data, 1e-8, 'mean');
    assert.ok(maxRelError(inf.cov!.data, posterior.cov!.data, 1e-6) < 1e-7);
    // eq. 16 at t → ∞: Θ_tx Θ⁻¹ y and 𝒦_tt − Θ_tx Θ⁻¹ 𝒦_xt − (…)ᵀ + Θ_tx Θ⁻¹ 𝒦 Θ⁻¹ Θ_xt.
    const theta = new Matrix(6, 6, ntk.data.map((v, i) => v + (i % 7 === 0 ? (1e-3 * ntk.trace()) / 6 : 0)));
    const a = linalg.solvePsd(theta, ntkTest.transpose()); // Θ⁻¹ Θ_xt
    const mean = linalg.matmul(a, yTrain, { transA: true });
    const cross = linalg.matmul(a, nngpTest, { transA: true, transB: true });
    const quad = linalg.matmul(linalg.matmul(a, nngp, { transA: true }), a);
    const cov = nngpTestTest.data.map((v, i) => v - cross.data[i] - cross.transpose().data[i] + quad.data[i]);
    const ntkInf = predictFn({ xTest, get: 'ntk', computeCov: true });
    assertClose(ntkInf.mean, mean.data, 1e-8, 'ntk mean');
    assert.ok(maxRelError(ntkInf.cov!.data, cov, 1e-6) < 1e-7);
  });

  it('at t = 0 the mean is 0 and the covariance is the prior NNGP', () => {
    for (const get of ['nngp', 'ntk'] as const) {
      const p = predictFn({ xTest, get, t: 0, computeCov: true });
      assert.ok(p.mean.data.every((v) => v === 0));
      assert.ok(maxRelError(p.cov!.data, nngpTestTest.data) < 1e-12);
    }
  });

  it('on the training inputs: the mean approaches y and the variance shrinks with t', () => {
    const train = predictFn({ get: 'ntk', t: [0, 1, 1e4], computeCov: true });
    const trace = train.map((p) => p.cov!.trace());
    assert.ok(trace[0] > trace[1] && trace[1] > trace[2]);
    assertClose(train[2].mean, yTrain.flat(), 1e-3, 'mean at t = 1e4');
  });

  it('caches kernels: a second query on the same test set does not call kernelFn again', () => {
    let calls = 0;
    const counting = ((x1: never, x2: never, get: never) => {
      calls++;
      return net.kernel(x1, x2, get);
    }) as predict.EnsembleKernelFn;
    const p = predict.gradientDescentMseEnsemble(counting, xTrain, yTrain);
    p({ xTest, t: 1, computeCov: true });
    const first = calls;
    p({ xTest, t: [2, 3, 4], computeCov: true });
    assert.equal(calls, first);
  });

  it('rejects bad queries', () => {
    assert.throws(() => predictFn({ get: 'ntkgp' as never }), /get must be 'ntk' or 'nngp'/);
    assert.throws(() => predictFn({ xTest: [[1, 2, 3]] }), /xTest has 3 features but xTrain has 2/);
    assert.throws(() => predictFn({ t: -2 }), /non-negative/);
    assert.throws(() => predictFn({ x_test: xTest } as never), /unknown option "x_test"/);
    assert.throws(() => predict.gradientDescentMseEnsemble(net.kernel, xTrain, yTrain.slice(2)), /yTrain is 4×2 but must be 6×2/);
  });
});

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
    const gd = predict.gradientDescent('crossEntropy', ntk, labels, { learningRate: 5 });
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
      const r = new Matrix(6, 2, cur.data.map((v, i) => (v - yTrain[i >> 1][i & 1]) / N));
      const kr = linalg.matmul(ntk, r);
      const next = new Matrix(6, 2, cur.data.map((v, i) => v - lr * kr.data[i] + beta * (v - prev.data[i])));
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
    assert.throws(() => predict.gradientDescent('crossEntropy', ntk, yTrain.map(([a]) => [a])), /one column per class/);
    assert.throws(() => predict.gradientDescent('mse', ntk, yTrain, { momentum: 1 }), /momentum must be in \[0, 1\)/);
    const gd = predict.gradientDescent('mse', ntk, yTrain);
    assert.throws(() => gd(Infinity, f0), /t = Infinity cannot be integrated/);
    assert.throws(() => gd([2, 1], f0), /strictly increasing/);
    assert.throws(() => gd(1, f0.slice(1)), /fx0Train is 5×2 but must be 6×2/);
  });
});

describe('predict.maxLearningRate', () => {
  /** Discrete function-space GD (with momentum) on MSE; returns the final residual norm relative to the start. */
  function run(k: Matrix, lr: number, momentum: number, steps: number): number {
    const n = k.rows;
    const y = Array.from({ length: n }, (_, i) => Math.sin(i));
    let f = new Float64Array(n);
    let prev = f.slice();
    for (let s = 0; s < steps; s++) {
      const r = new Matrix(n, 1, f.map((v, i) => (v - y[i]) / n));
      const kr = linalg.matmul(k, r).data;
      const next = f.map((v, i) => v - lr * kr[i] + momentum * (v - prev[i]));
      prev = f;
      f = next;
      if (Math.hypot(...f.map((v, i) => v - y[i])) > 1e6 * Math.hypot(...y)) return Infinity;
    }
    return Math.hypot(...f.map((v, i) => v - y[i])) / Math.hypot(...y);
  }

  it('0.9× the bound converges and 1.1× diverges, with and without momentum', () => {
    const k = new Matrix(6, 6, ntk.data.map((v, i) => v + (i % 7 === 0 ? 0.05 : 0)));
    for (const momentum of [0, 0.5]) {
      const eta = predict.maxLearningRate(k, { momentum });
      assert.ok(run(k, 0.9 * eta, momentum, 4000) < 1e-6, `momentum ${momentum}: 0.9× should converge`);
      assert.ok(run(k, 1.1 * eta, momentum, 4000) > 1e3, `momentum ${momentum}: 1.1× should diverge`);
    }
  });

  it('follows Neural Tangents: 2(1 + β)·N/λ_max with N = yTrainSize', () => {
    assert.ok(Math.abs(predict.maxLearningRate([[3, 0], [0, 1]], { yTrainSize: 10, momentum: 0.5 }) - (2 * 1.5 * 10) / 3) < 1e-9);
    assert.throws(() => predict.maxLearningRate([[1]], { momentum: 1.2 }), /momentum must be in \[0, 1\)/);
    assert.throws(() => predict.maxLearningRate([[1]], { ySize: 2 } as never), /unknown option "ySize"/);
  });
});
