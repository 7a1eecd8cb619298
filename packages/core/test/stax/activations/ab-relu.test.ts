import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, stax } from '@tangent-lab/core';
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

  it('rejects non-finite slopes', () => {
    assert.throws(
      () => stax.abRelu(NaN, 1),
      (e: Error) => e instanceof InputError && /slope a must be a finite number/.test(e.message),
    );
  });
});
