import { describe, it } from 'node:test';
import { stax } from '@tangent-lab/core';
import { normalCdf, normalPdf } from '@tangent-lab/core/internal/special/erf';
import { assertMatchesNumpy, assertMatchesQuadrature, checkDerivatives, pyDense } from '../../helpers/layer-checks';

describe('stax.gelu', () => {
  it('closed form equals Gauss–Hermite quadrature of eq. (S1)', () => {
    assertMatchesQuadrature(
      stax.gelu(),
      stax.elementwise((x) => x * normalCdf(x), { grad: (x) => normalCdf(x) + x * normalPdf(x) }),
    );
  });

  it('backward and JVP equal finite differences', () => checkDerivatives(stax.serial(stax.dense(5), stax.gelu())));

  it('kernels equal the numpy reference (quadrature there)', () => {
    assertMatchesNumpy([pyDense(8, 1.3, 0.1), ['gelu'], pyDense(8, 1.3, 0.1), ['gelu'], pyDense(1, 1, 0)], 1e-9);
  });
});
