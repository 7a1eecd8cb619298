import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { empirical, InputError, linearize, Matrix, random, stax, type Layer } from '@tangent-lab/core';
import { inputs, maxRelError } from '../helpers/compare';
import { logLogSlope } from '../helpers/slope';

const NETS: [string, () => Layer][] = [
  [
    'erf MLP, 3 outputs',
    () =>
      stax.serial(stax.dense(48, { wStd: 1.5, bStd: 0.05 }), stax.erf(), stax.dense(32, { wStd: 1.5, bStd: 0.05 }), stax.erf(), stax.dense(3, { bStd: 0.2 })),
  ],
  [
    'standard parameterization, ReLU',
    () => stax.serial(stax.dense(40, { wStd: 1.4, bStd: 0.1, parameterization: 'standard' }), stax.relu(), stax.dense(2, { parameterization: 'standard' })),
  ],
  [
    'residual block with concat',
    () =>
      stax.serial(
        stax.dense(16),
        stax.fanOut(2),
        stax.parallel(stax.serial(stax.gelu(), stax.dense(16)), stax.identity()),
        stax.fanInSum(),
        stax.relu(),
        stax.fanOut(2),
        stax.parallel(stax.dense(4), stax.dense(6)),
        stax.fanInConcat(),
        stax.dense(2),
      ),
  ],
];

describe('empirical.ntkFn: structured and jacobian implementations', () => {
  const x1 = inputs(7, 3, 1);
  const x2 = inputs(5, 3, 2);
  for (const [name, make] of NETS) {
    it(`agree to 1e-10: ${name}`, () => {
      const net = make();
      const { params } = net.init(random.key(3), 3);
      const s = empirical.ntkFn(net.apply, { implementation: 'structured' });
      const j = empirical.ntkFn(net.apply, { implementation: 'jacobian', memoryLimit: 4096 });
      for (const b of [x2, null]) {
        const a = s(x1, b, params);
        const c = j(x1, b, params);
        assert.ok(maxRelError(a.data, c.data, 1e-8) < 1e-10);
      }
      const sym = s(x1, null, params);
      assert.equal(sym.asymmetry() < 1e-14 * sym.maxAbs(), true);
    });
  }

  it('is the Gram matrix of the per-example gradients: Θ̂(x, x) = ‖∇_θ f(x)‖² for one output', () => {
    const net = stax.serial(stax.dense(20, { bStd: 0.3 }), stax.sin(), stax.dense(1));
    const { params } = net.init(random.key(4), 3);
    const x = Matrix.from([inputs(1, 3, 9)[0]]);
    const { cache } = net.impl.forward(params, x);
    const g = net.impl.backward(params, cache, Matrix.from([[1]])).gParams;
    const norm2 = (p: unknown): number =>
      p === null
        ? 0
        : Array.isArray(p)
          ? p.reduce((s: number, q) => s + norm2(q), 0)
          : (p as { W: Matrix; b: Float64Array | null }).W.data.reduce((s, v) => s + v * v, 0) +
            ((p as { b: Float64Array | null }).b?.reduce((s, v) => s + v * v, 0) ?? 0);
    const theta = empirical.ntkFn(net.apply)(x, null, params);
    assert.ok(Math.abs(theta.get(0, 0) - norm2(g)) < 1e-12 * norm2(g));
  });

  it('of a linearized network equals the NTK at θ₀ whatever θ (eq. 6 is linear in θ)', () => {
    const net = NETS[0][1]();
    const { params } = net.init(random.key(5), 3);
    const { params: other } = net.init(random.key(6), 3);
    const lin = linearize(net.apply, params);
    const atTheta0 = empirical.ntkFn(net.apply)(x1, null, params);
    const viaLin = empirical.ntkFn(lin)(x1, null, other);
    assert.ok(maxRelError(viaLin.data, atTheta0.data) < 1e-12);
  });

  it('called again reuses its temporaries (a workspace) but never the kernels it returned: each call equals a fresh kernel function', () => {
    const net = NETS[1][1]();
    const { params } = net.init(random.key(7), 3);
    const { params: other } = net.init(random.key(8), 3);
    const lin = linearize(net.apply, params);
    for (const options of [{}, { traceAxes: [] as [] }, { diagonalAxes: [-1] as [-1] }]) {
      for (const model of [net.apply, lin]) {
        const reused = empirical.ntkFn(model, options);
        const fresh = () => empirical.ntkFn(model, options);
        // Several calls on different inputs and parameters, then the first one again.
        const calls: [number[][], number[][] | null, typeof params][] = [
          [x1, null, params],
          [x2, x1, other],
          [x1, x2, params],
          [x2, null, other],
          [x1, null, params],
        ];
        const results = calls.map(([a, b, p]) => ({ got: reused(a, b, p), copy: null as Float64Array | null, args: [a, b, p] as const }));
        for (const r of results) r.copy = r.got.data.slice();
        calls.forEach(([a, b, p], i) => {
          assert.deepEqual(results[i].got.data, fresh()(a, b, p).data, `${JSON.stringify(options)} call ${i}`);
          assert.deepEqual(results[i].got.data, results[i].copy, 'a later call changed an earlier result');
        });
        assert.deepEqual(results[4].got.data, results[0].got.data);
      }
    }
  });

  it('from the second call on (its temporaries in a SIMD arena) gives the kernel of the first call bit for bit, and the jacobian one to 1e-10', () => {
    // Odd widths (a pass's last, unpaired entry), every slope pair of the SIMD
    // passes, biases, and both one batch (upper triangles) and two (full Grams).
    const net = stax.serial(
      stax.dense(13, { wStd: 1.4, bStd: 0.2 }),
      stax.relu(),
      stax.dense(9, { wStd: 1.3, bStd: 0.1 }),
      stax.abRelu(-0.3, 1.2),
      stax.dense(11, { wStd: 1.2 }),
      stax.leakyRelu(0.1),
      stax.dense(3, { bStd: 0.3 }),
    );
    const { params } = net.init(random.key(11), 3);
    for (const options of [{}, { traceAxes: [] as [] }, { diagonalAxes: [-1] as [-1] }]) {
      const reference = empirical.ntkFn(net.apply, { ...options, implementation: 'jacobian', memoryLimit: 4096 });
      for (const b of [null, x2]) {
        const ntk = empirical.ntkFn(net.apply, options);
        const first = ntk(x1, b, params);
        const kept = first.data.slice();
        for (let call = 0; call < 3; call++) {
          assert.deepEqual(ntk(x1, b, params).data, kept, `${JSON.stringify(options)}, x2 ${b === null ? 'null' : 'given'}: call ${call + 2}`);
        }
        assert.deepEqual(first.data, kept, 'a later call changed an earlier result');
        assert.ok(maxRelError(first.data, reference(x1, b, params).data, 1e-8) < 1e-10);
      }
    }
  });

  it('converges to the analytic NTK with width: relative error ∝ n^−1/2 (paper Fig. 1)', () => {
    const x = Array.from({ length: 8 }, (_, i) => Array.from({ length: 4 }, (_, j) => Math.sin(3 * i + j + 1)));
    const widths = [64, 128, 256, 512, 1024];
    for (const depth of [1, 3]) {
      const make = (n: number) => {
        const layers: Layer[] = [];
        for (let d = 0; d < depth; d++) layers.push(stax.dense(n, { wStd: 1.4, bStd: 0.1 }), stax.relu());
        return stax.serial(...layers, stax.dense(1, { wStd: 1.4, bStd: 0.1 }));
      };
      const analytic = make(1).kernel(x, null, 'ntk');
      const scale = Math.hypot(...analytic.data);
      const errors = widths.map((n) => {
        const net = make(n);
        const ntk = empirical.ntkFn(net.apply);
        const samples = 24;
        let sum = 0;
        for (let s = 0; s < samples; s++) {
          const k = ntk(x, null, net.init(random.key(100 * n + s), 4).params);
          sum += (Math.hypot(...k.data.map((v, i) => v - analytic.data[i])) / scale) ** 2;
        }
        return Math.sqrt(sum / samples);
      });
      const slope = logLogSlope(widths, errors);
      assert.ok(slope > -0.65 && slope < -0.35, `depth ${depth}: slope ${slope.toFixed(3)} (errors ${errors.map((e) => e.toFixed(4)).join(', ')})`);
    }
  });

  it('rejects bad input', () => {
    const net = NETS[0][1]();
    const { params } = net.init(random.key(3), 3);
    assert.throws(
      () => empirical.ntkFn(net.apply, { implementation: 'autodiff' as never }),
      (e: Error) => e instanceof InputError && /'structured' or 'jacobian'/.test(e.message),
    );
    assert.throws(() => empirical.ntkFn(net.apply)(x1, inputs(2, 4, 1), params), /different example shapes \(\(3\) vs \(4\)\)/);
    assert.throws(() => empirical.ntkFn(net.apply)([[NaN, 1, 2]], null, params), /non-finite/);
    assert.throws(() => empirical.ntkFn((() => 1) as never), /pass a network's apply/);
    assert.throws(() => empirical.ntkFn(net.apply)([[1, 2]], null, params), /input has 2 features but W is 3×48/);
  });
});
