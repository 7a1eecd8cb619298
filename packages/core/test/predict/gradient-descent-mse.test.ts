import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { empirical, InputError, linalg, linearize, Matrix, NumericalError, ode, predict, random, ShapeError, stax, train } from '@tangent-lab/core';
import { assertClose, inputs, maxRelError } from '../helpers/compare';
import { f0, g0, ntk, ntkTest, numpyReference, yTrain } from './setup';

describe('predict.gradientDescentMse (eqs. 10-12)', () => {
  it('equals integrating the function-space flow ḟ = −η/N·Θ(f − y) with dopri5, train and test', () => {
    const lr = 0.7;
    const N = 12;
    const predictFn = predict.gradientDescentMse(ntk, yTrain, { learningRate: lr });
    const times = [0, 0.5, 3, 20];
    const closed = predictFn(times, f0, g0, ntkTest);
    const rhs = (s: Float64Array) => {
      const train = new Matrix(6, 2, s.slice(0, 12));
      const r = new Matrix(
        6,
        2,
        train.data.map((v, i) => v - yTrain[i >> 1][i & 1]),
      );
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
    const step = new Matrix(
      n,
      n,
      ntk.data.map((v) => (-v * tau) / 2 ** s),
    );
    for (let k = 1; k <= 30; k++) {
      term = new Matrix(
        n,
        n,
        linalg.matmul(term, step).data.map((v) => v / k),
      );
      e = new Matrix(
        n,
        n,
        e.data.map((v, i) => v + term.data[i]),
      );
    }
    for (let k = 0; k < s; k++) e = linalg.matmul(e, e);
    const r = new Matrix(
      6,
      2,
      Float64Array.from(f0.flat(), (v, i) => v - yTrain[i >> 1][i & 1]),
    );
    const expected = linalg.matmul(e, r).data.map((v, i) => v + yTrain[i >> 1][i & 1]);
    assertClose(got, expected, 1e-12, 'train outputs');
  });

  it('matches an independent numpy/scipy implementation (expm, solves) at t = 0, 1, 50, ∞', () => {
    const ts = [0, 1, 50, null];
    const ref = numpyReference<{ mse: { train: number[][]; test: number[][] }[] }>({ diag_reg: 1e-3, ts });
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
    assert.throws(
      () => predict.gradientDescentMse(ntk, yTrain.slice(1)),
      (e: Error) => e instanceof ShapeError && /kTrainTrain is 6×6 but yTrain has 5 rows/.test(e.message),
    );
    assert.throws(
      () =>
        predict.gradientDescentMse(
          [
            [1, 2],
            [0, 1],
          ],
          [[1], [2]],
        ),
      /not symmetric/,
    );
    assert.throws(
      () => predict.gradientDescentMse(ntk, yTrain, { learningRate: 0 }),
      (e: Error) => e instanceof InputError && /learningRate must be a positive/.test(e.message),
    );
    assert.throws(() => predict.gradientDescentMse(ntk, yTrain, { diagreg: 1 } as never), /unknown option "diagreg". Did you mean "diagReg"/);
    const predictFn = predict.gradientDescentMse(ntk, yTrain);
    assert.throws(() => predictFn(-1), /non-negative/);
    assert.throws(() => predictFn(NaN), /non-negative/);
    assert.throws(
      () =>
        predictFn(
          1,
          f0,
          null,
          ntkTest.toArray().map((r) => r.slice(1)),
        ),
      /kTestTrain is 4×5 but must be 4×6/,
    );
    assert.throws(() => predictFn(1, f0, g0), /without kTestTrain/);
    assert.throws(() => predictFn(1, [[1]]), /fx0Train is 1×1 but must be 6×2/);
    const indefinite = predict.gradientDescentMse(
      [
        [1, 2],
        [2, 1],
      ],
      [[1], [0]],
    );
    assert.throws(
      () => indefinite(1),
      (e: Error) => e instanceof NumericalError && /smallest eigenvalue is -1\.0000e\+0.*diagReg/.test(e.message),
    );
  });
});

describe('predict.gradientDescentMse results', () => {
  it("destructure in NT's order [train, test]; test outputs only with kTestTrain", () => {
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

describe('predict.gradientDescentMse with the full multi-output kernel (traceAxes: [])', () => {
  // A narrow 3-output network: its outputs are visibly coupled through the shared hidden layer.
  const net3 = stax.serial(stax.dense(32, { wStd: 1.3, bStd: 0.2 }), stax.erf(), stax.dense(3, { wStd: 1.3, bStd: 0.2 }));
  const { params } = net3.init(random.key(11), 3);
  const x = inputs(8, 3, 21);
  const xt = inputs(5, 3, 22);
  const y = x.map((r) => [Math.sin(r[0]), r[1] * r[2], Math.cos(r[0] - r[2])]);
  const lin = linearize(net3.apply, params);
  const fullNtk = empirical.ntkFn(net3.apply, { traceAxes: [] });
  const averagedNtk = empirical.ntkFn(net3.apply);
  const fx0 = net3.apply(params, x) as Matrix;
  const gx0 = net3.apply(params, xt) as Matrix;
  const t = 100;

  it('is where train.gradientDescent takes the linearized 3-output network as the step → 0: agreement to 3e-7 (eqs. 9–10, N = n·k)', () => {
    const exact = predict.gradientDescentMse(fullNtk(x, null, params), y)(t, fx0, gx0, fullNtk(xt, x, params));
    assert.deepEqual([exact.train.rows, exact.train.cols, exact.test.rows, exact.test.cols], [8, 3, 5, 3]);
    // Gradient descent at step η reaches t = steps·η with an O(η) error, so
    // 2·GD(η/2) − GD(η) (Richardson) is O(η²) from the gradient-flow limit.
    const trained = (lr: number) => {
      const run = train.gradientDescent(lin, params, x, y, { learningRate: lr, steps: Math.round(t / lr) });
      return { train: lin(run.params, x).data, test: lin(run.params, xt).data };
    };
    const [coarse, mid, fine] = [0.1, 0.05, 0.025].map(trained);
    const richardson = (a: Float64Array, b: Float64Array) => b.map((v, i) => 2 * v - a[i]);
    const gap = (a: Float64Array, b: Float64Array) => maxRelError(a, b, 1e-2);
    const first = gap(mid.test, exact.test.data) / gap(fine.test, exact.test.data);
    assert.ok(first > 1.9 && first < 2.1, `plain gradient descent: the gap halves with the step (ratio ${first})`);
    const rich = [richardson(coarse.test, mid.test), richardson(mid.test, fine.test)].map((r) => gap(r, exact.test.data));
    assert.ok(rich[0] / rich[1] > 3.6 && rich[0] / rich[1] < 4.4, `extrapolated: the gap quarters (ratio ${rich[0] / rich[1]})`);
    assert.ok(rich[1] < 3e-7, `test outputs: ${rich[1]}`);
    assert.ok(gap(richardson(mid.train, fine.train), exact.train.data) < 3e-7, 'train outputs');
  });

  it('the output-averaged kernel misses the coupling: on this narrow network it is off by more than 10 %', () => {
    const approximate = predict.gradientDescentMse(averagedNtk(x, null, params), y)(t, fx0, gx0, averagedNtk(xt, x, params));
    const exact = predict.gradientDescentMse(fullNtk(x, null, params), y)(t, fx0, gx0, fullNtk(xt, x, params));
    assert.ok(maxRelError(approximate.test.data, exact.test.data, 1e-2) > 0.1);
  });

  it('with Θ ⊗ Id_k (example-major) it equals the n×n predictor column by column, with diagReg, at t = 0, 3, ∞', () => {
    const k = 2;
    const kron = (m: Matrix) =>
      new Matrix(
        m.rows * k,
        m.cols * k,
        Float64Array.from({ length: m.rows * m.cols * k * k }, (_, q) => {
          const r = Math.floor(q / (m.cols * k));
          const c = q % (m.cols * k);
          return r % k === c % k ? m.get(Math.floor(r / k), Math.floor(c / k)) : 0;
        }),
      );
    const times = [0, 3, Infinity];
    const columns = predict.gradientDescentMse(ntk, yTrain, { learningRate: 0.8, diagReg: 1e-2 })(times, f0, g0, ntkTest);
    const coupled = predict.gradientDescentMse(kron(ntk), yTrain, { learningRate: 0.8, diagReg: 1e-2 })(times, f0, g0, kron(ntkTest));
    times.forEach((time, i) => {
      assertClose(coupled[i].train, columns[i].train.data, 1e-12, `train at t = ${time}`);
      assertClose(coupled[i].test, columns[i].test.data, 1e-12, `test at t = ${time}`);
    });
  });

  it('fits the targets at t = ∞', () => {
    const converged = predict.gradientDescentMse(fullNtk(x, null, params), y)(Infinity, fx0).train;
    assert.ok(maxRelError(converged.data, y.flat(), 1e-3) < 1e-8);
  });

  it('rejects a test kernel of the other kind, and kernels of neither size, before any work', () => {
    const predictFn = predict.gradientDescentMse(fullNtk(x, null, params), y);
    assert.throws(
      () => predictFn(1, fx0, gx0, averagedNtk(xt, x, params)),
      (e: Error) =>
        e instanceof ShapeError && /kTestTrain is 5×8, but kTrainTrain is the full 24×24 multi-output kernel of 8 examples and 3 outputs/.test(e.message),
    );
    assert.throws(() => predictFn(1, fx0, [[0, 0, 0]], fullNtk(xt, x, params)), /fx0Test is 1×3 but must be 5×3/);
    assert.throws(
      () => predict.gradientDescentMse(Matrix.identity(12), y),
      (e: Error) =>
        e instanceof ShapeError && /12×12 but yTrain has 8 rows and 3 columns; pass the 8×8 output-averaged kernel .* or the full 24×24/.test(e.message),
    );
    assert.throws(
      () => predict.gpInference(fullNtk(x, null, params), y),
      /looks like a full multi-output kernel \(traceAxes: \[\]\), which only predict.gradientDescentMse accepts/,
    );
  });
});
