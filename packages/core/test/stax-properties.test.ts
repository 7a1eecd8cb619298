import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linalg, Matrix, random, stax, type DenseParams, type Params } from '@tangent-lab/core';
import { assertClose, inputs, maxRelError } from './helpers/compare';

const cookbook = (width = 512) => stax.serial(
  stax.dense(width, { wStd: 1.5, bStd: 0.05 }), stax.erf(),
  stax.dense(width, { wStd: 1.5, bStd: 0.05 }), stax.erf(),
  stax.dense(1, { wStd: 1.5, bStd: 0.05 }));

const resnet = () => stax.serial(
  stax.dense(64, { wStd: 1.2, bStd: 0.1 }),
  stax.fanOut(2),
  stax.parallel(stax.serial(stax.relu(), stax.dense(64, { wStd: 1.4 })), stax.identity()),
  stax.fanInSum(),
  stax.gelu(),
  stax.fanOut(3),
  stax.parallel(stax.dense(8), stax.serial(stax.dense(4), stax.sin()), stax.dense(12, { bStd: 0.5 })),
  stax.fanInConcat(),
  stax.dense(1));

describe('kernel properties', () => {
  const x = inputs(30, 4, 21);
  for (const [name, make] of [['erf MLP', cookbook], ['residual + concat', resnet]] as const) {
    it(`${name}: symmetric and positive semi-definite`, () => {
      const k = make().kernel(x);
      for (const m of [k.nngp, k.ntk!]) {
        assert.equal(m.asymmetry(), 0);
        const { eigenvalues } = linalg.eigh(m);
        assert.ok(eigenvalues[0] > -1e-12 * m.trace(), `smallest eigenvalue ${eigenvalues[0]}`);
      }
    });

    it(`${name}: kernel(x) equals kernel(x, x), kernel(x, copy of x), and blocks of kernel(x1 ∪ x2)`, () => {
      const net = make();
      const self = net.kernel(x);
      const same = net.kernel(x, x);
      assert.deepEqual(same.nngp.data, self.nngp.data);
      assert.deepEqual(same.ntk!.data, self.ntk!.data);
      // A copy is not known to be x: its diagonal carries round-off of ~1e-16
      // in q12, which ReLU's 𝒯̇ (slope ∝ 1/√(1 − ρ²) at ρ = 1) turns into ~1e-9.
      const pair = net.kernel(x, x.map((r) => [...r]));
      assertClose(pair.nngp, self.nngp.data, 1e-12, 'nngp');
      assertClose(pair.ntk!, self.ntk!.data, 1e-8, 'ntk');
      const cross = net.kernel(x.slice(0, 10), x.slice(10), 'nngp');
      for (let i = 0; i < 10; i++) {
        for (let j = 0; j < 20; j++) assert.ok(Math.abs(cross.get(i, j) - self.nngp.get(i, 10 + j)) <= 1e-12 * Math.abs(self.nngp.get(i, 10 + j)) + 1e-15);
      }
    });
  }

  it('under NTK parameterization the kernels do not depend on the hidden widths (eq. S6)', () => {
    const a = cookbook(512).kernel(x);
    const b = cookbook(3).kernel(x);
    assert.deepEqual(a.nngp.data, b.nngp.data);
    assert.deepEqual(a.ntk!.data, b.ntk!.data);
  });

  it('standard parameterization has the same NNGP and an NTK growing with the width (eq. S32)', () => {
    const std = (n: number) => stax.serial(stax.dense(n, { wStd: 1.3, bStd: 0.1, parameterization: 'standard' }), stax.relu(), stax.dense(1, { wStd: 1.3, bStd: 0.1, parameterization: 'standard' }));
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

  it('get selects kernels like Neural Tangents: string → Matrix, array/undefined → { nngp, ntk }', () => {
    const net = cookbook();
    const both = net.kernel(x);
    assert.ok(net.kernel(x, null, 'nngp') instanceof Matrix);
    assert.deepEqual(net.kernel(x, null, 'ntk').data, both.ntk!.data);
    const onlyNngp = net.kernel(x, null, ['nngp']);
    assert.equal(onlyNngp.ntk, undefined);
    assert.deepEqual(onlyNngp.nngp.data, both.nngp.data);
  });

  it('a network without trainable layers has no NTK', () => {
    const k = stax.serial(stax.identity()).kernel(x);
    assert.equal(k.ntk, undefined);
    assert.throws(() => stax.identity().kernel(x, null, 'ntk'), /no trainable layer/);
  });
});

describe('finite networks: apply', () => {
  it('NTK (eq. 1) and standard (eq. S32) parameterizations compute the same function for matching weights', () => {
    const x = Matrix.from(inputs(5, 3, 31));
    const ntkNet = stax.serial(stax.dense(32, { wStd: 1.7, bStd: 0.4 }), stax.relu(), stax.dense(2, { wStd: 0.8, bStd: 0.2 }));
    const stdNet = stax.serial(stax.dense(32, { wStd: 1.7, bStd: 0.4, parameterization: 'standard' }), stax.relu(),
      stax.dense(2, { wStd: 0.8, bStd: 0.2, parameterization: 'standard' }));
    const { params } = ntkNet.init(random.key(3), 3);
    const scale = (p: Params, w: number, b: number, nIn: number): DenseParams => {
      const { W, b: bias } = p as DenseParams;
      return { W: new Matrix(W.rows, W.cols, W.data.map((v) => (v * w) / Math.sqrt(nIn))), b: bias!.map((v) => v * b) };
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

  it('apply of the residual network runs and is deterministic in the key', () => {
    const net = resnet();
    const a = net.init(random.key(1), 4);
    const b = net.init(random.key(1), 4);
    const x = inputs(3, 4, 5);
    assert.equal(a.outputDim, 1);
    assert.ok(maxRelError(net.apply(a.params, x).data, net.apply(b.params, x).data) === 0);
  });
});
