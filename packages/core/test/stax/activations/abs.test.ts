import { describe, it } from 'node:test';
import { stax } from '@tangent-lab/core';
import { assertMatchesNumpy, assertMatchesQuadrature, checkDerivatives, pyDense } from '../../helpers/layer-checks';

describe('stax.abs', () => {
  it('closed form equals quadrature of eq. (S1) split at the kink', () => {
    assertMatchesQuadrature(
      stax.abs(),
      stax.elementwise((x) => Math.abs(x), { grad: (x) => Math.sign(x), kinks: [0] }),
    );
  });

  it('backward and JVP equal finite differences', () => checkDerivatives(stax.serial(stax.dense(5), stax.abs())));

  it('kernels equal the numpy reference', () => {
    assertMatchesNumpy([pyDense(8, 0.9, 0.2), ['abs'], pyDense(1, 1.1, 0)], 1e-10);
  });
});
