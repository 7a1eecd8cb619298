import { describe, it } from 'node:test';
import { stax } from '@tangent-lab/core';
import { assertMatchesNumpy, assertMatchesQuadrature, checkDerivatives, pyDense } from '../../helpers/layer-checks';

describe('stax.cos', () => {
  it('closed form equals Gauss–Hermite quadrature of eq. (S1)', () => {
    assertMatchesQuadrature(
      stax.cos(),
      stax.elementwise((x) => Math.cos(x), { grad: (x) => -Math.sin(x) }),
    );
  });

  it('backward and JVP equal finite differences', () => checkDerivatives(stax.serial(stax.dense(5), stax.cos())));

  it('kernels equal the numpy reference', () => {
    assertMatchesNumpy([pyDense(8, 1.1, 0.2), ['sin'], pyDense(8, 0.9, 0.3), ['cos'], pyDense(1, 1, 0)], 1e-9);
  });
});
