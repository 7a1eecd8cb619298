import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linalg, Matrix, predict } from '@tangent-lab/core';
import { assertClose, inputs, maxRelError } from '../helpers/compare';
import { f0, g0, net, nngp, nngpTest, nngpTestTest, ntk, ntkTest, numpyReference, xTest, xTrain, yTrain } from './setup';

describe('predict.gradientDescentMseEnsemble (eqs. 13-16, S26-S31)', () => {
  const predictFn = predict.gradientDescentMseEnsemble(net.kernel, xTrain, yTrain, { diagReg: 1e-3, learningRate: 2 });

  it('matches an independent numpy/scipy implementation for NNGP and NTK, mean and covariance', () => {
    const ts = [0, 1, 50, null];
    const ref = numpyReference<Record<'nngp' | 'ntk', { mean: number[][]; cov: number[][] }[]>>({ diag_reg: 1e-3, ts });
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
    const theta = new Matrix(
      6,
      6,
      ntk.data.map((v, i) => v + (i % 7 === 0 ? (1e-3 * ntk.trace()) / 6 : 0)),
    );
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

  it('on the training inputs the covariance is e^{−Θτ}𝒦e^{−Θτ} (all layers) or VΛe^{−2Λτ}Vᵀ (readout only)', () => {
    const tau = 3 / 12; // t = 1.5, η = 2, N = 12
    for (const [g, k] of [
      ['ntk', ntk],
      ['nngp', nngp],
    ] as const) {
      const reg = new Matrix(
        6,
        6,
        k.data.map((v, i) => v + (i % 7 === 0 ? (1e-3 * k.trace()) / 6 : 0)),
      );
      const { eigenvalues, eigenvectors: v } = linalg.eigh(reg);
      const weighted = (w: (l: number) => number) =>
        linalg.matmul(
          new Matrix(
            6,
            6,
            v.data.map((x, i) => x * w(eigenvalues[i % 6])),
          ),
          v,
          { transB: true },
        );
      const expected =
        g === 'ntk'
          ? linalg.matmul(
              linalg.matmul(
                weighted((l) => Math.exp(-l * tau)),
                nngp,
              ),
              weighted((l) => Math.exp(-l * tau)),
            )
          : weighted((l) => l * Math.exp(-2 * l * tau));
      const got = predictFn({ get: g, t: 1.5, computeCov: true }).cov;
      const scale = Math.max(...expected.data.map(Math.abs));
      assert.ok(Math.max(...got.data.map((x, i) => Math.abs(x - expected.data[i]))) < 1e-10 * scale, g);
    }
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
    assert.throws(
      () => predictFn({ get: 'ntkgp' as never }),
      /get must be 'ntk', 'nngp' or a list of them, got "ntkgp" \(the NTK-GP posterior is predict.gpInference/,
    );
    assert.throws(() => predictFn({ xTest: [[1, 2, 3]] }), /xTest has 3 features but xTrain has 2/);
    assert.throws(() => predictFn({ t: -2 }), /non-negative/);
    assert.throws(() => predictFn({ x_test: xTest } as never), /unknown option "x_test"/);
    assert.throws(() => predict.gradientDescentMseEnsemble(net.kernel, xTrain, yTrain.slice(2)), /yTrain is 4×2 but must be 6×2/);
  });
});

describe("predict.gradientDescentMseEnsemble: Neural Tangents' options", () => {
  const times = [0, 0.7, 20, Infinity];

  it('diagRegAbsoluteScale adds diagReg as is: equal to the relative regulariser diagReg·n/tr K, per kernel, and to numpy', () => {
    const c = 0.02;
    const absolute = predict.gradientDescentMseEnsemble(net.kernel, xTrain, yTrain, { diagReg: c, diagRegAbsoluteScale: true, learningRate: 2 });
    for (const [g, k] of [
      ['nngp', nngp],
      ['ntk', ntk],
    ] as const) {
      const relative = predict.gradientDescentMseEnsemble(net.kernel, xTrain, yTrain, { diagReg: (c * 6) / k.trace(), learningRate: 2 });
      const a = absolute({ xTest, get: g, t: times, computeCov: true });
      const r = relative({ xTest, get: g, t: times, computeCov: true });
      times.forEach((t, i) => {
        assertClose(a[i].mean, r[i].mean.data, 1e-10, `${g} mean at t = ${t}`);
        assert.ok(maxRelError(a[i].cov.data, r[i].cov.data, 1e-6) < 1e-9, `${g} cov at t = ${t}`);
      });
    }
    const ref = numpyReference<{ ntk: { mean: number[][] }[]; mse: { test: number[][] }[] }>({ diag_reg: c, abs: true, ts: [0.7, null] });
    const got = absolute({ xTest, get: 'ntk', t: [0.7, Infinity], computeCov: true });
    got.forEach((p, i) => assertClose(p.mean, ref.ntk[i].mean, 1e-9, 'ntk mean against numpy'));
    const mse = predict.gradientDescentMse(ntk, yTrain, { diagReg: c, diagRegAbsoluteScale: true, learningRate: 2 })(0.7, f0, g0, ntkTest);
    assertClose(mse.test, ref.mse[0].test, 1e-9, 'gradientDescentMse test outputs against numpy');
  });

  it('get as a list gives { nngp, ntk }, equal to one call per kernel, from one kernelFn call per pair of inputs', () => {
    const calls: string[] = [];
    const counting = ((x1: never, x2: never, get: never) => {
      calls.push(JSON.stringify(get));
      return net.kernel(x1, x2, get);
    }) as predict.EnsembleKernelFn;
    const both = predict.gradientDescentMseEnsemble(counting, xTrain, yTrain, { diagReg: 1e-3 })({ xTest, get: ['nngp', 'ntk'], t: times, computeCov: true });
    assert.deepEqual(calls, ['["nngp","ntk"]', '["nngp","ntk"]', '"nngp"'], 'train-train and test-train both at once, then the test-test NNGP');
    const one = predict.gradientDescentMseEnsemble(net.kernel, xTrain, yTrain, { diagReg: 1e-3 });
    for (const g of ['nngp', 'ntk'] as const) {
      const alone = one({ xTest, get: g, t: times, computeCov: true });
      both[g].forEach((p, i) => {
        assert.deepEqual(p.mean.data, alone[i].mean.data);
        assert.deepEqual(p.cov.data, alone[i].cov.data);
      });
    }
    const [nngpFirst, ntkSecond] = both;
    assert.equal(nngpFirst, both.nngp);
    assert.equal(ntkSecond, both.ntk);
    // A kernel function of one kernel at a time is asked once per kernel.
    const single = ((x1: never, x2: never, get: 'nngp' | 'ntk') => {
      if (typeof get !== 'string') throw new Error('one kernel at a time');
      return net.kernel(x1, x2, get);
    }) as predict.EnsembleKernelFn;
    const fromSingle = predict.gradientDescentMseEnsemble(single, xTrain, yTrain, { diagReg: 1e-3 })({ xTest, get: ['ntk', 'nngp'], t: 3 });
    assert.deepEqual(fromSingle.ntk.mean.data, one({ xTest, get: 'ntk', t: 3 }).mean.data);
  });

  it("computeCov: 'diagonal' is the diagonal of the full covariance, on test and training sets, without the m×m test kernel", () => {
    const shapes: string[] = [];
    const watching = ((x1: Matrix, x2: Matrix | null, get: never) => {
      shapes.push(`${x1.rows}×${(x2 ?? x1).rows}`);
      return net.kernel(x1, x2, get);
    }) as unknown as predict.EnsembleKernelFn;
    const manyTest = inputs(40, 2, 9);
    const diagonal = predict.gradientDescentMseEnsemble(watching, xTrain, yTrain, { diagReg: 1e-3 });
    const full = predict.gradientDescentMseEnsemble(net.kernel, xTrain, yTrain, { diagReg: 1e-3 });
    for (const g of ['nngp', 'ntk'] as const) {
      for (const xt of [manyTest, undefined]) {
        const d = diagonal({ xTest: xt, get: g, t: times, computeCov: 'diagonal' });
        const f = full({ xTest: xt, get: g, t: times, computeCov: true });
        times.forEach((t, i) => {
          assert.deepEqual(d[i].mean.data, f[i].mean.data);
          assert.equal(d[i].cov, undefined);
          const scale = Math.max(...f[i].cov.diag().map(Math.abs), 1e-300);
          const err = Math.max(...d[i].variance.map((v, j) => Math.abs(v - f[i].cov.get(j, j))));
          assert.ok(err < 1e-12 * Math.max(scale, nngpTestTest.get(0, 0)), `${g} variance at t = ${t} (${xt ? 'test' : 'train'}): ${err}`);
        });
      }
    }
    assert.ok(!shapes.includes('40×40'), `the 40×40 test-test kernel was computed: ${shapes.join(', ')}`);
    assert.ok(shapes.includes('32×32') && shapes.includes('8×8'), 'the diagonal comes from blocks of 32 rows');
    const [mean, variance] = diagonal({ xTest: manyTest, computeCov: 'diagonal' });
    assert.ok(mean instanceof Matrix && variance instanceof Float64Array);
  });

  it("results destructure in NT's order: [mean, cov]", () => {
    const p = predict.gradientDescentMseEnsemble(net.kernel, xTrain, yTrain, { diagReg: 1e-3 })({ xTest, t: 5, computeCov: true });
    const [mean, cov] = p;
    assert.equal(mean, p.mean);
    assert.equal(cov, p.cov);
    assert.deepEqual(Object.keys(p), ['mean', 'cov'], 'the iterator is not a field');
    assert.throws(
      () => predict.gradientDescentMseEnsemble(net.kernel, xTrain, yTrain)({ computeCov: 'diag' as never }),
      /computeCov must be true .* 'diagonal' .* or false, got "diag"/,
    );
    assert.throws(() => predict.gradientDescentMseEnsemble(net.kernel, xTrain, yTrain)({ get: [] }), /get is an empty list/);
  });
});
