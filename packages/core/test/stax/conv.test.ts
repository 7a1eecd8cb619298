import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { batch, empirical, InputError, linearize, monteCarloKernelFn, predict, random, ShapeError, stax, Tensor, train, type Layer } from '@tangent-lab/core';
import { assertClose, images } from '../helpers/compare';
import { assertMatchesCnnNumpy, checkDerivatives, fromPy, type PyLayer } from '../helpers/layer-checks';
import { logLogSlope } from '../helpers/slope';

/** The network `net` (in the numpy reference's layer language) against fixtures/conv_kernels_reference.py. */
function assertMatchesNumpy(net: readonly PyLayer[], shape1: number[], shape2: number[], rtol: number): void {
  assertMatchesCnnNumpy(fromPy(net), net, shape1, shape2, rtol);
}

const conv = (out: number, f: number[], s: number[], padding: string, w = 1.3, b = 0.1, p = 'ntk'): PyLayer => ['conv', out, f, s, padding, w, b, p];

describe('stax.conv: kernels against an independent numpy implementation', () => {
  it('ReLU CNN with a flatten readout (same-position covariances only)', () => {
    assertMatchesNumpy(
      [conv(8, [3, 3], [1, 1], 'SAME'), ['relu'], conv(8, [3, 3], [1, 1], 'SAME'), ['relu'], ['flatten'], ['dense', 1, 1.1, 0.05, 'ntk']],
      [4, 5, 5, 3],
      [3, 5, 5, 3],
      1e-11,
    );
  });

  it('ReLU CNN with global average pooling (every pair of positions)', () => {
    assertMatchesNumpy(
      [conv(8, [3, 3], [1, 1], 'SAME'), ['relu'], conv(8, [2, 2], [1, 1], 'SAME'), ['erf'], ['globalAvgPool'], ['dense', 2, 1, 0, 'ntk']],
      [3, 4, 5, 2],
      [2, 4, 5, 2],
      1e-11,
    );
  });

  it('VALID and CIRCULAR padding, strides, average pooling', () => {
    assertMatchesNumpy(
      [
        conv(4, [3, 2], [1, 1], 'VALID'),
        ['relu'],
        ['avgPool', [2, 2], [1, 1], 'SAME'],
        conv(4, [2, 2], [2, 1], 'CIRCULAR'),
        ['relu'],
        ['globalAvgPool'],
        ['dense', 1, 1, 0, 'ntk'],
      ],
      [3, 6, 5, 2],
      [2, 6, 5, 2],
      1e-11,
    );
  });

  it('standard parameterization (eq. S32)', () => {
    assertMatchesNumpy(
      [conv(8, [3, 3], [1, 1], 'SAME', 1.4, 0.2, 'standard'), ['relu'], ['flatten'], ['dense', 1, 1, 0.1, 'standard']],
      [3, 4, 4, 2],
      [2, 4, 4, 2],
      1e-11,
    );
  });

  it('1-D convolutions on sequences', () => {
    assertMatchesNumpy(
      [conv(8, [3], [1], 'SAME'), ['erf'], conv(8, [2], [2], 'VALID'), ['relu'], ['globalAvgPool'], ['dense', 1, 1, 0, 'ntk']],
      [3, 7, 2],
      [2, 7, 2],
      1e-11,
    );
  });

  it('a dense layer on images acts on the channels at every position', () => {
    assertMatchesNumpy(
      [['dense', 6, 1.2, 0.3, 'ntk'], ['relu'], conv(6, [3, 3], [1, 1], 'SAME'), ['relu'], ['flatten'], ['dense', 1, 1, 0, 'ntk']],
      [3, 4, 4, 2],
      [2, 4, 4, 2],
      1e-11,
    );
  });

  it('flatten reads only same-position covariances: the same kernel whether or not the others are kept', () => {
    const body = [stax.conv(8, [3, 3]), stax.relu(), stax.conv(8, [3, 3], { padding: 'CIRCULAR' }), stax.erf()];
    const x = images([4, 5, 5, 2], 3);
    const diagonal = stax.serial(...body, stax.flatten(), stax.dense(1)).kernel(x as never);
    // An identity pooling (1×1 window) forces every pair of positions to be kept.
    const full = stax.serial(...body, stax.avgPool([1, 1]), stax.flatten(), stax.dense(1)).kernel(x as never);
    assertClose(full.ntk!, diagonal.ntk!.data, 1e-13, 'ntk');
  });
});

describe('stax.conv: finite networks', () => {
  it('backward and JVP equal finite differences: SAME, VALID with strides, CIRCULAR, standard parameterization, 1-D', () => {
    checkDerivatives(stax.serial(stax.conv(3, [3, 3], { bStd: 0.2 }), stax.erf(), stax.flatten(), stax.dense(2)), [4, 4, 2]);
    checkDerivatives(stax.conv(3, [2, 3], { padding: 'VALID', strides: [2, 1], bStd: 0.3 }), [5, 4, 2]);
    checkDerivatives(stax.conv(2, [3, 3], { padding: 'CIRCULAR', wStd: 1.4 }), [4, 3, 2]);
    checkDerivatives(stax.conv(2, [2, 2], { parameterization: 'standard', bStd: 0.1 }), [3, 3, 2]);
    checkDerivatives(stax.serial(stax.conv(3, [3], { strides: [2] }), stax.relu(), stax.conv(2, [2], { padding: 'CIRCULAR' })), [7, 2]);
  });
});

describe('stax.conv: shapes and errors', () => {
  it('init takes [H, W, C] and gives the output shape; apply gives (n, H′, W′, out)', () => {
    const net = stax.serial(stax.conv(5, [3, 3], { padding: 'VALID', strides: [2, 1] }), stax.relu());
    const { outputDim, params } = net.init(random.key(0), [7, 6, 3]);
    assert.deepEqual(outputDim, [3, 4, 5]);
    const y = net.apply(params, images([2, 7, 6, 3], 1) as never) as Tensor;
    assert.deepEqual(y.shape, [2, 3, 4, 5]);
  });

  it('refuses wrong ranks, a VALID filter larger than the input and a spatial output, naming the layer', () => {
    const net = stax.serial(stax.conv(4, [3, 3]), stax.flatten(), stax.dense(1));
    assert.throws(
      () => net.kernel([[1, 2, 3]]),
      (e: Error) => e instanceof ShapeError && /Conv\(4, 3×3, SAME\): expects \(n, H, W, C\) images, got examples of shape \(3\)/.test(e.message),
    );
    assert.throws(() => net.kernel(images([2, 5, 3], 1) as never), /Conv\(4, 3×3, SAME\): a 2-D window needs inputs with 2 spatial axes/);
    assert.throws(
      () => stax.conv(4, [5, 5], { padding: 'VALID' }).init(random.key(0), [3, 8, 1]),
      /the window 5×5 is larger than the input's 3×8 positions on axis 0 with padding 'VALID'/,
    );
    assert.throws(
      () => stax.serial(stax.conv(4, [3, 3]), stax.relu()).kernel(images([2, 4, 4, 1], 1) as never),
      /output is still spatial \(positions 4×4\); end it with a readout, stax\.flatten\(\) or stax\.globalAvgPool\(\)/,
    );
    assert.throws(
      () => stax.conv(4, [3, 3], { padding: 'same' as never }).init(random.key(0), [4, 4, 1]),
      (e: Error) => e instanceof InputError && /padding must be 'SAME', 'VALID' or 'CIRCULAR'/.test(e.message),
    );
    assert.throws(() => stax.conv(4, [3, 3, 3]), /filterShape must be \[fh, fw\] for images or \[fl\] for sequences/);
  });

  it('refuses a spatial output handed to predict or to training without a readout', () => {
    const open = stax.serial(stax.conv(4, [3, 3]), stax.relu());
    const xs = images([3, 4, 4, 1], 1);
    assert.throws(() => predict.gradientDescentMseEnsemble(open.kernel, xs as never, [[1], [0], [1]])({ t: 1 }), /output is still spatial \(positions 4×4\)/);
    const { params } = open.init(random.key(0), [4, 4, 1]);
    assert.throws(
      () => train.gradientDescent(open.apply, params, xs as never, [[1], [0], [1]], { learningRate: 1, steps: 1 }),
      /outputs are still spatial.*stax\.flatten\(\) or stax\.globalAvgPool\(\)/,
    );
  });

  it('refuses, before any work, a kernel that would not fit in memory, naming its size and the ways out', () => {
    const x = new Tensor([3000, 32, 32, 1]);
    const gap = stax.serial(stax.conv(4, [3, 3]), stax.relu(), stax.globalAvgPool(), stax.dense(1));
    assert.throws(
      () => gap.kernel(x),
      (e: Error) =>
        e instanceof InputError && /this kernel needs \d+(\.\d)? GB .*every pair of positions.*batch\(net\.kernel, \{ batchSize \}\)/s.test(e.message),
    );
  });
});

describe('convolutional networks across the library', () => {
  const flatNet = (n: number, readout = 1) =>
    stax.serial(
      stax.conv(n, [3, 3], { bStd: 0.1 }),
      stax.relu(),
      stax.conv(n, [2, 2], { padding: 'CIRCULAR', wStd: 1.4 }),
      stax.relu(),
      stax.flatten(),
      stax.dense(readout, { wStd: 1.2 }),
    );
  const gapNet = (n: number, readout = 1) =>
    stax.serial(
      stax.conv(n, [3, 3], { wStd: 1.5, bStd: 0.1 }),
      stax.erf(),
      stax.avgPool([2, 2], { padding: 'SAME' }),
      stax.conv(n, [2, 2]),
      stax.relu(),
      stax.globalAvgPool(),
      stax.dense(readout),
    );
  const x = images([6, 4, 4, 2], 7);

  it('empirical.ntkFn: structured and jacobian agree to 1e-10 (both readouts)', () => {
    for (const net of [flatNet(6, 2), gapNet(5, 2)]) {
      const { params } = net.init(random.key(2), [4, 4, 2]);
      const s = empirical.ntkFn(net.apply)(x as never, null, params);
      const j = empirical.ntkFn(net.apply, { implementation: 'jacobian' })(x as never, null, params);
      assertClose(s, j.data, 1e-10, net.name);
    }
  });

  it('Monte Carlo kernels of finite CNNs converge to the analytic ones as width^−½ (both readouts, NNGP and NTK)', () => {
    const widths = [16, 32, 64, 128, 256];
    for (const make of [flatNet, gapNet]) {
      for (const get of ['nngp', 'ntk'] as const) {
        // The NNGP estimate f(x)·f(x′)/k also has readout noise ∝ 1/√k: k = n keeps it at the width's scale.
        const analytic = make(1).kernel(x as never, null, get);
        const scale = Math.hypot(...analytic.data);
        const errors = widths.map((n) => {
          const net = get === 'nngp' ? make(n, n) : make(n);
          const estimate = monteCarloKernelFn(net.init, net.apply, random.key(n), 16)(x as never, null, get);
          return Math.hypot(...estimate.data.map((v, i) => v - analytic.data[i])) / scale;
        });
        const slope = logLogSlope(widths, errors);
        assert.ok(slope > -0.8 && slope < -0.25, `${make(1).name} ${get}: slope ${slope.toFixed(3)} (errors ${errors.map((e) => e.toFixed(4)).join(', ')})`);
      }
    }
  });

  it('batch: tiles on worker threads equal the untiled kernel bit for bit (both readouts)', async () => {
    const xs = images([9, 4, 4, 2], 8);
    for (const net of [flatNet(4), gapNet(4)]) {
      const tiled = await batch(net.kernel, { batchSize: 4, workers: 2 })(xs as never);
      const whole = net.kernel(xs as never);
      assert.deepEqual(tiled.nngp.data, whole.nngp.data);
      assert.deepEqual(tiled.ntk!.data, whole.ntk!.data);
    }
  });

  it('trains by gradient descent beside its linearization, on the float64 and the tfjs engine', async () => {
    const net = gapNet(16);
    const { params } = net.init(random.key(4), [4, 4, 2]);
    const y = Array.from({ length: 6 }, (_, i) => [Math.sin(i)]);
    const ntk = empirical.ntkFn(net.apply)(x as never, null, params);
    const options = { learningRate: 0.5 * predict.maxLearningRate(ntk, { yTrainSize: 6 }), steps: 20 };
    const f64 = train.gradientDescent(net.apply, params, x as never, y, options);
    assert.ok(f64.losses[20] < 0.7 * f64.losses[0], `loss ${f64.losses[0]} → ${f64.losses[20]}`);
    const lin = train.gradientDescent(linearize(net.apply, params), params, x as never, y, options);
    assert.ok(lin.losses[20] < 0.7 * lin.losses[0]);
    const f32 = await train.gradientDescent(net.apply, params, x as never, y, { ...options, engine: 'tfjs' });
    f64.losses.forEach((l, i) => assert.ok(Math.abs(l - f32.losses[i]) < 2e-4 * Math.max(1, l), `step ${i}: ${l} vs ${f32.losses[i]}`));
  });
});

describe('convolutional networks on the tfjs engine', () => {
  it('CIRCULAR padding, strides, 1-D sequences and pooling train as on the float64 engine', async () => {
    const cases: [Layer, number[]][] = [
      [
        stax.serial(
          stax.conv(6, [3, 3], { padding: 'CIRCULAR', bStd: 0.1 }),
          stax.relu(),
          stax.conv(4, [2, 2], { strides: [2, 2], padding: 'VALID' }),
          stax.flatten(),
          stax.dense(2),
        ),
        [5, 5, 2],
      ],
      [
        stax.serial(
          stax.conv(6, [3], { padding: 'CIRCULAR' }),
          stax.erf(),
          stax.avgPool([2], { strides: [2], padding: 'SAME', normalizeEdges: true }),
          stax.conv(4, [2], { strides: [2] }),
          stax.globalAvgPool(),
          stax.dense(2),
        ),
        [7, 3],
      ],
    ];
    for (const [net, shape] of cases) {
      const xs = images([5, ...shape], 11);
      const { params } = net.init(random.key(6), shape);
      const y = Array.from({ length: 5 }, (_, i) => [Math.sin(i), Math.cos(i)]);
      const options = { learningRate: 0.2, steps: 10 };
      const f64 = train.gradientDescent(net.apply, params, xs as never, y, options);
      const f32 = await train.gradientDescent(net.apply, params, xs as never, y, { ...options, engine: 'tfjs' });
      f64.losses.forEach((l, i) => assert.ok(Math.abs(l - f32.losses[i]) < 2e-4 * Math.max(1, l), `${net.name} step ${i}: ${l} vs ${f32.losses[i]}`));
    }
  });
});

describe('convolutional kernels on worker threads', () => {
  it('give bit-identical kernels with 1 and 2 threads (both readouts)', () => {
    const digest = (threads: string) => {
      const script = `
        const { stax, Tensor } = require('@tangent-lab/core');
        const { createHash } = require('node:crypto');
        const x = new Tensor([14, 6, 6, 2], Float64Array.from({ length: 14 * 72 }, (_, i) => Math.sin(1.3 * i)));
        const y = new Tensor([9, 6, 6, 2], Float64Array.from({ length: 9 * 72 }, (_, i) => Math.cos(0.7 * i)));
        const body = [stax.conv(8, [3, 3], { bStd: 0.1 }), stax.relu(), stax.conv(8, [3, 3], { padding: 'CIRCULAR' }), stax.erf()];
        const h = createHash('sha256');
        for (const net of [stax.serial(...body, stax.flatten(), stax.dense(1)), stax.serial(...body, stax.avgPool([2, 2]), stax.globalAvgPool(), stax.dense(1))]) {
          for (const k of [net.kernel(x), net.kernel(x, y)]) for (const m of [k.nngp, k.ntk]) h.update(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
        }
        console.log(h.digest('hex'));`;
      const r = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, TANGENT_LAB_THREADS: threads }, encoding: 'utf8', cwd: __dirname });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim();
    };
    assert.equal(digest('2'), digest('1'));
  });
});
