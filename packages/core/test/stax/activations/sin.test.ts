import { describe, it } from 'node:test';
import { stax } from '@tangent-lab/core';
import { assertMatchesNumpy, assertMatchesQuadrature, checkDerivatives, pyDense } from '../../helpers/layer-checks';

describe('stax.sin', () => {
  it('closed form equals Gauss–Hermite quadrature of eq. (S1)', () => {
    assertMatchesQuadrature(
      stax.sin({ a: 1.5, b: 0.8, c: 0.4 }),
      stax.elementwise((x) => 1.5 * Math.sin(0.8 * x + 0.4), { grad: (x) => 1.2 * Math.cos(0.8 * x + 0.4) }),
    );
  });

  it('backward and JVP equal finite differences', () => checkDerivatives(stax.serial(stax.dense(5), stax.sin({ a: 1, b: 1.5, c: 0.2 }))));

  it('kernels equal the numpy reference', () => {
    assertMatchesNumpy([pyDense(8, 1.1, 0.2), ['sin'], pyDense(1, 1, 0)], 1e-9);
  });
});
