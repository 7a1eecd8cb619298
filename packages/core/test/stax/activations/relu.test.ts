import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stax } from '@tangent-lab/core';
import { assertMatchesNumpy, assertMatchesQuadrature, assertNngpWithinSamplingError, checkDerivatives, pyDense } from '../../helpers/layer-checks';

describe('stax.relu', () => {
  it('closed form (eqs. S14–S16) equals quadrature of eq. (S1) split at the kink', () => {
    assertMatchesQuadrature(
      stax.relu(),
      stax.elementwise((x) => Math.max(x, 0), { grad: (x) => (x > 0 ? 1 : 0), kinks: [0] }),
    );
  });

  it('backward and JVP equal finite differences', () => checkDerivatives(stax.serial(stax.dense(5), stax.relu())));

  it('kernels equal the numpy reference, depth 1 and depth 5 at critical init', () => {
    assertMatchesNumpy([pyDense(64, 1.4, 0.1), ['relu'], pyDense(1, 1, 0)], 1e-10);
    const layer = [pyDense(64, Math.SQRT2, 0.1), ['relu']];
    assertMatchesNumpy([...layer, ...layer, ...layer, ...layer, ...layer, pyDense(3, Math.SQRT2, 0.1)], 1e-9);
  });

  it('the NNGP agrees with Monte Carlo over 200 random nets of width 1024', () => {
    assertNngpWithinSamplingError(
      stax.serial(stax.dense(1024, { wStd: Math.SQRT2, bStd: 0.1 }), stax.relu(), stax.dense(10, { wStd: 1.2, bStd: 0.2 })),
      1024,
      200,
    );
  });

  it('the Monte Carlo check can fail: a kernel with σ_w off by 10% is rejected', () => {
    const right = stax.serial(stax.dense(1024, { wStd: 1.5 }), stax.relu(), stax.dense(10));
    const wrong = stax.serial(stax.dense(1024, { wStd: 1.65 }), stax.relu(), stax.dense(10));
    assert.throws(() => assertNngpWithinSamplingError(right, 1024, 200, wrong), /Monte Carlo .* vs analytic/);
  });
});
