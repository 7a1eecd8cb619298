import { describe, it } from 'node:test';
import { stax } from '@tangent-lab/core';
import { erf as erfFn } from '@tangent-lab/core/internal/special/erf';
import { assertMatchesNumpy, assertMatchesQuadrature, assertNngpWithinSamplingError, checkDerivatives, pyDense } from '../../helpers/layer-checks';

describe('stax.erf', () => {
  it('closed form (eqs. S17–S18) equals Gauss–Hermite quadrature of eq. (S1)', () => {
    assertMatchesQuadrature(stax.erf(), stax.elementwise(erfFn, { grad: (x) => (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) }));
  });

  it('with a, b, c: a·erf(b·x) + c', () => {
    assertMatchesQuadrature(
      stax.erf({ a: 2, b: 0.7, c: -0.3 }),
      stax.elementwise((x) => 2 * erfFn(0.7 * x) - 0.3, { grad: (x) => 1.4 * (2 / Math.sqrt(Math.PI)) * Math.exp(-0.49 * x * x) }),
    );
  });

  it('backward and JVP equal finite differences', () => checkDerivatives(stax.serial(stax.dense(5), stax.erf({ a: 1.2, b: 0.8, c: 0.1 }))));

  it('the cookbook net equals the numpy reference', () => {
    assertMatchesNumpy([pyDense(512, 1.5, 0.05), ['erf'], pyDense(512, 1.5, 0.05), ['erf'], pyDense(1, 1.5, 0.05)], 1e-10);
  });

  it('the NNGP agrees with Monte Carlo over 200 random nets with two hidden layers of width 512', () => {
    assertNngpWithinSamplingError(
      stax.serial(
        stax.dense(512, { wStd: 1.5, bStd: 0.05 }),
        stax.erf(),
        stax.dense(512, { wStd: 1.5, bStd: 0.05 }),
        stax.erf(),
        stax.dense(10, { wStd: 1.5, bStd: 0.05 }),
      ),
      512,
      200,
    );
  });
});
