import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { empirical, InputError, Matrix, monteCarloKernelFn, random, stax, Tensor, type Key } from '@tangent-lab/core';
import { images, inputs, maxRelError } from '../helpers/compare';

/** The mean of the empirical kernels of the networks of `keys`, computed directly. */
function averageOf(net: ReturnType<typeof stax.serial>, keys: readonly Key[], x: number[][], get: 'nngp' | 'ntk'): Float64Array {
  const fn = get === 'nngp' ? empirical.nngpFn(net.apply) : empirical.ntkFn(net.apply);
  let sum: Float64Array | null = null;
  for (const k of keys) {
    const m = fn(x, null, net.init(k, x[0].length).params);
    sum ??= new Float64Array(m.data.length);
    for (let i = 0; i < m.data.length; i++) sum[i] += m.data[i];
  }
  return (sum as Float64Array).map((v) => v / keys.length);
}

describe('monteCarloKernelFn against the analytic kernels', () => {
  it('agrees within 4 standard errors (+ a 2/n finite-width allowance), entry by entry', () => {
    const width = 1024;
    const nSamples = 64;
    const net = stax.serial(stax.dense(width, { wStd: 1.5, bStd: 0.1 }), stax.erf(), stax.dense(4, { wStd: 1.2, bStd: 0.05 }));
    const x = inputs(5, 3, 12);
    const analytic = net.kernel(x);
    const key = random.key(77);
    // Per-network kernels, to measure the spread the average comes with.
    const keys = random.split(key, nSamples);
    const perSample = { nngp: [] as Float64Array[], ntk: [] as Float64Array[] };
    for (const k of keys) {
      const { params } = net.init(k, 3);
      perSample.nngp.push(empirical.nngpFn(net.apply)(x, null, params).data);
      perSample.ntk.push(empirical.ntkFn(net.apply)(x, null, params).data);
    }
    let progress = 0;
    const mc = monteCarloKernelFn(net.init, net.apply, key, nSamples, { inputShape: 3, onProgress: ({ done }) => (progress = done) })(x);
    assert.equal(progress, nSamples);
    for (const get of ['nngp', 'ntk'] as const) {
      const samples = perSample[get];
      const mcData = mc[get].data;
      mcData.forEach((v, i) => {
        const mean = samples.reduce((s, a) => s + a[i], 0) / nSamples;
        assert.ok(Math.abs(v - mean) < 1e-12 * Math.abs(mean) + 1e-15, 'the estimate is the average of the sampled networks');
        const sd = Math.sqrt(samples.reduce((s, a) => s + (a[i] - mean) ** 2, 0) / (nSamples - 1));
        const bound = (4 * sd) / Math.sqrt(nSamples) + (2 / width) * Math.abs(analytic[get].data[i]);
        assert.ok(Math.abs(v - analytic[get].data[i]) <= bound, `${get}[${i}]: ${v} vs ${analytic[get].data[i]} (bound ${bound})`);
      });
    }
  });
});

describe('monteCarloKernelFn with a list of sample counts (NT’s n_samples=[1, 10, 100])', () => {
  const net = stax.serial(stax.dense(64, { wStd: 1.5, bStd: 0.1 }), stax.relu(), stax.dense(2, { wStd: 1.5 }));
  const x = inputs(4, 3, 5);
  const key = random.key(9);

  it('gives one estimate per count, in the order of the list: the average of the first n networks of split(key, max)', () => {
    const estimates = monteCarloKernelFn(net.init, net.apply, key, [6, 1, 3])(x);
    assert.equal(estimates.length, 3);
    const keys = random.split(key, 6);
    [6, 1, 3].forEach((n, j) => {
      for (const get of ['nngp', 'ntk'] as const) {
        assert.ok(maxRelError(estimates[j][get].data, averageOf(net, keys.slice(0, n), x, get), 1e-12) < 1e-12, `n = ${n}, ${get}`);
      }
    });
    // A single count is the list's entry for that count.
    assert.deepEqual(monteCarloKernelFn(net.init, net.apply, key, 6)(x).ntk.data, estimates[0].ntk.data);
  });

  it('computes them in one pass: the largest count of networks, initialised once each', () => {
    let inits = 0;
    const done: number[] = [];
    const countingInit: typeof net.init = (k, shape) => {
      inits++;
      return net.init(k, shape);
    };
    const estimates = monteCarloKernelFn(countingInit, net.apply, key, [1, 2, 5, 10], { onProgress: (p) => done.push(p.total) })(x, null, 'ntk');
    assert.equal(inits, 10);
    assert.ok(done.length === 10 && done.every((t) => t === 10));
    assert.ok(
      estimates.every((m) => m instanceof Matrix),
      'a string get gives one Matrix per count',
    );
  });

  it('rejects empty lists and counts that are not positive integers, before any work', () => {
    for (const bad of [0, 2.5, [], [1, 0], [3, 'a']]) {
      assert.throws(
        () => monteCarloKernelFn(net.init, net.apply, key, bad as never),
        (e: Error) => e instanceof InputError && /nSamples/.test(e.message),
        JSON.stringify(bad),
      );
    }
  });
});

describe('monteCarloKernelFn: input shape and results', () => {
  it('infers the example shape from x1, as NT does, for vectors and images', () => {
    const mlp = stax.serial(stax.dense(16), stax.relu(), stax.dense(1));
    const x = inputs(3, 5, 2);
    const key = random.key(4);
    assert.deepEqual(
      monteCarloKernelFn(mlp.init, mlp.apply, key, 3)(x).ntk.data,
      monteCarloKernelFn(mlp.init, mlp.apply, key, 3, { inputShape: 5 })(x).ntk.data,
    );
    const cnn = stax.serial(stax.conv(4, [2, 2]), stax.relu(), stax.flatten(), stax.dense(1));
    const xi = Tensor.from(images([2, 3, 3, 2], 6) as never);
    assert.deepEqual(
      monteCarloKernelFn(cnn.init, cnn.apply, key, 2)(xi, null, 'nngp').data,
      monteCarloKernelFn(cnn.init, cnn.apply, key, 2, { inputShape: [3, 3, 2] })(xi, null, 'nngp').data,
    );
  });

  it('destructures as NT’s tuple in the order of get, and computes only the kernels asked for', () => {
    const mlp = stax.serial(stax.dense(16), stax.erf(), stax.dense(1));
    const mc = monteCarloKernelFn(mlp.init, mlp.apply, random.key(1), 2);
    const x = inputs(3, 2, 8);
    const k = mc(x);
    const [nngp, ntk] = k;
    assert.equal(nngp, k.nngp);
    assert.equal(ntk, k.ntk);
    const [first, second] = mc(x, null, ['ntk', 'nngp']);
    assert.deepEqual([first.data, second.data], [k.ntk.data, k.nngp.data]);
    const only = mc(x, null, ['ntk']);
    assert.equal(only.nngp, undefined);
    assert.deepEqual(
      [...only].map((m) => m.data),
      [k.ntk.data],
    );
    assert.deepEqual(Object.keys(k), ['nngp', 'ntk', 'x1IsX2'], 'the tuple order is not an enumerable field');
  });
});

describe('monteCarloKernelFn with traceAxes (NT’s trace_axes)', () => {
  it('estimates the full (n₁·k)×(n₂·k) kernels of k outputs as the average of empirical.ntkFn/nngpFn with traceAxes: []', () => {
    const net = stax.serial(stax.dense(16), stax.erf(), stax.dense(3));
    const key = random.key(11);
    const x1 = inputs(4, 2, 1);
    const x2 = inputs(5, 2, 2);
    const k = monteCarloKernelFn(net.init, net.apply, key, 3, { traceAxes: [] })(x1, x2);
    assert.deepEqual([k.ntk.rows, k.ntk.cols, k.nngp.rows, k.nngp.cols], [12, 15, 12, 15]);
    const ntk = empirical.ntkFn(net.apply, { traceAxes: [] });
    const nngp = empirical.nngpFn(net.apply, { traceAxes: [] });
    const sums = [new Float64Array(180), new Float64Array(180)];
    for (const sub of random.split(key, 3)) {
      const { params } = net.init(sub, 2);
      [ntk(x1, x2, params), nngp(x1, x2, params)].forEach((m, i) => m.data.forEach((v, j) => (sums[i][j] += v / 3)));
    }
    assert.ok(maxRelError(k.ntk.data, sums[0]) < 1e-14, 'ntk');
    assert.ok(maxRelError(k.nngp.data, sums[1]) < 1e-14, 'nngp');
    const traced = monteCarloKernelFn(net.init, net.apply, key, 3)(x1, x2, 'ntk');
    assert.deepEqual([traced.rows, traced.cols], [4, 5]);
  });
});
