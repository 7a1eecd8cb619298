import { describe, it } from 'node:test';
import { stax } from '@tangent-lab/core';
import {
  assertActsPerPosition,
  assertMatchesQuadrature,
  assertNngpWithinSamplingError,
  assertTrainsOnBothEngines,
  checkDerivatives,
} from '../../helpers/layer-checks';

describe('stax.gabor', () => {
  it('closed form equals the Hermite-series quadrature of eq. (S1)', () => {
    assertMatchesQuadrature(
      stax.gabor(),
      stax.elementwise((x) => Math.exp(-x * x) * Math.sin(x), { grad: (x) => Math.exp(-x * x) * (Math.cos(x) - 2 * x * Math.sin(x)) }),
    );
  });

  it('backward and JVP equal finite differences', () => checkDerivatives(stax.serial(stax.dense(5), stax.gabor())));

  it('the NNGP agrees with Monte Carlo over 100 random nets of width 512', () => {
    assertNngpWithinSamplingError(stax.serial(stax.dense(512, { wStd: 1.2, bStd: 0.1 }), stax.gabor(), stax.dense(10, { wStd: 2 })), 512, 100);
  });

  it('trains on the float64 and tfjs engines, which agree to float32 accuracy', async () => {
    await assertTrainsOnBothEngines(() => stax.serial(stax.dense(32, { bStd: 0.1 }), stax.gabor(), stax.dense(1, { wStd: 2 })));
  });

  it('acts per position on images: apply and both readouts’ kernels equal the per-position kernels of the positions as examples', () => {
    assertActsPerPosition(() => stax.gabor());
  });
});
