import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, stax } from '@tangent-lab/core';
import {
  assertActsPerPosition,
  assertMatchesQuadrature,
  assertNngpWithinSamplingError,
  assertTrainsOnBothEngines,
  checkDerivatives,
} from '../../helpers/layer-checks';

describe('stax.exp', () => {
  it('closed form equals the Hermite-series quadrature of eq. (S1)', () => {
    assertMatchesQuadrature(
      stax.exp({ a: 0.7, b: 0.6 }),
      stax.elementwise((x) => 0.7 * Math.exp(0.6 * x), { grad: (x) => 0.42 * Math.exp(0.6 * x) }),
    );
  });

  it('backward and JVP equal finite differences', () => checkDerivatives(stax.serial(stax.dense(5), stax.exp({ a: 0.8, b: -0.5 }))));

  it('the NNGP agrees with Monte Carlo over 100 random nets of width 512', () => {
    assertNngpWithinSamplingError(stax.serial(stax.dense(512, { wStd: 0.9, bStd: 0.1 }), stax.exp({ a: 0.5, b: 0.7 }), stax.dense(10)), 512, 100);
  });

  it('trains on the float64 and tfjs engines, which agree to float32 accuracy', async () => {
    await assertTrainsOnBothEngines(() => stax.serial(stax.dense(32, { bStd: 0.1 }), stax.exp({ a: 0.5, b: 0.5 }), stax.dense(1)));
  });

  it('has Neural Tangents’ defaults and rejects bad arguments', () => {
    assert.equal(stax.exp().name, 'Exp(1, 1)');
    assert.throws(
      () => stax.exp({ a: NaN }),
      (e: Error) => e instanceof InputError && /a must be a finite number/.test(e.message),
    );
    assert.throws(() => stax.exp({ c: 1 } as never), /unknown option "c"/);
  });

  it('acts per position on images: apply and both readouts’ kernels equal the per-position kernels of the positions as examples', () => {
    assertActsPerPosition(() => stax.exp());
  });
});
