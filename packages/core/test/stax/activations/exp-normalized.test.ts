import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, stax } from '@tangent-lab/core';
import { assertActsPerPosition, assertNngpWithinSamplingError, assertTrainsOnBothEngines, checkDerivatives } from '../../helpers/layer-checks';

describe('stax.expNormalized', () => {
  it('the dual is √(q11 q22)·E[g(z₁)g(z₂)] with g(z) = e^{γ·shift/2}·e^{√γz − γ/2}, by quadrature of that integral', () => {
    for (const [gamma, shift] of [
      [1, -1],
      [0.6, 0.3],
      [2.5, -1],
    ]) {
      const act = stax.expNormalized({ gamma, shift }).impl.activation;
      // The same integral, for unit-variance normals of correlation ρ, by the Hermite-series quadrature.
      const c = Math.exp((gamma * shift) / 2);
      const g = (z: number) => c * Math.exp(Math.sqrt(gamma) * z - gamma / 2);
      const unit = stax.elementwise(g, { grad: (z) => Math.sqrt(gamma) * g(z), tol: 1e-13 }).impl.activation;
      const out = new Float64Array(2);
      const ref = new Float64Array(2);
      for (const [q11, q22, rho] of [
        [1.3, 0.7, 0.4],
        [2, 2, 1],
        [0.4, 1.9, -0.6],
        [0.9, 0.2, 0.95],
      ]) {
        const norm = Math.sqrt(q11 * q22);
        act.dual(q11, rho * norm, q22, out, true);
        unit.dual(1, rho, 1, ref, true);
        assert.ok(Math.abs(out[0] - norm * ref[0]) <= 1e-10 * norm * ref[0], `nngp at ${[q11, q22, rho]}: ${out[0]} vs ${norm * ref[0]}`);
        assert.ok(Math.abs(out[1] - ref[1]) <= 1e-10 * ref[1], `ntk factor at ${[q11, q22, rho]}: ${out[1]} vs ${ref[1]}`);
      }
    }
  });

  it('doClip clips the normalised covariance to [−1, 1], as Neural Tangents', () => {
    const out = new Float64Array(2);
    stax.expNormalized({ doClip: true }).impl.activation.dual(1, 1.5, 1, out, true);
    assert.equal(out[0], Math.exp(0));
  });

  it('backward and JVP of the finite layer (normalise each example, then g) equal finite differences', () => {
    checkDerivatives(stax.serial(stax.dense(5, { bStd: 0.2 }), stax.expNormalized({ gamma: 0.7, shift: -0.5 })));
    // Images: each position normalised over its channels.
    checkDerivatives(stax.serial(stax.dense(4, { bStd: 0.2 }), stax.expNormalized({ gamma: 0.7, shift: -0.5 })), [2, 3, 2]);
  });

  it('the finite layer’s NNGP agrees with Monte Carlo over 100 random nets of width 512', () => {
    assertNngpWithinSamplingError(stax.serial(stax.dense(512, { wStd: 1.2, bStd: 0.2 }), stax.expNormalized({ gamma: 0.8 }), stax.dense(10)), 512, 100);
  });

  it('trains on the float64 and tfjs engines, which agree to float32 accuracy', async () => {
    await assertTrainsOnBothEngines(() => stax.serial(stax.dense(32, { bStd: 0.1 }), stax.expNormalized({ gamma: 0.5 }), stax.dense(1)));
  });

  it('rejects bad options', () => {
    assert.throws(
      () => stax.expNormalized({ gamma: -1 }),
      (e: Error) => e instanceof InputError && /gamma must be a positive/.test(e.message),
    );
    assert.throws(() => stax.expNormalized({ do_clip: true } as never), /unknown option "do_clip"/);
  });

  it('acts per position on images: apply and both readouts’ kernels equal the per-position kernels of the positions as examples', () => {
    assertActsPerPosition(() => stax.expNormalized({ gamma: 0.8 }));
  });
});
