import { describe, it } from 'node:test';
import { stax } from '@tangent-lab/core';
import { assertMatchesNumpy, assertMatchesQuadrature, checkDerivatives, pyDense } from '../../helpers/layer-checks';

describe('stax.leakyRelu', () => {
  it('closed form equals quadrature of eq. (S1) split at the kink', () => {
    assertMatchesQuadrature(
      stax.leakyRelu(0.1),
      stax.elementwise((x) => (x > 0 ? x : 0.1 * x), { grad: (x) => (x > 0 ? 1 : 0.1), kinks: [0] }),
    );
  });

  it('backward and JVP equal finite differences', () => checkDerivatives(stax.serial(stax.dense(5), stax.leakyRelu(0.2))));

  it('kernels equal the numpy reference', () => {
    assertMatchesNumpy([pyDense(8, 1.2, 0.3), ['leakyRelu', 0.1], pyDense(1, 1.1, 0)], 1e-10);
  });
});
