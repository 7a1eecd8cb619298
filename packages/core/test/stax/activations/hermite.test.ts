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

/** He_d(x)/√d! from the explicit polynomials, independent of the library's recurrence. */
const HERMITE: ((x: number) => number)[] = [
  () => 1,
  (x) => x,
  (x) => (x * x - 1) / Math.SQRT2,
  (x) => (x ** 3 - 3 * x) / Math.sqrt(6),
  (x) => (x ** 4 - 6 * x * x + 3) / Math.sqrt(24),
];

describe('stax.hermite', () => {
  it('closed form equals the Hermite-series quadrature of eq. (S1) at any variance, degrees 0 to 4', () => {
    for (let d = 0; d <= 4; d++) {
      assertMatchesQuadrature(stax.hermite(d), stax.elementwise(HERMITE[d], { grad: (x) => (d === 0 ? 0 : Math.sqrt(d) * HERMITE[d - 1](x)) }), 1e-9);
    }
  });

  it('at unit-variance pre-activations it is Neural Tangents’ 𝒦′ = 𝒦^d, Θ′ = d·𝒦^{d−1}·Θ', () => {
    // Rows of norm √d₀ and σ_w = 1, σ_b = 0 give 𝒦(x, x) = 1 at the Hermite layer.
    const x = inputs(5, 4, 6).map((r) => {
      const n = Math.sqrt(r.reduce((s, v) => s + v * v, 0) / r.length);
      return r.map((v) => v / n);
    });
    const hidden = stax.dense(8);
    const k0 = hidden.kernel(x);
    const k = stax.serial(hidden, stax.hermite(3)).kernel(x);
    assertClose(
      k.nngp,
      Array.from(k0.nngp.data, (v) => v ** 3),
      1e-13,
      'nngp',
    );
    assertClose(
      k.ntk!,
      Array.from(k0.nngp.data, (v, i) => 3 * v * v * k0.ntk!.data[i]),
      1e-13,
      'ntk',
    );
  });

  it('backward and JVP equal finite differences', () => checkDerivatives(stax.serial(stax.dense(5), stax.hermite(3))));

  it('the NNGP agrees with Monte Carlo over 100 random nets of width 512', () => {
    assertNngpWithinSamplingError(stax.serial(stax.dense(512, { wStd: 1.3, bStd: 0.1 }), stax.hermite(2), stax.dense(10)), 512, 100);
  });

  it('trains on the float64 and tfjs engines, which agree to float32 accuracy', async () => {
    await assertTrainsOnBothEngines(() => stax.serial(stax.dense(32, { bStd: 0.1 }), stax.hermite(2), stax.dense(1)));
  });

  it('rejects a degree that is not a non-negative integer', () => {
    assert.throws(
      () => stax.hermite(-2),
      (e: Error) => e instanceof InputError && /degree must be an integer/.test(e.message),
    );
  });

  it('acts per position on images: apply and both readouts’ kernels equal the per-position kernels of the positions as examples', () => {
    assertActsPerPosition(() => stax.hermite(3));
  });
});
