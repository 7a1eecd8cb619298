import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, stax } from '@tangent-lab/core';
import { assertClose, inputs } from '../../helpers/compare';
import {
  assertActsPerPosition,
  assertMatchesQuadrature,
  assertNngpWithinSamplingError,
  assertTrainsOnBothEngines,
  checkDerivatives,
} from '../../helpers/layer-checks';

describe('stax.monomial', () => {
  it('closed form equals the Hermite-series quadrature of eq. (S1), degrees 0 to 5', () => {
    for (let d = 0; d <= 5; d++) {
      assertMatchesQuadrature(
        stax.monomial(d),
        stax.elementwise((x) => x ** d, { grad: (x) => (d === 0 ? 0 : d * x ** (d - 1)) }),
        1e-9,
      );
    }
  });

  it('equals Neural Tangents’ listed moments, e.g. E[u³v³] = 6q12³ + 9q12·q11q22', () => {
    const x = inputs(5, 3, 4);
    const hidden = stax.dense(8, { wStd: 1.1, bStd: 0.2 });
    const k0 = hidden.kernel(x, null, 'nngp');
    const k = stax.serial(hidden, stax.monomial(3)).kernel(x, null, 'nngp');
    const want = x.map((_, i) =>
      x.map((_, j) => {
        const q12 = k0.get(i, j);
        return 6 * q12 ** 3 + 9 * q12 * k0.get(i, i) * k0.get(j, j);
      }),
    );
    assertClose(k, want, 1e-13, 'cubic nngp');
  });

  it('backward and JVP equal finite differences', () => checkDerivatives(stax.serial(stax.dense(5), stax.monomial(3))));

  it('the NNGP agrees with Monte Carlo over 100 random nets of width 512', () => {
    assertNngpWithinSamplingError(stax.serial(stax.dense(512, { wStd: 1, bStd: 0.1 }), stax.monomial(2), stax.dense(10)), 512, 100);
  });

  it('trains on the float64 and tfjs engines, which agree to float32 accuracy', async () => {
    await assertTrainsOnBothEngines(() => stax.serial(stax.dense(32, { bStd: 0.1 }), stax.monomial(2), stax.dense(1)));
  });

  it('rejects a degree that is not a non-negative integer', () => {
    assert.throws(
      () => stax.monomial(1.5),
      (e: Error) => e instanceof InputError && /degree must be an integer/.test(e.message),
    );
  });

  it('acts per position on images: apply and both readouts’ kernels equal the per-position kernels of the positions as examples', () => {
    assertActsPerPosition(() => stax.monomial(3));
  });
});
