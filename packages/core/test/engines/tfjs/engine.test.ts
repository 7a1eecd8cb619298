import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs';
import {
  empirical,
  engines,
  InputError,
  linalg,
  linearize,
  Matrix,
  NumericalError,
  OptionError,
  params as tree,
  random,
  ShapeError,
  stax,
  train,
  type DenseParams,
  type Layer,
  type Params,
} from '@tangent-lab/core';
import { inputs, scaledGap } from '../../helpers/compare';

const flat = (p: Params) => tree.leaves(p).flatMap((leaf) => Array.from(leaf));

const x = inputs(16, 3, 1);
const xTest = inputs(5, 3, 2);
const y = x.map((r) => [Math.tanh(r[0] + r[1]), r[2] * r[0]]);

/** Every layer the translation knows, in one network per combinator. */
const NETS: [string, () => Layer][] = [
  [
    'every activation, NTK and standard dense layers',
    () =>
      stax.serial(
        stax.dense(24, { wStd: 1.4, bStd: 0.1 }),
        stax.relu(),
        stax.dense(24, { parameterization: 'standard', bStd: 0.2 }),
        stax.erf({ a: 1.2, b: 0.8, c: 0.1 }),
        stax.dense(24),
        stax.leakyRelu(0.2),
        stax.dense(24),
        stax.abRelu(-0.3, 0.9),
        stax.dense(24),
        stax.abs(),
        stax.dense(24),
        stax.gelu(),
        stax.dense(24),
        stax.sigmoidLike(),
        stax.dense(24),
        stax.sin({ a: 1.1, b: 0.7, c: 0.3 }),
        stax.dense(24),
        stax.cos({ b: 0.5 }),
        stax.identity(),
        stax.dense(2, { wStd: 1.4, bStd: 0.1 }),
      ),
  ],
  [
    'residual block and concatenated branches',
    () =>
      stax.serial(
        stax.dense(16, { bStd: 0.1 }),
        stax.fanOut(2),
        stax.parallel(stax.serial(stax.gelu(), stax.dense(16)), stax.identity()),
        stax.fanInSum(),
        stax.relu(),
        stax.fanOut(2),
        stax.parallel(stax.dense(4), stax.dense(6, { parameterization: 'standard' })),
        stax.fanInConcat(),
        stax.dense(2),
      ),
  ],
];

describe("train.gradientDescent with { engine: 'tfjs' }", () => {
  for (const [name, make] of NETS) {
    it(`computes the float64 network's outputs to float32 accuracy: ${name}`, async () => {
      const net = make();
      const { params } = net.init(random.key(3), 3);
      const run = await train.gradientDescent(net.apply, params, x, y, { learningRate: 1, steps: 0, xTest, engine: 'tfjs' });
      const e = Math.max(
        scaledGap(run.snapshots[0].train.data, net.apply(params, x).data),
        scaledGap(run.snapshots[0].test!.data, net.apply(params, xTest).data),
      );
      assert.ok(e <= 1e-4, `forward pass: relative error ${e}`);
    });
  }

  const net = stax.serial(
    stax.dense(32, { wStd: 1.4, bStd: 0.1 }),
    stax.erf(),
    stax.dense(32, { wStd: 1.4, bStd: 0.1 }),
    stax.relu(),
    stax.dense(2, { wStd: 1.4, bStd: 0.1 }),
  );
  const { params } = net.init(random.key(1), 3);

  const settings: [string, { learningRate: number; steps: number; momentum?: number; batchSize?: number }][] = [
    ['gradient descent', { learningRate: 1, steps: 60 }],
    ['minibatch SGD (the same batches)', { learningRate: 0.5, steps: 60, batchSize: 4 }],
    ['momentum, eq. (20)', { learningRate: 0.3, steps: 60, momentum: 0.9 }],
  ];
  for (const [name, options] of settings) {
    it(`trains as the float64 engine does, to ~1e-3: ${name}`, async () => {
      const common = { ...options, xTest, recordAt: [0, 30, 60], recordParams: true };
      const f64 = train.gradientDescent(net.apply, params, x, y, common);
      const f32 = await train.gradientDescent(net.apply, params, x, y, { ...common, engine: 'tfjs' });
      assert.ok(f64.losses[60] < 0.5 * f64.losses[0], 'the run should learn something');
      assert.ok(scaledGap(f32.losses, f64.losses) < 1e-3, `losses: ${scaledGap(f32.losses, f64.losses)}`);
      f64.snapshots.forEach((s, i) => {
        const t = f32.snapshots[i];
        assert.equal(t.step, s.step);
        assert.ok(scaledGap(t.train.data, s.train.data) < 1e-3, `train outputs at step ${s.step}: ${scaledGap(t.train.data, s.train.data)}`);
        assert.ok(scaledGap(t.test!.data, s.test!.data) < 1e-3, `test outputs at step ${s.step}`);
        assert.ok(scaledGap(flat(t.params!), flat(s.params!)) < 1e-3, `params at step ${s.step}`);
      });
      // The result has the float64 engine's shape: Matrix trees of float64, and what ran.
      const first = (f32.params as DenseParams[])[0];
      assert.ok(first.W instanceof Matrix && first.W.data instanceof Float64Array && first.b instanceof Float64Array);
      assert.ok(scaledGap(flat(f32.params), flat(f64.params)) < 1e-3);
      assert.equal(f64.engine.name, 'float64');
      assert.equal(f32.engine.name, 'tfjs');
    });
  }

  it('trains with softmax cross-entropy as the float64 engine does', async () => {
    const labels = x.map((r) => (r[0] + r[1] > 0 ? [1, 0] : [0, 1]));
    const options = { learningRate: 2, steps: 60, loss: 'crossEntropy' as const, recordAt: [60] };
    const f64 = train.gradientDescent(net.apply, params, x, labels, options);
    const f32 = await train.gradientDescent(net.apply, params, x, labels, { ...options, engine: 'tfjs' });
    assert.ok(f64.losses[60] < 0.5 * f64.losses[0]);
    assert.ok(scaledGap(f32.losses, f64.losses) < 1e-3, `losses: ${scaledGap(f32.losses, f64.losses)}`);
    assert.ok(scaledGap(f32.snapshots[0].train.data, f64.snapshots[0].train.data) < 1e-3);
  });

  it('trains an ensemble at once, each member as the float64 engine trains it', async () => {
    const members = random.split(random.key(7), 4).map((k) => net.init(k, 3).params);
    const progress: number[] = [];
    const f64 = train.ensemble(net.apply, members, x, y, { learningRate: 1, steps: 40 });
    const f32 = await train.ensemble(net.apply, members, x, y, {
      learningRate: 1,
      steps: 40,
      engine: 'tfjs',
      progressEvery: 10,
      onProgress: ({ step, loss }) => progress.push(step, loss),
    });
    assert.equal(f32.length, 4);
    f32.forEach((run, m) => assert.ok(scaledGap(flat(run.params), flat(f64[m].params)) < 1e-3, `member ${m}`));
    assert.deepEqual(
      progress.filter((_, i) => i % 2 === 0),
      [0, 10, 20, 30, 40],
    );
    const meanAt40 = f64.reduce((s, r) => s + r.losses[40], 0) / 4;
    assert.ok(Math.abs(progress[9] - meanAt40) < 1e-3 * meanAt40, "progress reports the members' mean loss");
  });

  it('stops a diverging run with the step (and the ensemble member) like the float64 engine', async () => {
    await assert.rejects(
      train.gradientDescent(net.apply, params, x, y, { learningRate: 200, steps: 500, engine: 'tfjs' }),
      (e: Error) => e instanceof NumericalError && /the loss became (NaN|Infinity) at step \d+ — training diverged.*predict\.maxLearningRate/.test(e.message),
    );
    const members = [params, net.init(random.key(9), 3).params];
    await assert.rejects(
      train.ensemble(net.apply, members, x, y, { learningRate: 200, steps: 500, engine: 'tfjs' }),
      (e: Error) => e instanceof NumericalError && /the loss of ensemble member [01] became/.test(e.message),
    );
  });

  it('reports the backend it ran on: the first of tfjs-node-gpu, tfjs-node, wasm, cpu that loads', async () => {
    const run = await train.gradientDescent(net.apply, params, x, y, { learningRate: 1, steps: 1, engine: 'tfjs' });
    const { backend, unavailable } = engines.tfjsBackendInfo();
    assert.deepEqual(run.engine, { name: 'tfjs', backend });
    assert.equal(
      backend,
      engines.TFJS_BACKENDS.find((b) => !(b in unavailable)),
    );
    assert.notEqual(backend, 'cpu', `WebAssembly must load here (${JSON.stringify(unavailable)})`);
    const { tf } = await engines.loadTfjs({ backend: backend! });
    if (backend === 'wasm') assert.equal(tf.getBackend(), 'wasm');
  });

  it("runs on a forced 'cpu' backend", async () => {
    const f64 = train.gradientDescent(net.apply, params, x, y, { learningRate: 1, steps: 20 });
    const cpu = await train.gradientDescent(net.apply, params, x, y, { learningRate: 1, steps: 20, engine: 'tfjs', backend: 'cpu' });
    assert.deepEqual(cpu.engine, { name: 'tfjs', backend: 'cpu' });
    assert.equal(engines.tfjsBackend(), 'cpu');
    assert.equal((await engines.loadTfjs({ backend: 'cpu' })).tf.getBackend(), 'cpu');
    assert.ok(scaledGap(flat(cpu.params), flat(f64.params)) < 1e-3);
  });

  it('rejects what it cannot run with a clear error, before any work', async () => {
    const opts = { learningRate: 1, steps: 5, onProgress: () => assert.fail('no step may run') };
    assert.throws(
      () => train.gradientDescent(net.apply, params, x, y, { ...opts, engine: 'tensorflow' } as never),
      (e: Error) => e instanceof OptionError && /engine must be one of 'float64', 'tfjs'; got "tensorflow"/.test(e.message),
    );
    assert.throws(() => train.ensemble(net.apply, [params], x, y, { ...opts, engine: 'gpu' } as never), OptionError);
    assert.throws(
      () => train.gradientDescent(net.apply, params, x, y, { ...opts, engine: 'tfjs', backend: 'webgl' } as never),
      (e: Error) => e instanceof OptionError && /backend must be one of 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'/.test(e.message),
    );
    assert.throws(
      () => train.gradientDescent(net.apply, params, x, y, { ...opts, backend: 'cpu' } as never),
      (e: Error) => e instanceof OptionError && /needs engine: 'tfjs'/.test(e.message),
    );
    assert.throws(() => engines.loadTfjs({ backend: 'gpu' as never }), OptionError);
    const swish = stax.serial(
      stax.dense(8),
      stax.elementwise((v) => v / (1 + Math.exp(-v))),
      stax.dense(2),
    );
    assert.throws(
      () => train.gradientDescent(swish.apply, swish.init(random.key(0), 3).params, x, y, { ...opts, engine: 'tfjs' }),
      (e: Error) =>
        e instanceof OptionError && /cannot run Elementwise\(.*Math\.exp\(-v\).*\): its layer type 'elementwise' has no TensorFlow\.js op/.test(e.message),
    );
    assert.throws(
      () => train.gradientDescent(linearize(net.apply, params), params, x, y, { ...opts, engine: 'tfjs' }),
      (e: Error) => e instanceof OptionError && /Linearized\(.*runs on engine 'float64'/.test(e.message),
    );
    const custom = { name: 'l1', value: () => 0, grad: (_f: Matrix, _y: Matrix, out: Matrix) => out };
    assert.throws(
      () => train.gradientDescent(net.apply, params, x, y, { ...opts, engine: 'tfjs', loss: custom as never }),
      (e: Error) => e instanceof OptionError && /loss 'mse' or 'crossEntropy'/.test(e.message),
    );
    assert.throws(
      () => train.gradientDescent(net.apply, params, inputs(16, 5, 1), y, { ...opts, engine: 'tfjs' }),
      (e: Error) => e instanceof ShapeError && /input has 5 features but W is 3×32/.test(e.message),
    );
    assert.throws(
      () => train.gradientDescent(net.apply, params, x, x, { ...opts, engine: 'tfjs' }),
      (e: Error) => e instanceof ShapeError && /2 outputs but yTrain has 3 columns/.test(e.message),
    );
    assert.throws(() => train.gradientDescent(net.apply, params, x, y, { ...opts, engine: 'tfjs', lr: 1 } as never), /unknown option "lr"/);
    if (engines.tfjsBackendInfo().unavailable['tfjs-node'] === 'not installed') {
      await assert.rejects(
        train.gradientDescent(net.apply, params, x, y, { ...opts, engine: 'tfjs', backend: 'tfjs-node' }),
        (e: Error) => e instanceof InputError && /'tfjs-node' cannot be used here \(not installed\)\. Add @tensorflow\/tfjs-node/.test(e.message),
      );
    }
  });

  it('loads TensorFlow.js only when the tfjs engine is used', () => {
    const probe = "require('@tangent-lab/core'); process.stdout.write(String(Object.keys(require.cache).some((f) => f.includes('@tensorflow'))))";
    const r = spawnSync(process.execPath, ['-e', probe], { cwd: __dirname, encoding: 'utf8' });
    assert.equal(r.stdout, 'false', r.stderr);
  });
});

describe("empirical.ntkFn with { engine: 'tfjs' }", () => {
  const net = stax.serial(
    stax.dense(64, { wStd: 1.4, bStd: 0.1 }),
    stax.relu(),
    stax.dense(48, { wStd: 1.4, bStd: 0.1 }),
    stax.relu(),
    stax.dense(3, { wStd: 1.4, bStd: 0.1 }),
  );
  const { params } = net.init(random.key(2), 3);
  const [l1, , l2, , l3] = params as DenseParams[];

  it('of a model written in TensorFlow.js equals the float64 empirical NTK of the same dense net (3 outputs, averaged)', async () => {
    const { tf } = await engines.loadTfjs();
    // eq. (1): h = σ_w/√n · xω + σ_b·β, as stax.dense in NTK parameterization.
    const dense = (h: Tensor, w: Tensor, b: Tensor) => tf.add(tf.mul(tf.matMul(h, w), 1.4 / Math.sqrt(w.shape[0])), tf.mul(b, 0.1));
    const fn = (p: Record<string, Tensor>, input: Tensor2D): Tensor2D => {
      const h1 = tf.relu(dense(input, p.w1, p.b1));
      const h2 = tf.relu(dense(h1, p.w2, p.b2));
      return dense(h2, p.w3, p.b3) as Tensor2D;
    };
    const t = (m: Matrix) => tf.tensor2d(Float32Array.from(m.data), [m.rows, m.cols]);
    const v = (b: Float64Array | null) => tf.tensor1d(Float32Array.from(b!));
    const theta = { w1: t(l1.W), b1: v(l1.b), w2: t(l2.W), b2: v(l2.b), w3: t(l3.W), b3: v(l3.b) };
    const ntk = empirical.ntkFn(fn, { engine: 'tfjs', memoryLimit: 100_000 });
    const f64 = empirical.ntkFn(net.apply);
    for (const x2 of [null, xTest]) {
      const e = scaledGap((await ntk(x, x2, theta)).data, f64(x, x2, params).data);
      assert.ok(e < 1e-4, `relative error ${e} (x2 ${x2 === null ? 'null' : 'given'})`);
    }
    // The kernel is the mean over outputs, not the sum: a one-output slice of the same model gives its own kernel.
    const perOutput = await Promise.all(
      [0, 1, 2].map((o) =>
        empirical.ntkFn((p: Record<string, Tensor>, input: Tensor2D) => tf.slice(fn(p, input), [0, o], [-1, 1]), { engine: 'tfjs' })(x, null, theta),
      ),
    );
    const mean = perOutput[0].data.map((_, i) => (perOutput[0].data[i] + perOutput[1].data[i] + perOutput[2].data[i]) / 3);
    assert.ok(scaledGap((await ntk(x, null, theta)).data, mean) < 1e-5);
    tf.dispose(Object.values(theta));
  });

  it('the example of the ntkFn documentation runs and matches float64 (parameters as an array)', async () => {
    const small = stax.serial(stax.dense(512), stax.relu(), stax.dense(1));
    const p0 = small.init(random.key(0), 2).params as DenseParams[];
    const { tf } = await engines.loadTfjs();
    const fn = ([w1, w2]: Tensor[], input: Tensor2D): Tensor2D =>
      tf.mul(tf.matMul(tf.relu(tf.mul(tf.matMul(input, w1), Math.SQRT1_2)), w2), 1 / Math.sqrt(512));
    const weights = [p0[0].W, p0[2].W].map((w) => tf.tensor2d(Float32Array.from(w.data), [w.rows, w.cols]));
    const theta = await empirical.ntkFn(fn, { engine: 'tfjs' })(
      [
        [1, 0],
        [0, 1],
      ],
      null,
      weights,
    );
    assert.ok(
      scaledGap(
        theta.data,
        empirical.ntkFn(small.apply)(
          [
            [1, 0],
            [0, 1],
          ],
          null,
          p0,
        ).data,
      ) < 1e-4,
    );
    tf.dispose(weights);
  });

  it('of a stax network runs it in float32 and matches the float64 kernel', async () => {
    const theta = await empirical.ntkFn(net.apply, { engine: 'tfjs', backend: 'cpu' })(x, xTest, params);
    assert.ok(scaledGap(theta.data, empirical.ntkFn(net.apply)(x, xTest, params).data) < 1e-4);
  });

  it('rejects bad models, parameters and options clearly', async () => {
    const { tf } = await engines.loadTfjs();
    const w = tf.randomNormal([3, 2]);
    const linear = (p: Tensor[], input: Tensor2D) => tf.matMul(input, p[0]) as Tensor2D;
    assert.throws(
      () => empirical.ntkFn(linear, { engine: 'tfjs' })(x, null, [[1, 2]] as never),
      (e: Error) => e instanceof InputError && /array or a record of tf\.Tensor/.test(e.message),
    );
    assert.throws(() => empirical.ntkFn(linear, { engine: 'tfjs' })(x, null, [tf.tensor2d([[1, 2]], [1, 2], 'int32')]), /float32 tensors/);
    await assert.rejects(
      empirical.ntkFn((p: Tensor[], input: Tensor2D) => tf.sum(tf.matMul(input, p[0])) as never, { engine: 'tfjs' })(x, null, [w]),
      (e: Error) => e instanceof ShapeError && /rank-2 tensor with one row per input row/.test(e.message),
    );
    assert.throws(() => empirical.ntkFn(linear, { engine: 'tfjs', implementation: 'structured' } as never), /unknown option "implementation"/);
    assert.throws(() => empirical.ntkFn(linear, { engine: 'tfjs', backend: 'tpu' } as never), OptionError);
    assert.throws(
      () => empirical.ntkFn(linear, { engine: 'jax' } as never),
      (e: Error) => e instanceof OptionError && /'float64', 'tfjs'/.test(e.message),
    );
    assert.throws(
      () => empirical.ntkFn(linear),
      (e: Error) => e instanceof InputError && /needs \{ engine: 'tfjs' \}/.test(e.message),
    );
    const ok = await empirical.ntkFn(linear, { engine: 'tfjs' })(x, null, [w]);
    assert.ok(scaledGap(ok.data, linalg.matmul(x, x, { transB: true }).data) < 1e-5, 'a linear model has Θ = x·xᵀ');
    w.dispose();
  });
});
