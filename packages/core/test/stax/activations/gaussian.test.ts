import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NumericalError, stax } from '@tangent-lab/core';
import { inputs } from '../../helpers/compare';
import {
  assertActsPerPosition,
  assertMatchesQuadrature,
  assertNngpWithinSamplingError,
  assertTrainsOnBothEngines,
  checkDerivatives,
} from '../../helpers/layer-checks';

describe('stax.gaussian', () => {
  it('closed form equals the Hermite-series quadrature of eq. (S1), b < 0 and b > 0', () => {
    assertMatchesQuadrature(
      stax.gaussian({ a: 1.3, b: -0.8 }),
      stax.elementwise((x) => 1.3 * Math.exp(-0.8 * x * x), { grad: (x) => -2.08 * x * Math.exp(-0.8 * x * x) }),
    );
    assertMatchesQuadrature(
      stax.gaussian({ a: 0.6, b: 0.05 }),
      stax.elementwise((x) => 0.6 * Math.exp(0.05 * x * x), { grad: (x) => 0.06 * x * Math.exp(0.05 * x * x) }),
    );
  });

  it('backward and JVP equal finite differences', () => checkDerivatives(stax.serial(stax.dense(5), stax.gaussian())));

  it('the NNGP agrees with Monte Carlo over 100 random nets of width 512', () => {
    assertNngpWithinSamplingError(stax.serial(stax.dense(512, { wStd: 1.2, bStd: 0.1 }), stax.gaussian(), stax.dense(10, { wStd: 1.5 })), 512, 100);
  });

  it('trains on the float64 and tfjs engines, which agree to float32 accuracy', async () => {
    await assertTrainsOnBothEngines(() => stax.serial(stax.dense(32, { bStd: 0.1 }), stax.gaussian({ a: 1.5 }), stax.dense(1)));
  });

  it('an infinite kernel (b > 0 and variance ≥ 1/(4b)) is an error that says how to fix it', () => {
    const net = stax.serial(stax.dense(8, { wStd: 3 }), stax.gaussian({ b: 0.5 }), stax.dense(1));
    assert.throws(
      () => net.kernel(inputs(3, 2, 1).map((r) => r.map((v) => 3 * v))),
      (e: Error) => e instanceof NumericalError && /infinite.*below 1\/\(4b\)/.test(e.message),
    );
  });

  it('acts per position on images: apply and both readouts’ kernels equal the per-position kernels of the positions as examples', () => {
    assertActsPerPosition(() => stax.gaussian());
  });
});
