import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stax, type Layer } from '@tangent-lab/core';
import { erf as erfFn, normalCdf, normalPdf } from '@tangent-lab/core/internal/special/erf';
import { assertClose, inputs, maxRelError } from './helpers/compare';

const SIGMOID_SCALE = 2.4020563531719796;

/** Each closed-form activation next to the same function integrated numerically. */
const PAIRS: { name: string; closed: () => Layer; numeric: () => Layer }[] = [
  { name: 'relu (S15-S16)', closed: stax.relu, numeric: () => stax.elementwise((x) => Math.max(x, 0), { grad: (x) => (x > 0 ? 1 : 0), kinks: [0] }) },
  { name: 'leakyRelu(0.1)', closed: () => stax.leakyRelu(0.1), numeric: () => stax.elementwise((x) => (x > 0 ? x : 0.1 * x), { grad: (x) => (x > 0 ? 1 : 0.1), kinks: [0] }) },
  { name: 'abRelu(-0.5, 2)', closed: () => stax.abRelu(-0.5, 2), numeric: () => stax.elementwise((x) => (x > 0 ? 2 * x : -0.5 * x), { grad: (x) => (x > 0 ? 2 : -0.5), kinks: [0] }) },
  { name: 'abs', closed: stax.abs, numeric: () => stax.elementwise((x) => Math.abs(x), { grad: (x) => Math.sign(x), kinks: [0] }) },
  { name: 'erf (S17-S18)', closed: stax.erf, numeric: () => stax.elementwise(erfFn, { grad: (x) => (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) }) },
  { name: 'erf(a=2, b=0.7, c=-0.3)', closed: () => stax.erf({ a: 2, b: 0.7, c: -0.3 }), numeric: () => stax.elementwise((x) => 2 * erfFn(0.7 * x) - 0.3, { grad: (x) => 1.4 * (2 / Math.sqrt(Math.PI)) * Math.exp(-0.49 * x * x) }) },
  { name: 'sigmoidLike', closed: stax.sigmoidLike, numeric: () => stax.elementwise((x) => 0.5 * erfFn(x / SIGMOID_SCALE) + 0.5) },
  { name: 'gelu', closed: stax.gelu, numeric: () => stax.elementwise((x) => x * normalCdf(x), { grad: (x) => normalCdf(x) + x * normalPdf(x) }) },
  { name: 'sin(a=1.5, b=0.8, c=0.4)', closed: () => stax.sin({ a: 1.5, b: 0.8, c: 0.4 }), numeric: () => stax.elementwise((x) => 1.5 * Math.sin(0.8 * x + 0.4), { grad: (x) => 1.2 * Math.cos(0.8 * x + 0.4) }) },
  { name: 'cos', closed: stax.cos, numeric: () => stax.elementwise(Math.cos, { grad: (x) => -Math.sin(x) }) },
];

function twoLayer(act: Layer): Layer {
  return stax.serial(stax.dense(16, { wStd: 1.4, bStd: 0.3 }), act, stax.dense(16, { wStd: 1.2, bStd: 0.1 }), act, stax.dense(1, { wStd: 0.9 }));
}

describe('closed-form kernels equal numerical integration of eq. (S1) to 1e-8', () => {
  const x1 = inputs(6, 3, 11);
  const x2 = inputs(5, 3, 12);
  for (const p of PAIRS) {
    it(p.name, () => {
      for (const [a, b] of [[x1, x2], [x1, null]] as const) {
        const c = twoLayer(p.closed()).kernel(a, b);
        const q = twoLayer(p.numeric()).kernel(a, b);
        assertClose(q.nngp, c.nngp.data, 1e-8, `${p.name} nngp`);
        assertClose(q.ntk!, c.ntk!.data, 1e-8, `${p.name} ntk`);
      }
    });
  }

  it('Gauss-Hermite alone cannot resolve a kink, which is why `kinks` exists', () => {
    const x = inputs(4, 3, 13);
    const closed = twoLayer(stax.relu()).kernel(x, null, 'ntk');
    const gh = twoLayer(stax.elementwise((v) => Math.max(v, 0), { grad: (v) => (v > 0 ? 1 : 0), degree: 64 })).kernel(x, null, 'ntk');
    assert.ok(maxRelError(gh.data, closed.data) > 1e-3);
  });

  it('without grad, the derivative comes from a fourth-order central difference', () => {
    const x = inputs(4, 3, 14);
    const exact = twoLayer(stax.erf()).kernel(x, null, 'ntk');
    const numeric = twoLayer(stax.elementwise(erfFn)).kernel(x, null, 'ntk');
    assertClose(numeric, exact.data, 1e-8, 'erf ntk with numerical derivative');
  });
});
