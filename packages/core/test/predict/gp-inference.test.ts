import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { InputError, Matrix, NumericalError, predict } from '@tangent-lab/core';
import { assertClose, maxRelError } from '../helpers/compare';
import { net, nngp, nngpTest, nngpTestTest, ntk, ntkTest, ntkTestTest, numpyReference, xTest, xTrain, yTrain } from './setup';

type Moments = { mean: number[][]; cov: number[][] };

function reference(abs: boolean, diagReg: number): Record<'nngp' | 'ntk' | 'ntkgp', Moments> {
  return numpyReference<{ gp: Record<'nngp' | 'ntk' | 'ntkgp', Moments> }>({ f0: yTrain, g0: [[0, 0]], lr: 1, diag_reg: diagReg, abs, ts: [] }).gp;
}

function assertCov(actual: Matrix, expected: number[][], what: string): void {
  const scale = Math.max(...expected.flat().map(Math.abs));
  const err = Math.max(...actual.data.map((v, i) => Math.abs(v - expected.flat()[i])));
  assert.ok(err < 1e-9 * scale, `${what}: ${err}`);
  for (let i = 0; i < actual.rows; i++) {
    for (let j = 0; j < i; j++) assert.equal(actual.get(i, j), actual.get(j, i), `${what} is exactly symmetric`);
  }
}

const train = { nngp, ntk };
const test = { nngp: nngpTest, ntk: ntkTest };
const testTest = { nngp: nngpTestTest, ntk: ntkTestTest };

describe("predict.gpInference: Neural Tangents' three modes", () => {
  for (const [abs, diagReg] of [
    [false, 1e-3],
    [true, 0.05],
  ] as const) {
    it(`'nngp', 'ntk' (eq. 16 at t = ∞) and 'ntkgp' match a numpy reference (diagReg ${diagReg}, absolute ${abs})`, () => {
      const ref = reference(abs, diagReg);
      const posterior = predict.gpInference(train, yTrain, { diagReg, diagRegAbsoluteScale: abs });
      for (const mode of ['nngp', 'ntk', 'ntkgp'] as const) {
        const { mean, cov } = posterior(test, testTest, mode);
        assertClose(mean, ref[mode].mean, 1e-9, `${mode} mean`);
        assertCov(cov, ref[mode].cov, `${mode} cov`);
      }
    });
  }

  it("'nngp' and 'ntk' equal the ensemble predictor at t = ∞; the three covariances differ", () => {
    const posterior = predict.gpInference(train, yTrain, { diagReg: 1e-3 });
    const ensemble = predict.gradientDescentMseEnsemble(net.kernel, xTrain, yTrain, { diagReg: 1e-3 });
    const both = posterior(test, testTest, ['nngp', 'ntk', 'ntkgp']);
    for (const g of ['nngp', 'ntk'] as const) {
      const inf = ensemble({ xTest, get: g, computeCov: true });
      assertClose(both[g].mean, inf.mean.data, 1e-9, `${g} mean`);
      assert.ok(maxRelError(both[g].cov.data, inf.cov.data, 1e-6) < 1e-8, `${g} cov`);
    }
    // The trained ensemble keeps less variance than the prior NNGP; 'ntk' and 'ntkgp' are different quantities.
    const variances = (g: 'nngp' | 'ntk' | 'ntkgp') => both[g].cov.diag();
    assert.ok(variances('ntk').every((v, i) => v < nngpTestTest.get(i, i)));
    assert.ok(maxRelError(variances('ntk'), variances('ntkgp')) > 0.1);
  });

  it('keeps the one-matrix call form: the GP posterior of the kernel given, as before', () => {
    const single = predict.gpInference(nngp, yTrain, { diagReg: 1e-3 })(nngpTest, nngpTestTest);
    const named = predict.gpInference(train, yTrain, { diagReg: 1e-3 })(test, testTest, 'nngp');
    assert.deepEqual(single.mean.data, named.mean.data);
    assert.deepEqual(single.cov.data, named.cov.data);
    const gp = predict.gpInference(ntk, yTrain, { diagReg: 1e-3 });
    assert.deepEqual(gp(ntkTest, ntkTestTest).cov.data, predict.gpInference(train, yTrain, { diagReg: 1e-3 })(test, testTest, 'ntkgp').cov.data);
    assert.equal(gp(ntkTest).cov, undefined);
  });

  it("takes NT's named form, defaults to 'ntk' for kernels with an NTK, and destructures in NT's order", () => {
    const posterior = predict.gpInference(train, yTrain, { diagReg: 1e-3 });
    const positional = posterior(test, testTest, 'ntk');
    const named = posterior({ get: 'ntk', kTestTrain: test, kTestTest: testTest });
    assert.deepEqual(named.cov.data, positional.cov.data);
    assert.deepEqual(posterior(test, testTest).cov.data, positional.cov.data);
    const [mean, cov] = positional;
    assert.equal(mean, positional.mean);
    assert.equal(cov, positional.cov);
    const [first, second] = posterior(test, testTest, ['ntkgp', 'nngp']);
    assert.deepEqual(first.cov.data, posterior(test, testTest, 'ntkgp').cov.data);
    assert.deepEqual(second.cov.data, posterior(test, testTest, 'nngp').cov.data);
    assert.deepEqual(Object.keys(posterior(test, testTest, ['ntk', 'nngp'])), ['ntk', 'nngp']);
  });

  it('says which kernel is missing, before any work', () => {
    const single = predict.gpInference(ntk, yTrain, { diagReg: 1e-3 });
    assert.throws(
      () => single(ntkTest, nngpTestTest, 'ntk'),
      (e: Error) => e instanceof InputError && /needs the NNGP as well as the NTK.*'ntkgp'/.test(e.message),
    );
    const posterior = predict.gpInference(train, yTrain, { diagReg: 1e-3 });
    assert.throws(() => posterior(ntkTest, nngpTestTest, 'ntk'), /needs kTestTrain.nngp too/);
    assert.throws(() => posterior(test, nngpTestTest, ['ntkgp', 'nngp']), /one kTestTest matrix cannot serve both 'ntkgp'/);
    assert.throws(() => predict.gpInference({ ntk }, yTrain)(test, testTest, 'nngp'), /get 'nngp' needs kTrainTrain.nngp/);
    assert.throws(() => posterior(test, testTest, 'gp' as never), /get must be 'nngp', 'ntk', 'ntkgp'/);
    assert.throws(() => posterior({ kTestTrain: test, k_test_test: testTest } as never), /unknown option "k_test_test"/);
    assert.throws(() => predict.gpInference({}, yTrain), /neither nngp nor ntk/);
    assert.throws(() => predict.gpInference(nngp, yTrain, { diagRegAbsoluteScale: 1 as never }), /diagRegAbsoluteScale must be true/);
    assert.throws(
      () =>
        predict.gpInference(
          [
            [1, 2],
            [2, 1],
          ],
          [[1], [0]],
        )([[1, 1]]),
      (e: Error) => e instanceof NumericalError && /not positive definite.*diagReg/.test(e.message),
    );
  });
});

describe('predict on the TypeScript linear-algebra fallback', () => {
  it('gives the OpenBLAS results (pivoted Cholesky, dtrmm, dsyr2k, dtrsm in TypeScript)', () => {
    const script = `
      const { predict, stax } = require('@tangent-lab/core');
      const { xTrain, xTest, yTrain } = ${JSON.stringify({ xTrain, xTest, yTrain })};
      const model = stax.serial(stax.dense(512, { wStd: 1.5, bStd: 0.05 }), stax.erf(), stax.dense(512, { wStd: 1.5, bStd: 0.05 }), stax.erf(), stax.dense(1, { wStd: 1.5, bStd: 0.05 }));
      const e = predict.gradientDescentMseEnsemble(model.kernel, xTrain, yTrain, { diagReg: 1e-3 });
      const gp = predict.gpInference(model.kernel(xTrain), yTrain, { diagReg: 1e-3 });
      const out = {
        ensemble: e({ xTest, get: ['nngp', 'ntk'], t: [2, Infinity], computeCov: true }),
        train: e({ t: 2, computeCov: true }),
        gp: gp(model.kernel(xTest, xTrain), model.kernel(xTest, null), ['nngp', 'ntk', 'ntkgp']),
      };
      console.log(JSON.stringify(out, (k, v) => (v && v.data instanceof Float64Array ? Array.from(v.data) : v)));`;
    const run = (backend: string) => {
      const r = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, TANGENT_LAB_LINALG: backend }, encoding: 'utf8', cwd: __dirname });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as unknown;
    };
    const flat = (v: unknown): number[] =>
      typeof v === 'number'
        ? [v]
        : Array.isArray(v)
          ? v.flatMap(flat)
          : v && typeof v === 'object'
            ? Object.keys(v)
                .sort()
                .flatMap((k) => flat((v as Record<string, unknown>)[k]))
            : [];
    const a = flat(run('typescript'));
    const b = flat(run('openblas'));
    assert.equal(a.length, b.length);
    assert.ok(a.length > 100);
    const scale = Math.max(...b.map(Math.abs));
    const err = Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    assert.ok(err < 1e-9 * scale, `typescript vs openblas: ${err} (scale ${scale})`);
  });
});
