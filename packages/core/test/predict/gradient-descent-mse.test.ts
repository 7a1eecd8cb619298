import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, linalg, Matrix, NumericalError, ode, predict, ShapeError } from '@tangent-lab/core';
import { assertClose } from '../helpers/compare';
import { runPython } from '../helpers/python';
import { f0, g0, nngp, nngpTest, nngpTestTest, ntk, ntkTest, yTrain } from './setup';

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


describe('predict.gradientDescentMse results', () => {
  it('destructure in NT\'s order [train, test]; test outputs only with kTestTrain', () => {
    const predictFn = predict.gradientDescentMse(ntk, yTrain, { diagReg: 1e-3 });
    const p = predictFn(2, f0, g0, ntkTest);
    const [train, test] = p;
    assert.equal(train, p.train);
    assert.equal(test, p.test);
    assert.deepEqual(Object.keys(p), ['train', 'test']);
    assert.deepEqual(Object.keys(predictFn(2, f0)), ['train']);
    assert.throws(() => predict.gradientDescentMse(ntk, yTrain, { diagRegAbsoluteScale: 'yes' as never }), /diagRegAbsoluteScale must be true/);
  });
});
