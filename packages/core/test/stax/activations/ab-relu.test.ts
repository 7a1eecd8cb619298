import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, stax } from '@tangent-lab/core';
import { inputs } from '../../helpers/compare';
import { assertMatchesNumpy, assertMatchesQuadrature, checkDerivatives, pyDense } from '../../helpers/layer-checks';

describe('stax.abRelu', () => {
  it('closed form (arc-cosine kernels) equals quadrature of eq. (S1) split at the kink', () => {
    assertMatchesQuadrature(
      stax.abRelu(-0.5, 2),
      stax.elementwise((x) => (x > 0 ? 2 * x : -0.5 * x), { grad: (x) => (x > 0 ? 2 : -0.5), kinks: [0] }),
    );
  });

  it('backward and JVP equal finite differences', () => checkDerivatives(stax.serial(stax.dense(5), stax.abRelu(-0.3, 1.7))));

  it('kernels equal the numpy reference', () => {
    assertMatchesNumpy([pyDense(8, 1, 0.5), ['abRelu', -0.4, 1.3], pyDense(1, 2, 0.1)], 1e-10);
  });

  it('φ and φ′ over whole arrays (fnArray, gradTimes) give exactly fn and grad, signed zeros, infinities and NaN included', () => {
    const xs = Float64Array.from([-2.5, -1e-300, -0, 0, 1e-300, 3.25, -Infinity, Infinity, NaN, ...inputs(1, 50, 4)[0]]);
    const g = Float64Array.from(xs, (_, i) => (i % 3) - 1.25);
    for (const layer of [stax.relu(), stax.abRelu(-0.3, 1.7), stax.leakyRelu(0.1), stax.abs()]) {
      const act = layer.impl.activation;
      assert.ok(act.fnArray && act.gradTimes, `${act.name} has no array forms`);
      const out = new Float64Array(xs.length);
      act.fnArray(xs, out);
      xs.forEach((v, i) => assert.ok(Object.is(out[i], act.fn(v)), `${act.name}: φ(${v}) = ${out[i]}, fn gives ${act.fn(v)}`));
      act.gradTimes(g, xs, out);
      xs.forEach((v, i) => assert.ok(Object.is(out[i], g[i] * act.grad(v)), `${act.name}: g·φ′(${v}) = ${out[i]}`));
    }
  });

  it('rejects non-finite slopes', () => {
    assert.throws(
      () => stax.abRelu(NaN, 1),
      (e: Error) => e instanceof InputError && /slope a must be a finite number/.test(e.message),
    );
  });
});
