import { describe, it } from 'node:test';
import { stax } from '@tangent-lab/core';
import { erf as erfFn } from '@tangent-lab/core/internal/special/erf';
import { SIGMOID_SCALE } from '@tangent-lab/core/internal/stax/activations/sigmoid-like';
import { assertMatchesNumpy, assertMatchesQuadrature, checkDerivatives, pyDense } from '../../helpers/layer-checks';

describe('stax.sigmoidLike', () => {
  it('closed form equals Gauss–Hermite quadrature of eq. (S1)', () => {
    assertMatchesQuadrature(
      stax.sigmoidLike(),
      stax.elementwise((x) => 0.5 * erfFn(x / SIGMOID_SCALE) + 0.5),
    );
  });

  it('backward and JVP equal finite differences', () => checkDerivatives(stax.serial(stax.dense(5), stax.sigmoidLike())));

  it('kernels equal the numpy reference', () => {
    assertMatchesNumpy([pyDense(8, 2, 0.5), ['sigmoidLike'], pyDense(1, 1, 0.1)], 1e-9);
  });
});
