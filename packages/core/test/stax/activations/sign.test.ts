import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stax } from '@tangent-lab/core';
import { inputs } from '../../helpers/compare';
import {
  assertActsPerPosition,
  assertMatchesQuadrature,
  assertNngpWithinSamplingError,
  assertTrainsOnBothEngines,
  checkDerivatives,
  twoLayer,
} from '../../helpers/layer-checks';

describe('stax.sign', () => {
  it('closed form (Sheppard: 1 − 2θ/π) equals quadrature of eq. (S1) split at the jump', () => {
    assertMatchesQuadrature(stax.sign(), stax.elementwise(Math.sign, { grad: () => 0, kinks: [0] }));
  });

  it('no gradient flows through sign: the NTK is that of the layers above it, as in Neural Tangents', () => {
    const x = inputs(5, 3, 2);
    const net = twoLayer(stax.sign());
    const k = net.kernel(x);
    // Θ = 𝒦 of the last dense layer alone: σ_w²·𝒯(𝒦) + σ_b², the NNGP itself (last layer has no bias here).
    assert.deepEqual(Array.from(k.ntk!.data), Array.from(k.nngp.data));
  });

  it('backward and JVP equal finite differences (zero almost everywhere)', () => checkDerivatives(stax.serial(stax.dense(5), stax.sign())));

  it('the NNGP agrees with Monte Carlo over 100 random nets of width 512', () => {
    assertNngpWithinSamplingError(stax.serial(stax.dense(512, { wStd: 1.3, bStd: 0.2 }), stax.sign(), stax.dense(10, { wStd: 1.1, bStd: 0.1 })), 512, 100);
  });

  it('trains on the float64 and tfjs engines, which agree to float32 accuracy', async () => {
    // Only the last layer learns: sign passes no gradient down.
    await assertTrainsOnBothEngines(() => stax.serial(stax.dense(32, { bStd: 0.1 }), stax.sign(), stax.dense(1)));
  });

  it('acts per position on images: apply and both readouts’ kernels equal the per-position kernels of the positions as examples', () => {
    assertActsPerPosition(() => stax.sign());
  });
});
