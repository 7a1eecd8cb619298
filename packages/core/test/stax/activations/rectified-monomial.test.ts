import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, stax } from '@tangent-lab/core';
import { inputs } from '../../helpers/compare';
import {
  assertActsPerPosition,
  assertMatchesQuadrature,
  assertNngpWithinSamplingError,
  assertTrainsOnBothEngines,
  checkDerivatives,
} from '../../helpers/layer-checks';

describe('stax.rectifiedMonomial', () => {
  it('closed form (arc-cosine kernels) equals quadrature of eq. (S1) split at the kink, degrees 0 to 4', () => {
    for (let d = 0; d <= 4; d++) {
      assertMatchesQuadrature(
        stax.rectifiedMonomial(d),
        stax.elementwise((x) => (x >= 0 ? x ** d : 0), { grad: (x) => (x > 0 && d > 0 ? d * x ** (d - 1) : 0), kinks: [0] }),
        1e-8,
      );
    }
  });

  it('degree 1 is ReLU (eqs. S14–S16)', () => {
    const x = inputs(6, 3, 8);
    const net = (a: ReturnType<typeof stax.relu>) => stax.serial(stax.dense(8, { wStd: 1.4, bStd: 0.2 }), a, stax.dense(1));
    const a = net(stax.rectifiedMonomial(1)).kernel(x);
    const b = net(stax.relu()).kernel(x);
    a.nngp.data.forEach((v, i) => assert.ok(Math.abs(v - b.nngp.data[i]) <= 1e-14 * Math.abs(v)));
    a.ntk!.data.forEach((v, i) => assert.ok(Math.abs(v - b.ntk!.data[i]) <= 1e-14 * Math.abs(v)));
  });

  it('backward and JVP equal finite differences', () => checkDerivatives(stax.serial(stax.dense(5, { bStd: 0.3 }), stax.rectifiedMonomial(2))));

  it('the NNGP agrees with Monte Carlo over 100 random nets of width 512', () => {
    assertNngpWithinSamplingError(stax.serial(stax.dense(512, { wStd: 1.2, bStd: 0.1 }), stax.rectifiedMonomial(2), stax.dense(10)), 512, 100);
  });

  it('trains on the float64 and tfjs engines, which agree to float32 accuracy', async () => {
    await assertTrainsOnBothEngines(() => stax.serial(stax.dense(32, { bStd: 0.1 }), stax.rectifiedMonomial(2), stax.dense(1)));
  });

  it('rejects a negative degree', () => {
    assert.throws(
      () => stax.rectifiedMonomial(-1),
      (e: Error) => e instanceof InputError && /degree must be an integer/.test(e.message),
    );
  });

  it('acts per position on images: apply and both readouts’ kernels equal the per-position kernels of the positions as examples', () => {
    assertActsPerPosition(() => stax.rectifiedMonomial(2));
  });
});
