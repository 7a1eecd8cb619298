import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { empirical, InputError, linearize, Matrix, params as tree, random, stax, Tensor, type Layer, type Params } from '@tangent-lab/core';
import { inputs, maxRelError } from '../helpers/compare';

const NETS: [string, () => Layer][] = [
  [
    'erf MLP, 3 outputs',
    () =>
      stax.serial(stax.dense(24, { wStd: 1.5, bStd: 0.05 }), stax.erf(), stax.dense(16, { wStd: 1.5, bStd: 0.05 }), stax.erf(), stax.dense(3, { bStd: 0.2 })),
  ],
  [
    'standard parameterization, ReLU, 2 outputs',
    () => stax.serial(stax.dense(20, { wStd: 1.4, bStd: 0.1, parameterization: 'standard' }), stax.relu(), stax.dense(2, { parameterization: 'standard' })),
  ],
  [
    'residual block with concat, 2 outputs',
    () =>
      stax.serial(
        stax.dense(8),
        stax.fanOut(2),
        stax.parallel(stax.serial(stax.gelu(), stax.dense(8)), stax.identity()),
        stax.fanInSum(),
        stax.relu(),
        stax.fanOut(2),
        stax.parallel(stax.dense(4), stax.dense(6)),
        stax.fanInConcat(),
        stax.dense(2),
      ),
  ],
];

/**
 * The Jacobian ∂f(θ, x)/∂θ by central differences, rows example-major
 * (i·k + a), one column per parameter: independent of every backward pass.
 */
function finiteDifferenceJacobian(net: Layer, params: Params, x: number[][]): number[][] {
  const p = tree.cloneParams(params);
  const flat = tree.leaves(p);
  const k = (net.apply(params, x) as Matrix).cols;
  const rows: number[][] = Array.from({ length: x.length * k }, () => []);
  const h = 1e-5;
  for (const leaf of flat) {
    for (let q = 0; q < leaf.length; q++) {
      const v = leaf[q];
      leaf[q] = v + h;
      const up = (net.apply(p, x) as Matrix).data;
      leaf[q] = v - h;
      const down = (net.apply(p, x) as Matrix).data;
      leaf[q] = v;
      for (let r = 0; r < rows.length; r++) rows[r].push((up[r] - down[r]) / (2 * h));
    }
  }
  return rows;
}

const gram = (ja: number[][], jb: number[][]) => ja.map((u) => jb.map((v) => u.reduce((s, w, c) => s + w * v[c], 0)));

describe("empirical.ntkFn: traceAxes and diagonalAxes (Neural Tangents' output axes)", () => {
  const x1 = inputs(5, 3, 1);
  const x2 = inputs(4, 3, 2);

  it('traceAxes: [] is J₁J₂ᵀ of all n·k outputs, example-major: finite differences agree to 1e-7', () => {
    const net = NETS[0][1]();
    const { params } = net.init(random.key(3), 3);
    const expected = gram(finiteDifferenceJacobian(net, params, x1), finiteDifferenceJacobian(net, params, x2));
    for (const implementation of ['structured', 'jacobian'] as const) {
      const full = empirical.ntkFn(net.apply, { traceAxes: [], implementation })(x1, x2, params);
      assert.deepEqual([full.rows, full.cols], [5 * 3, 4 * 3]);
      assert.ok(maxRelError(full.data, expected.flat(), 1e-3) < 1e-7, implementation);
    }
  });

  for (const [name, make] of NETS) {
    it(`structured and jacobian agree to 1e-10 on the full and per-output kernels: ${name}`, () => {
      const net = make();
      const { params } = net.init(random.key(4), 3);
      for (const options of [{ traceAxes: [] }, { diagonalAxes: [-1] }, { traceAxes: [], diagonalAxes: 1 }] as const) {
        const s = empirical.ntkFn(net.apply, { ...options, implementation: 'structured' });
        // A memory limit of a few rows makes the jacobian implementation work in several blocks.
        const j = empirical.ntkFn(net.apply, { ...options, implementation: 'jacobian', memoryLimit: 8192 });
        for (const b of [x2, null]) {
          const a = s(x1, b, params);
          const c = j(x1, b, params);
          assert.deepEqual(a instanceof Matrix ? [a.rows, a.cols] : a.shape, c instanceof Matrix ? [c.rows, c.cols] : c.shape);
          assert.ok(maxRelError(a.data, c.data, 1e-8) < 1e-10, `${JSON.stringify(options)}, x2 ${b ? 'given' : 'null'}`);
        }
      }
      const full = empirical.ntkFn(net.apply, { traceAxes: [] })(x1, null, params);
      assert.ok(full.asymmetry() < 1e-14 * full.maxAbs(), 'Θ̂(𝒳, 𝒳) is symmetric');
    });
  }

  it('the three layouts are one kernel: the diagonal of each k×k block, and its average', () => {
    const net = NETS[0][1]();
    const { params } = net.init(random.key(5), 3);
    const k = 3;
    const full = empirical.ntkFn(net.apply, { traceAxes: [] })(x1, x2, params);
    const perOutput = empirical.ntkFn(net.apply, { diagonalAxes: [-1] })(x1, x2, params);
    const averaged = empirical.ntkFn(net.apply)(x1, x2, params);
    assert.ok(perOutput instanceof Tensor);
    assert.deepEqual(perOutput.shape, [5, 4, k]);
    assert.deepEqual([averaged.rows, averaged.cols], [5, 4]);
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 4; j++) {
        let s = 0;
        for (let o = 0; o < k; o++) {
          const v = full.get(i * k + o, j * k + o);
          assert.ok(Math.abs(perOutput.get(i, j, o) - v) <= 1e-12 * Math.abs(v) + 1e-15);
          s += v;
        }
        assert.ok(Math.abs(averaged.get(i, j) - s / k) <= 1e-12 * Math.abs(s));
      }
    }
    // The explicit spellings: traceAxes [-1] and 1 are the default; the full kernel's off-diagonal output pairs are not zero.
    assert.deepEqual(empirical.ntkFn(net.apply, { traceAxes: [-1] })(x1, x2, params).data, averaged.data);
    assert.deepEqual(empirical.ntkFn(net.apply, { traceAxes: 1, diagonalAxes: [] })(x1, x2, params).data, averaged.data);
    assert.ok(Math.abs(full.get(0, 1)) > 1e-6 * Math.abs(full.get(0, 0)), 'a finite network couples its outputs');
  });

  it('of a linearized network equals the full NTK at θ₀ whatever θ', () => {
    const net = NETS[1][1]();
    const { params } = net.init(random.key(6), 3);
    const { params: other } = net.init(random.key(7), 3);
    const atTheta0 = empirical.ntkFn(net.apply, { traceAxes: [] })(x1, null, params);
    const viaLin = empirical.ntkFn(linearize(net.apply, params), { traceAxes: [] })(x1, null, other);
    assert.ok(maxRelError(viaLin.data, atTheta0.data) < 1e-12);
  });

  it('with one output, every layout is the same numbers', () => {
    const net = stax.serial(stax.dense(12), stax.sin(), stax.dense(1));
    const { params } = net.init(random.key(8), 3);
    const averaged = empirical.ntkFn(net.apply)(x1, x2, params);
    const full = empirical.ntkFn(net.apply, { traceAxes: [] })(x1, x2, params);
    const perOutput = empirical.ntkFn(net.apply, { diagonalAxes: -1 })(x1, x2, params);
    assert.ok(maxRelError(full.data, averaged.data) < 1e-13);
    assert.ok(maxRelError(perOutput.data, averaged.data) < 1e-13);
    assert.deepEqual(perOutput.shape, [5, 4, 1]);
  });

  it('rejects unknown axes, the examples axis and an axis both traced and diagonal, before any work', () => {
    const net = NETS[0][1]();
    const bad: [object, RegExp][] = [
      [{ traceAxes: [0] }, /axis 0, the examples \(batch\) axis/],
      [{ diagonalAxes: [-2] }, /axis -2, the examples \(batch\) axis/],
      [{ traceAxes: [2] }, /traceAxes contains 2, which is not an axis of the \(n, k\) outputs/],
      [{ diagonalAxes: ['-1'] }, /diagonalAxes contains "-1"/],
      [{ traceAxes: 'all' }, /traceAxes must be an axis or a list of axes/],
      [{ traceAxes: [-1], diagonalAxes: [-1] }, /in both traceAxes and diagonalAxes/],
    ];
    for (const [options, message] of bad) {
      for (const implementation of ['structured', 'jacobian'] as const) {
        assert.throws(
          () => empirical.ntkFn(net.apply, { ...options, implementation } as never),
          (e: Error) => e instanceof InputError && message.test(e.message),
          JSON.stringify(options),
        );
      }
      assert.throws(
        () => empirical.nngpFn(net.apply, options as never),
        (e: Error) => e instanceof InputError && message.test(e.message),
        `nngpFn ${JSON.stringify(options)}`,
      );
    }
    assert.throws(() => empirical.ntkFn(net.apply, { traceAxis: [] } as never), /unknown option "traceAxis". Did you mean "traceAxes"/);
    assert.throws(
      () => empirical.ntkFn(net.apply, { engine: 'tfjs', traceAxes: [] }),
      (e: Error) => e instanceof InputError && /'tfjs' engine computes the output-averaged kernel only/.test(e.message),
    );
    assert.throws(() => empirical.ntkFn(net.apply, { engine: 'tfjs', diagonalAxes: [-1] }), /'tfjs' engine computes the output-averaged kernel only/);
  });
});
