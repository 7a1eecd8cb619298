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

describe('stax.polynomial', () => {
  it('closed form equals the Hermite-series quadrature of eq. (S1)', () => {
    assertMatchesQuadrature(
      stax.polynomial([0.3, -1, 0.5, 0.2]),
      stax.elementwise((x) => 0.3 - x + 0.5 * x * x + 0.2 * x ** 3, { grad: (x) => -1 + x + 0.6 * x * x }),
    );
    assertMatchesQuadrature(
      stax.polynomial([2]),
      stax.elementwise(() => 2, { grad: () => 0 }),
    );
  });

  it('a single power is the monomial', () => {
    const x = [
      [0.3, -0.2],
      [1.1, 0.4],
      [-0.5, 0.9],
    ];
    const net = (a: ReturnType<typeof stax.monomial>) => stax.serial(stax.dense(4, { bStd: 0.3 }), a, stax.dense(1));
    const a = net(stax.polynomial([0, 0, 0, 1])).kernel(x);
    const b = net(stax.monomial(3)).kernel(x);
    assert.deepEqual(Array.from(a.nngp.data), Array.from(b.nngp.data));
    assert.deepEqual(Array.from(a.ntk!.data), Array.from(b.ntk!.data));
  });

  it('backward and JVP equal finite differences', () => checkDerivatives(stax.serial(stax.dense(5), stax.polynomial([0.1, 1, -0.4, 0.3]))));

  it('the NNGP agrees with Monte Carlo over 100 random nets of width 512', () => {
    assertNngpWithinSamplingError(stax.serial(stax.dense(512, { wStd: 1, bStd: 0.1 }), stax.polynomial([0.2, 1, 0.5]), stax.dense(10)), 512, 100);
  });

  it('trains on the float64 and tfjs engines, which agree to float32 accuracy', async () => {
    await assertTrainsOnBothEngines(() => stax.serial(stax.dense(32, { bStd: 0.1 }), stax.polynomial([0, 1, 0.3]), stax.dense(1)));
  });

  it('rejects coefficients that are not finite numbers', () => {
    assert.throws(
      () => stax.polynomial([]),
      (e: Error) => e instanceof InputError && /non-empty array/.test(e.message),
    );
    assert.throws(() => stax.polynomial([1, NaN]), /finite numbers/);
  });

  it('acts per position on images: apply and both readouts’ kernels equal the per-position kernels of the positions as examples', () => {
    assertActsPerPosition(() => stax.polynomial([0.1, -0.5, 0.3, 0.2]));
  });
});
