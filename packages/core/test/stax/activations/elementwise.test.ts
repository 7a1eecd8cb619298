import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batch, InputError, NumericalError, stax, type Layer, type Matrix } from '@tangent-lab/core';
import { erf as erfFn, normalCdf, normalPdf } from '@tangent-lab/core/internal/special/erf';
import { inputs, maxRelError } from '../../helpers/compare';
import { assertActsPerPosition, checkDerivatives, twoLayer } from '../../helpers/layer-checks';
import { runNode } from '../../helpers/child-node';
import { runPython } from '../../helpers/python';

/** max |a − b| / √(b_ii·b_jj): the error on the scale of the kernel (entries of a correlation-like size). */
function scaledError(a: Matrix, b: number[][], diag1: number[], diag2: number[]): number {
  let worst = 0;
  b.forEach((row, i) =>
    row.forEach((v, j) => {
      worst = Math.max(worst, Math.abs(a.get(i, j) - v) / Math.sqrt(diag1[i] * diag2[j]));
    }),
  );
  return worst;
}

/** The kernels of a net against another's (a closed form), on the kernels' scale, for x1 ≠ x2 and x1 = x2. */
function assertSameKernels(numeric: Layer, exact: Layer, tol: number): void {
  const x1 = inputs(7, 3, 21);
  const x2 = inputs(5, 3, 22);
  const d1 = x1.map((r) => exact.kernel([r], null).nngp.get(0, 0));
  const t1 = x1.map((r) => exact.kernel([r], null).ntk!.get(0, 0));
  const d2 = x2.map((r) => exact.kernel([r], null).nngp.get(0, 0));
  const t2 = x2.map((r) => exact.kernel([r], null).ntk!.get(0, 0));
  for (const [a, b, da, db, ta, tb] of [
    [x1, x2, d1, d2, t1, t2],
    [x1, null, d1, d1, t1, t1],
  ] as const) {
    const k = numeric.kernel(a, b);
    const ref = exact.kernel(a, b);
    const e1 = scaledError(k.nngp, ref.nngp.toArray(), da as number[], db as number[]);
    const e2 = scaledError(k.ntk!, ref.ntk!.toArray(), ta as number[], tb as number[]);
    assert.ok(e1 <= tol && e2 <= tol, `${numeric.name}: nngp error ${e1.toExponential(2)}, ntk error ${e2.toExponential(2)} > ${tol}`);
  }
}

const SMOOTH: [string, (x: number) => number, (x: number) => number][] = [
  ['tanh', (x) => Math.tanh(x), (x) => 1 - Math.tanh(x) ** 2],
  ['softplus', (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))), (x) => 1 / (1 + Math.exp(-x))],
  ['swish', (x) => x / (1 + Math.exp(-x)), (x) => (1 + Math.exp(-x) + x * Math.exp(-x)) / (1 + Math.exp(-x)) ** 2],
  ['sigmoid', (x) => 1 / (1 + Math.exp(-x)), (x) => Math.exp(-x) / (1 + Math.exp(-x)) ** 2],
];

describe('stax.elementwise', () => {
  it('smooth φ (tanh, softplus, swish, sigmoid) by the Hermite series: within 1e-10 of an independent 2-D quadrature (numpy)', () => {
    const x1 = inputs(6, 4, 31);
    const x2 = inputs(4, 4, 32);
    for (const [name, fn, grad] of SMOOTH) {
      const desc = [['dense', 8, 1.6, 0.1], [name], ['dense', 8, 1.4, 0.2], [name], ['dense', 1, 1.1, 0]];
      for (const [a, b] of [
        [x1, x2],
        [x1, null],
      ] as const) {
        const ref = runPython<{ nngp: number[][]; ntk: number[][] }>('elementwise_reference.py', { x1: a, x2: b, net: desc });
        for (const withGrad of [true, false]) {
          const act = stax.elementwise(fn, withGrad ? { grad } : {});
          const net = stax.serial(stax.dense(8, { wStd: 1.6, bStd: 0.1 }), act, stax.dense(8, { wStd: 1.4, bStd: 0.2 }), act, stax.dense(1, { wStd: 1.1 }));
          const k = net.kernel(a, b);
          assert.ok(maxRelError(k.nngp.data, ref.nngp.flat()) <= 1e-10, `${name} nngp: ${maxRelError(k.nngp.data, ref.nngp.flat())}`);
          assert.ok(maxRelError(k.ntk!.data, ref.ntk.flat()) <= 1e-10, `${name} ntk: ${maxRelError(k.ntk!.data, ref.ntk.flat())}`);
        }
      }
    }
  });

  it('nearly collinear inputs of very different norms (variances 0.3 to 60): within tol of the numpy reference', () => {
    // Strong correlations between very different variances need long series, the
    // finer grids of high coefficients and trustworthy tails; tanh at q ≈ 60 is steep.
    const direction = [0.6, -0.3, 0.74];
    const x = [0.5, 1, 2, 3.5, 5].map((scale, i) => direction.map((v, j) => scale * 1.5 * (v + 0.02 * Math.sin(3 * i + j))));
    const net = stax.serial(
      stax.dense(8, { wStd: 2, bStd: 0.1 }),
      stax.elementwise((v) => Math.tanh(v), { tol: 1e-8 }),
      stax.dense(1),
    );
    const ref = runPython<{ nngp: number[][]; ntk: number[][] }>('elementwise_reference.py', {
      x1: x,
      x2: null,
      net: [['dense', 8, 2, 0.1], ['tanh'], ['dense', 1, 1, 0]],
    });
    const k = net.kernel(x);
    const diag = (m: number[][]) => m.map((row, i) => row[i]);
    assert.ok(scaledError(k.nngp, ref.nngp, diag(ref.nngp), diag(ref.nngp)) <= 1e-8);
    assert.ok(scaledError(k.ntk!, ref.ntk, diag(ref.ntk), diag(ref.ntk)) <= 1e-8);
  });

  it('the Hermite series reproduces closed forms (erf, GELU, sin) to 1e-10 on the kernels’ scale', () => {
    const gaussian = (x: number) => (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x);
    assertSameKernels(twoLayer(stax.elementwise(erfFn)), twoLayer(stax.erf()), 1e-10);
    assertSameKernels(twoLayer(stax.elementwise(erfFn, { grad: gaussian })), twoLayer(stax.erf()), 1e-10);
    assertSameKernels(twoLayer(stax.elementwise((x) => x * normalCdf(x), { grad: (x) => normalCdf(x) + x * normalPdf(x) })), twoLayer(stax.gelu()), 1e-10);
    assertSameKernels(twoLayer(stax.elementwise(Math.sin)), twoLayer(stax.sin()), 1e-10);
  });

  it('a looser tol gives a looser, faster series, still within it', () => {
    assertSameKernels(twoLayer(stax.elementwise(erfFn, { tol: 1e-5 })), twoLayer(stax.erf()), 1e-5);
  });

  it('nngpFn: the user’s closed form of 𝒯, with 𝒯̇ = ∂𝒯/∂q12 derived (Price’s theorem), checked against quadrature', () => {
    // erf's arcsine kernel (eq. S17), as Neural Tangents' Elementwise example.
    const arcsine = (q11: number, q12: number, q22: number) => (2 / Math.PI) * Math.asin((2 * q12) / Math.sqrt((1 + 2 * q11) * (1 + 2 * q22)));
    assertSameKernels(twoLayer(stax.elementwise(erfFn, { nngpFn: arcsine })), twoLayer(stax.erf()), 1e-9);
    // φ(x) = x³: E[u³v³] = 6q12³ + 9q12·q11q22, against the Hermite-series quadrature of the same integral.
    const cube = (q11: number, q12: number, q22: number) => 6 * q12 ** 3 + 9 * q12 * q11 * q22;
    assertSameKernels(twoLayer(stax.elementwise((x) => x ** 3, { nngpFn: cube })), twoLayer(stax.elementwise((x) => x ** 3)), 1e-9);
  });

  it('acts per position on images (Hermite series, kinks, nngpFn): apply and both readouts’ kernels equal the per-position kernels', () => {
    assertActsPerPosition(() => stax.elementwise((v) => Math.tanh(v)));
    assertActsPerPosition(() => stax.elementwise((v) => Math.max(v, 0) + 0.1 * Math.sin(v), { kinks: [0], grad: (v) => (v > 0 ? 1 : 0) + 0.1 * Math.cos(v) }));
    const arcsine = (q11: number, q12: number, q22: number) => (2 / Math.PI) * Math.asin((2 * q12) / Math.sqrt((1 + 2 * q11) * (1 + 2 * q22)));
    assertActsPerPosition(() => stax.elementwise(erfFn, { nngpFn: arcsine }));
  });

  it('Gauss–Hermite alone cannot resolve a kink, which is why `kinks` exists', () => {
    const x = inputs(4, 3, 13);
    const closed = twoLayer(stax.relu()).kernel(x, null, 'ntk');
    const gh = twoLayer(stax.elementwise((v) => Math.max(v, 0), { grad: (v) => (v > 0 ? 1 : 0), degree: 64 })).kernel(x, null, 'ntk');
    assert.ok(maxRelError(gh.data, closed.data) > 1e-3);
    const kinked = twoLayer(stax.elementwise((v) => Math.max(v, 0), { grad: (v) => (v > 0 ? 1 : 0), kinks: [0] })).kernel(x, null, 'ntk');
    assert.ok(maxRelError(kinked.data, closed.data) < 1e-10);
  });

  it('kinks without grad: φ′ by differences within each piece, NTK within 1e−12 of closed forms (ReLU, ABRelu, RectifiedMonomial)', () => {
    // A difference stencil straddling the kink put 4e-5 (ReLU) into these NTKs.
    const x1 = inputs(6, 3, 11);
    const x2 = inputs(5, 3, 12);
    const cases: [Layer, Layer][] = [
      [stax.elementwise((v) => Math.max(v, 0), { kinks: [0] }), stax.relu()],
      [stax.elementwise((v) => (v > 0 ? 0.7 * v : -0.4 * v), { kinks: [0] }), stax.abRelu(-0.4, 0.7)],
      [stax.elementwise((v) => (v > 0 ? v * v : 0), { kinks: [0] }), stax.rectifiedMonomial(2)],
      [stax.elementwise((v) => (v > 0 ? v ** 3 : 0), { kinks: [0] }), stax.rectifiedMonomial(3)],
    ];
    for (const [numeric, closed] of cases) {
      for (const b of [x2, null]) {
        const k = twoLayer(numeric).kernel(x1, b);
        const ref = twoLayer(closed).kernel(x1, b);
        assert.ok(maxRelError(k.nngp.data, ref.nngp.data) <= 1e-12, `${numeric.name} nngp: ${maxRelError(k.nngp.data, ref.nngp.data)}`);
        assert.ok(maxRelError(k.ntk!.data, ref.ntk!.data) <= 1e-12, `${numeric.name} ntk: ${maxRelError(k.ntk!.data, ref.ntk!.data)}`);
      }
    }
  });

  it('kinks: the duals of ELU (smooth, non-polynomial pieces; no grad given) within 1e−12 of scipy, also at strong correlations (ρ = ±0.99)', () => {
    // Strongly correlated Σ smooth the inner kink over a width ∝ √(1 − ρ²) in the outer variable: 1e-8 errors before the outer panels were graded there.
    const cov = [
      [1, 0.5, 1.3],
      [0.8, 0.8, 0.8],
      [2, -1.9, 1.9],
      [1.7, 1.69, 1.7],
      [0.3, 0.01, 0.5],
      [4, 3.999, 4.1],
      [0.05, -0.049, 0.05],
    ];
    const ref = runPython<{ nngp: number[]; ntk: number[] }>('elementwise_kinks_reference.py', { cov });
    const elu = stax.elementwise((v) => (v > 0 ? v : Math.expm1(v)), { kinks: [0] });
    const out = new Float64Array(2);
    cov.forEach(([q11, q12, q22], i) => {
      elu.impl.activation.dual(q11, q12, q22, out, true);
      const e = [Math.abs(out[0] - ref.nngp[i]) / Math.abs(ref.nngp[i]), Math.abs(out[1] - ref.ntk[i]) / Math.abs(ref.ntk[i])];
      assert.ok(e[0] <= 1e-12 && e[1] <= 1e-12, `Σ = (${q11}, ${q12}, ${q22}): 𝒯 error ${e[0].toExponential(2)}, 𝒯̇ error ${e[1].toExponential(2)}`);
    });
  });

  it('a kink without `kinks` is detected by the series, and the error says to pass them', () => {
    const relu = stax.serial(
      stax.dense(4, { bStd: 0.1 }),
      stax.elementwise((v) => Math.max(v, 0)),
      stax.dense(1),
    );
    assert.throws(
      () => relu.kernel(inputs(3, 2, 1)),
      (e: Error) => e instanceof NumericalError && /pass kinks: \[\.\.\.\]/.test(e.message),
    );
  });

  it('backward and JVP equal finite differences (numerical derivative)', () => {
    checkDerivatives(
      stax.serial(
        stax.dense(5),
        stax.elementwise((v) => v / (1 + Math.exp(-v))),
      ),
    );
  });

  it('rejects bad arguments before any work', () => {
    assert.throws(
      () => stax.elementwise(undefined as never),
      (e: Error) => e instanceof InputError && /needs the activation function/.test(e.message),
    );
    assert.throws(() => stax.elementwise(Math.tanh, { kinks: [NaN] }), /kinks must be an array of finite numbers/);
    assert.throws(() => stax.elementwise(Math.tanh, { deg: 10 } as never), /unknown option "deg"/);
    assert.throws(() => stax.elementwise(Math.tanh, { degree: 401 }), /degree 401 is too large/);
    assert.throws(() => stax.elementwise(Math.tanh, { tol: 1e-20 }), /tol must be a number between 1e-14 and 1e-2/);
    assert.throws(() => stax.elementwise(Math.tanh, { tol: 1e-8, degree: 20 }), /tol and degree choose different ways/);
    assert.throws(() => stax.elementwise(Math.tanh, { nngpFn: 3 as never }), /nngpFn must be a function/);
  });

  it('worker threads rebuild self-contained functions and Math built-ins from their spec; tiles equal the untiled kernel bit for bit', async () => {
    const x = inputs(30, 2, 3);
    // sin's dual: ½(e^{q12} − e^{−q12})·e^{−(q11+q22)/2}.
    const sinDual = (q11: number, q12: number, q22: number) => Math.sinh(q12) * Math.exp(-(q11 + q22) / 2);
    for (const act of [
      stax.elementwise((v: number) => Math.tanh(v)),
      stax.elementwise(Math.tanh, { tol: 1e-6 }),
      stax.elementwise((v: number) => v / (1 + Math.exp(-v)), { degree: 24 }),
      stax.elementwise(Math.sin, { nngpFn: sinDual }),
    ]) {
      const net = stax.serial(stax.dense(16, { wStd: 1.5, bStd: 0.1 }), act, stax.dense(16), act, stax.dense(1));
      assert.equal(act.impl.localOnly, undefined);
      const got = await batch(net.kernel, { batchSize: 7, workers: 2 })(x);
      const here = net.kernel(x);
      assert.deepEqual(Array.from(got.nngp.data), Array.from(here.nngp.data));
      assert.deepEqual(Array.from(got.ntk!.data), Array.from(here.ntk!.data));
    }
    assert.deepEqual(stax.elementwise(Math.tanh).spec.args[0], { fn: 'Math.tanh', tol: 1e-10 });
    assert.deepEqual(stax.elementwise(Math.tanh, { degree: 12 }).spec.args[0], { fn: 'Math.tanh', degree: 12 });
  });

  it('fresh functions of one source share one series (cache, grid tables, bits); closures of one source do not', () => {
    // A notebook writes the lambda afresh per network: each used to get a cache of its own, kept until the loop ended.
    const script = `
      const { stax } = require('@tangent-lab/core');
      const { seriesMemoryBytes } = require('@tangent-lab/core/internal/simd/series');
      const x = Array.from({ length: 200 }, (_, i) => [Math.sin(i), Math.cos(3 * i), (i % 7) / 7 - 0.5]);
      const net = (phi) => stax.serial(stax.dense(64, { wStd: 1.5, bStd: 0.1 }), stax.elementwise(phi), stax.dense(64, { wStd: 1.3 }), stax.elementwise(phi), stax.dense(1));
      const first = net((v) => Math.tanh(v)).kernel(x);
      for (let r = 0; r < 200; r++) net((v) => Math.tanh(v)).kernel(x);
      const last = net((v) => Math.tanh(v)).kernel(x);
      const scaled = (s) => (v) => Math.tanh(s * v);
      const one = net(scaled(1)).kernel(x);
      const two = net(scaled(2)).kernel(x);
      const same = (a, b) => Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength).equals(Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength));
      console.log(JSON.stringify({ bytes: seriesMemoryBytes(), same: same(first.nngp, last.nngp) && same(first.ntk, last.ntk), closures: same(one.ntk, two.ntk), closureIsTanh: same(one.ntk, first.ntk) }));`;
    const out = runNode(script, { TANGENT_LAB_THREADS: '1' });
    assert.equal(out.status, 0, out.stderr);
    const r = JSON.parse(out.stdout) as { bytes: number; same: boolean; closures: boolean; closureIsTanh: boolean };
    assert.ok(r.bytes <= 8 * 2 ** 20, `the series stores grew to ${(r.bytes / 2 ** 20).toFixed(0)} MiB over 200 fresh lambdas`);
    assert.ok(r.same, 'a later lambda of the same source gave other bits than the first');
    assert.ok(!r.closures, 'closures over different values gave the same kernel: they must not share');
    assert.ok(r.closureIsTanh, 'tanh(1·v) as a closure should equal tanh(v) bit for bit');
  });

  it('a closure is kept on the calling thread, and batch workers refuse it, saying why and how to wrap it', async () => {
    const scale = 1.7;
    const closure = stax.serial(
      stax.dense(16),
      stax.elementwise((v: number) => Math.tanh(scale * v)),
      stax.dense(1),
    );
    assert.throws(
      () => batch(closure.kernel, { workers: 2 }),
      (e: Error) =>
        e instanceof InputError &&
        /refers to variables outside its own body.*wrap it in a self-contained arrow function, e\.g\. \(v\) => Math\.tanh\(v\)/.test(e.message),
    );
    const x = inputs(20, 2, 3);
    const inThread = await batch(closure.kernel, { batchSize: 5, workers: 0 })(x, null, 'nngp');
    assert.deepEqual(inThread.data, closure.kernel(x, null, 'nngp').data);
  });
});
