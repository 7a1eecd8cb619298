import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { empirical, InputError, Matrix, OptionError, random, stax, type DenseParams, type Params } from '@tangent-lab/core';
import { assertClose, inputs } from '../helpers/compare';
import { assertMatchesNumpy, assertNngpWithinSamplingError, checkDerivatives, pyDense } from '../helpers/layer-checks';

const x = inputs(30, 4, 21);

const cookbook = (width: number) =>
  stax.serial(
    stax.dense(width, { wStd: 1.5, bStd: 0.05 }),
    stax.erf(),
    stax.dense(width, { wStd: 1.5, bStd: 0.05 }),
    stax.erf(),
    stax.dense(1, { wStd: 1.5, bStd: 0.05 }),
  );

describe('stax.dense', () => {
  it('backward and JVP equal finite differences: NTK parameterization with and without bias, standard', () => {
    checkDerivatives(stax.dense(5, { wStd: 1.3, bStd: 0.4 }));
    checkDerivatives(stax.dense(5, { wStd: 0.7 }));
    checkDerivatives(stax.dense(5, { wStd: 1.1, bStd: 0.2, parameterization: 'standard' }));
  });

  it('standard parameterization (eq. S32) equals the numpy reference, with and without bias', () => {
    assertMatchesNumpy([pyDense(300, 1.3, 0.2, 'standard'), ['relu'], pyDense(200, 1.3, 0.2, 'standard'), ['relu'], pyDense(1, 1.3, 0.2, 'standard')], 1e-10);
    assertMatchesNumpy([pyDense(50, 1.1, 0, 'standard'), ['erf'], pyDense(1, 0.8, 0, 'standard')], 1e-10);
  });

  it('under NTK parameterization the kernels do not depend on the hidden widths (eq. S6)', () => {
    const a = cookbook(512).kernel(x);
    const b = cookbook(3).kernel(x);
    assert.deepEqual(a.nngp.data, b.nngp.data);
    assert.deepEqual(a.ntk!.data, b.ntk!.data);
  });

  it('standard parameterization has the same NNGP and an NTK growing with the width (eq. S32)', () => {
    const std = (n: number) =>
      stax.serial(
        stax.dense(n, { wStd: 1.3, bStd: 0.1, parameterization: 'standard' }),
        stax.relu(),
        stax.dense(1, { wStd: 1.3, bStd: 0.1, parameterization: 'standard' }),
      );
    const ntkNet = stax.serial(stax.dense(100, { wStd: 1.3, bStd: 0.1 }), stax.relu(), stax.dense(1, { wStd: 1.3, bStd: 0.1 }));
    assertClose(std(100).kernel(x, null, 'nngp'), ntkNet.kernel(x, null, 'nngp').data, 1e-14, 'nngp');
    const small = std(100).kernel(x, null, 'ntk');
    const big = std(1000).kernel(x, null, 'ntk');
    // Θ = n·𝒦_relu + σ_w²·Θ₁ + 1: the readout term is exactly proportional to the width n.
    const relu = stax.serial(stax.dense(100, { wStd: 1.3, bStd: 0.1 }), stax.relu()).kernel(x, null, 'nngp');
    for (let i = 0; i < big.data.length; i++) {
      assert.ok(Math.abs(big.data[i] - small.data[i] - 900 * relu.data[i]) < 1e-9 * Math.abs(big.data[i]));
    }
  });

  it('the standard-parameterization NNGP agrees with Monte Carlo over 200 random nets of width 1024', () => {
    assertNngpWithinSamplingError(
      stax.serial(
        stax.dense(1024, { wStd: 1.3, bStd: 0.3, parameterization: 'standard' }),
        stax.gelu(),
        stax.dense(10, { wStd: 1.1, parameterization: 'standard' }),
      ),
      1024,
      200,
    );
  });

  it('NTK (eq. 1) and standard (eq. S32) parameterizations compute the same function for matching weights', () => {
    const x = Matrix.from(inputs(5, 3, 31));
    const ntkNet = stax.serial(stax.dense(32, { wStd: 1.7, bStd: 0.4 }), stax.relu(), stax.dense(2, { wStd: 0.8, bStd: 0.2 }));
    const stdNet = stax.serial(
      stax.dense(32, { wStd: 1.7, bStd: 0.4, parameterization: 'standard' }),
      stax.relu(),
      stax.dense(2, { wStd: 0.8, bStd: 0.2, parameterization: 'standard' }),
    );
    const { params } = ntkNet.init(random.key(3), 3);
    const scale = (p: Params, w: number, b: number, nIn: number): DenseParams => {
      const { W, b: bias } = p as DenseParams;
      return {
        W: new Matrix(
          W.rows,
          W.cols,
          W.data.map((v) => (v * w) / Math.sqrt(nIn)),
        ),
        b: bias!.map((v) => v * b),
      };
    };
    const ps = params as Params[];
    const stdParams = [scale(ps[0], 1.7, 0.4, 3), null, scale(ps[2], 0.8, 0.2, 32)];
    assertClose(stdNet.apply(stdParams, x), ntkNet.apply(params, x).data, 1e-14, 'outputs');
  });

  it('standard init draws weights with variance σ_w²/n and biases with variance σ_b²', () => {
    const { params } = stax.dense(400, { wStd: 2, bStd: 0.5, parameterization: 'standard' }).init(random.key(9), 250);
    const { W, b } = params as DenseParams;
    const varW = W.data.reduce((s, v) => s + v * v, 0) / W.data.length;
    const varB = b!.reduce((s, v) => s + v * v, 0) / b!.length;
    // Relative standard errors √(2/N): 0.0014 for W, 0.07 for b; 5σ bounds.
    assert.ok(Math.abs(varW / (4 / 250) - 1) < 5 * Math.sqrt(2 / W.data.length));
    assert.ok(Math.abs(varB / 0.25 - 1) < 5 * Math.sqrt(2 / 400));
  });

  it("trainableBias with bStd = 0 is Neural Tangents' standard b_std=0.: a zero-initialised trainable bias, +1 in the NTK", () => {
    const layer = stax.dense(3, { bStd: 0, trainableBias: true, parameterization: 'standard' });
    const plain = stax.dense(3, { parameterization: 'standard' });
    const xs = inputs(5, 4, 3);
    const { params } = layer.init(random.key(2), 4);
    assert.ok((params as DenseParams).b!.every((v) => v === 0));
    const analytic = layer.kernel(xs, null, 'ntk');
    const without = plain.kernel(xs, null, 'ntk');
    analytic.data.forEach((v, i) => assert.ok(Math.abs(v - without.data[i] - 1) < 1e-14));
    // One linear layer: the empirical NTK is exactly the analytic one.
    assertClose(empirical.ntkFn(layer.apply)(xs, null, params), analytic.data, 1e-12, 'empirical');
    assert.deepEqual(layer.spec.args[1], { wStd: 1, bStd: 0, parameterization: 'standard', trainableBias: true });
    assert.deepEqual(plain.spec.args[1], { wStd: 1, bStd: 0, parameterization: 'standard' });
    assert.throws(() => stax.dense(3, { bStd: 0.5, trainableBias: false }), /bStd = 0.5 needs a bias/);
  });

  it('gradientGram is the Gram of per-example parameter gradients; with `into` it adds there (one triangle for a batch with itself)', () => {
    for (const options of [
      { wStd: 1.3, bStd: 0.2 },
      { wStd: 0.8, parameterization: 'standard' as const },
    ]) {
      const layer = stax.dense(6, options);
      const { params } = layer.init(random.key(5), 4);
      const x1 = Matrix.from(inputs(5, 4, 6));
      const x2 = Matrix.from(inputs(3, 4, 7));
      const g1 = Matrix.from(inputs(5, 6, 8));
      const g2 = Matrix.from(inputs(3, 6, 9));
      const c1 = layer.impl.forward(params, x1).cache;
      const c2 = layer.impl.forward(params, x2).cache;
      // Independent reference: each example's gradient from backward, flattened, and their dot products.
      const flat = (x: Matrix, g: Matrix, i: number) => {
        const one = (m: Matrix) => Matrix.from([Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols))]);
        const gp = layer.impl.backward(params, layer.impl.forward(params, one(x)).cache, one(g)).gParams as DenseParams;
        return [...gp.W.data, ...(gp.b ?? [])];
      };
      const gram = (xa: Matrix, ga: Matrix, xb: Matrix, gb: Matrix) =>
        Array.from({ length: xa.rows * xb.rows }, (_, k) => {
          const u = flat(xa, ga, Math.floor(k / xb.rows));
          const v = flat(xb, gb, k % xb.rows);
          return u.reduce((t, ui, p) => t + ui * v[p], 0);
        });
      const close = (got: ArrayLike<number>, want: number[], what: string) =>
        want.forEach((w, k) => assert.ok(Math.abs(got[k] - w) < 1e-12 * (1 + Math.abs(w)), `${what} entry ${k}: ${got[k]} vs ${w}`));
      const ref12 = gram(x1, g1, x2, g2);
      const ref11 = gram(x1, g1, x1, g1);
      close(layer.impl.gradientGram!(params, c1, g1, c2, g2), ref12, 'two batches');
      close(layer.impl.gradientGram!(params, c1, g1, c1, g1), ref11, 'one batch');
      const into12 = new Float64Array(15).fill(1);
      assert.equal(layer.impl.gradientGram!(params, c1, g1, c2, g2, into12), into12);
      close(
        into12,
        ref12.map((v) => v + 1),
        'added into, two batches',
      );
      const into11 = new Float64Array(25).fill(1);
      assert.equal(layer.impl.gradientGram!(params, c1, g1, c1, g1, into11), into11);
      for (let i = 0; i < 5; i++) {
        for (let j = 0; j < 5; j++) {
          if (j >= i) close([into11[i * 5 + j]], [ref11[i * 5 + j] + 1], `added into, one batch (${i}, ${j})`);
          else assert.equal(into11[i * 5 + j], 1, `lower triangle (${i}, ${j}) is the caller's to mirror`);
        }
      }
    }
  });

  it('rejects bad arguments before any work, naming the problem and the fix', () => {
    assert.throws(
      () => stax.dense(8, { wStd: 0 }),
      (e: Error) => e instanceof InputError && /Dense|dense\(8\).*wStd must be a positive/.test(e.message),
    );
    assert.throws(() => stax.dense(8, { wStd: -1 }), /wStd must be a positive finite number/);
    assert.throws(() => stax.dense(8, { bStd: -0.1 }), /bStd must be a non-negative finite number/);
    assert.throws(() => stax.dense(8, { wStd: NaN }), /wStd/);
    assert.throws(() => stax.dense(0), /outDim must be a positive integer/);
    assert.throws(
      () => stax.dense(8, { wstd: 2 } as never),
      (e: Error) => e instanceof OptionError && /unknown option "wstd". Did you mean "wStd"\?/.test(e.message),
    );
    assert.throws(() => stax.dense(8, { parameterization: 'mean-field' as never }), /parameterization must be 'ntk' or 'standard'/);
  });
});
