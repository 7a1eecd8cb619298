import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, signal, stax, type Layer } from '@tangent-lab/core';
import { runPython } from '../helpers/python';

const tanh = () => stax.elementwise((x) => Math.tanh(x), { grad: (x) => 1 / Math.cosh(x) ** 2, degree: 80 });

describe('signal propagation: fixed points, χ₁, the order/chaos phase diagram and depth scales', () => {
  it('erf without bias: q* = 0 and χ₁ = σ_w²·4/π, critical at σ_w² = π/4', () => {
    const ordered = signal.meanField(stax.erf(), { wStd: 0.8 });
    assert.equal(ordered.qStar, 0);
    assert.ok(Math.abs(ordered.chi1 - (0.64 * 4) / Math.PI) < 1e-12);
    assert.equal(ordered.phase, 'ordered');
    assert.ok(Math.abs(signal.criticalWStd(stax.erf()) ** 2 - Math.PI / 4) < 1e-10);
    assert.equal(signal.meanField(stax.erf(), { wStd: Math.sqrt(Math.PI / 4) }).phase, 'critical');
  });

  it('erf in the chaotic phase: q* and χ₁ satisfy their closed forms (eqs. S17–S18 on the diagonal)', () => {
    const w2 = 2.25;
    const b2 = 0.0025;
    const mf = signal.meanField(stax.erf(), { wStd: 1.5, bStd: 0.05 });
    const q = mf.qStar;
    assert.ok(Math.abs(w2 * (2 / Math.PI) * Math.asin((2 * q) / (1 + 2 * q)) + b2 - q) < 1e-12);
    assert.ok(Math.abs(mf.chi1 - (w2 * (4 / Math.PI)) / Math.sqrt(1 + 4 * q)) < 1e-12);
    assert.equal(mf.phase, 'chaotic');
    assert.ok(mf.cStar > 0 && mf.cStar < 1);
  });

  it('ReLU: χ₁ = σ_w²/2 whatever the bias, so the critical line is σ_w² = 2', () => {
    for (const bStd of [0, 0.3, 1]) {
      assert.ok(Math.abs(signal.meanField(stax.relu(), { wStd: 1.2, bStd }).chi1 - 0.72) < 1e-12);
      assert.ok(Math.abs(signal.criticalWStd(stax.relu(), { bStd }) ** 2 - 2) < 1e-9);
    }
  });

  it('tanh: the critical σ_w² at σ_b² = 0.05 matches an independent numpy/scipy computation', () => {
    const ref = runPython<{ w2: number; qStar: number }>('signal_reference.py', { b2: 0.05 });
    const w2 = signal.criticalWStd(tanh(), { bStd: Math.sqrt(0.05) }) ** 2;
    assert.ok(Math.abs(w2 - ref.w2) < 1e-8, `${w2} vs ${ref.w2}`);
  });

  it('ξ_c is the depth scale over which kernel correlations reach c* in the NNGP recursion itself', () => {
    for (const [wStd, bStd] of [
      [1.1, 0.3],
      [1.8, 0.1],
    ]) {
      const mf = signal.meanField(stax.erf(), { wStd, bStd });
      // Two inputs whose pre-activations start at the variance fixed point q*, so
      // that only their correlation evolves from layer to layer.
      const s = Math.sqrt((2 * (mf.qStar - bStd * bStd)) / (wStd * wStd));
      const x = [
        [s, 0],
        [0.3 * s, Math.sqrt(1 - 0.09) * s],
      ];
      const layers: Layer[] = [];
      const corr: number[] = [];
      for (let l = 1; l <= 60; l++) {
        layers.push(stax.dense(8, { wStd, bStd }), stax.erf());
        const k = stax.serial(...layers, stax.dense(1, { wStd, bStd })).kernel(x, null, 'nngp');
        corr.push(k.get(0, 1) / Math.sqrt(k.get(0, 0) * k.get(1, 1)));
      }
      const gaps = corr.map((c) => Math.log(Math.abs(c - mf.cStar)));
      const late = gaps.slice(40, 56);
      const slope = (late[late.length - 1] - late[0]) / (late.length - 1);
      assert.ok(Math.abs(-1 / slope - mf.xiC) < 0.03 * mf.xiC, `fitted ${-1 / slope}, predicted ${mf.xiC} (${mf.phase})`);
    }
  });

  it('phase diagram: χ₁ grows with σ_w² and crosses 1 on the critical line', () => {
    const d = signal.phaseDiagram(stax.erf(), { wVar: [0.5, 1, 1.5, 2, 3], bVar: [0, 0.05, 0.2] });
    for (let i = 0; i < 3; i++) {
      for (let j = 1; j < 5; j++) assert.ok(d.chi1.get(i, j) > d.chi1.get(i, j - 1));
      const wc = signal.criticalWStd(stax.erf(), { bStd: Math.sqrt(d.bVar[i]) }) ** 2;
      d.wVar.forEach((w2, j) => assert.equal(d.chi1.get(i, j) < 1, w2 < wc));
    }
  });

  it('every activation with a dual, new ones included: q* and χ₁ match an independent numpy/scipy computation', () => {
    const cases: [Layer, string, unknown[], number, number][] = [
      [stax.tanh(), 'tanh', [], 1.3, 0.1],
      [stax.elementwise((x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)))), 'softplus', [], 0.6, 0.05],
      [stax.sign(), 'sign', [], 1.2, 0.3],
      [stax.exp({ a: 0.3, b: 0.5 }), 'exp', [0.3, 0.5], 1.1, 0.2],
      [stax.expNormalized({ gamma: 0.5, shift: -1 }), 'expNormalized', [0.5, -1], 0.8, 0.1],
      [stax.gaussian({ a: 1, b: -1 }), 'gaussian', [1, -1], 1.5, 0.1],
      [stax.rbf(0.4), 'rbf', [0.4], 0.9, 0.2],
      [stax.gabor(), 'gabor', [], 1.8, 0.3],
      [stax.monomial(2), 'monomial', [2], 0.3, 0.05],
      [stax.rectifiedMonomial(2), 'rectifiedMonomial', [2], 0.5, 0.1],
      [stax.polynomial([0.1, 0.7, 0.2]), 'polynomial', [[0.1, 0.7, 0.2]], 0.9, 0.05],
      [stax.hermite(2), 'hermite', [2], 0.4, 0.5],
    ];
    const refs = runPython<{ qStar: number; chi1: number }[]>(
      'signal_activations_reference.py',
      cases.map(([, act, params, w2, b2]) => ({ act, params, w2, b2 })),
    );
    cases.forEach(([layer, act, , w2, b2], i) => {
      const mf = signal.meanField(layer as never, { wStd: Math.sqrt(w2), bStd: Math.sqrt(b2) });
      assert.ok(Math.abs(mf.qStar - refs[i].qStar) <= 1e-9 * refs[i].qStar, `${act}: q* ${mf.qStar} vs ${refs[i].qStar}`);
      assert.ok(Math.abs(mf.chi1 - refs[i].chi1) <= 1e-9 * Math.max(1, refs[i].chi1), `${act}: χ₁ ${mf.chi1} vs ${refs[i].chi1}`);
      const d = signal.phaseDiagram(layer as never, { wVar: [w2], bVar: [b2] });
      assert.equal(d.chi1.get(0, 0), mf.chi1);
    });
  });

  it('the critical line of tanh through stax.tanh and the default stax.elementwise matches numpy/scipy', () => {
    const ref = runPython<{ w2: number; qStar: number }>('signal_reference.py', { b2: 0.05 });
    for (const layer of [stax.tanh(), stax.elementwise((x) => Math.tanh(x))]) {
      const w2 = signal.criticalWStd(layer, { bStd: Math.sqrt(0.05) }) ** 2;
      assert.ok(Math.abs(w2 - ref.w2) < 1e-8, `${layer.name}: ${w2} vs ${ref.w2}`);
      assert.equal(signal.meanField(layer, { wStd: Math.sqrt(ref.w2) * 1.01, bStd: Math.sqrt(0.05) }).phase, 'chaotic');
    }
  });

  it('rejects what it cannot use', () => {
    assert.throws(
      () => signal.meanField(stax.dense(3) as never, { wStd: 1 }),
      (e: Error) => e instanceof InputError && /activation layer/.test(e.message),
    );
    assert.throws(() => signal.meanField(stax.erf(), { wStd: 0 }), /wStd must be a positive/);
    assert.throws(() => signal.meanField(stax.erf(), { wstd: 1 } as never), /unknown option "wstd"/);
    assert.throws(() => signal.phaseDiagram(stax.erf(), { wVar: [], bVar: [0] }), /non-empty/);
    assert.throws(() => signal.criticalWStd(stax.erf(), { bStd: 0.1, hi: 0.5 }), /does not change sign/);
  });
});
