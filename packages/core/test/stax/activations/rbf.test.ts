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

describe('stax.rbf', () => {
  it('closed form equals the Hermite-series quadrature of eq. (S1)', () => {
    const r = Math.sqrt(2 * 0.7);
    assertMatchesQuadrature(
      stax.rbf(0.7),
      stax.elementwise((x) => Math.SQRT2 * Math.sin(r * x + Math.PI / 4), { grad: (x) => Math.SQRT2 * r * Math.cos(r * x + Math.PI / 4) }),
    );
  });

  it('after one dense layer the NNGP is the RBF kernel exp(−γσ_w²‖x − x′‖²/d)', () => {
    const x = inputs(6, 4, 3);
    const gamma = 0.35;
    const w = 1.3;
    const k = stax.serial(stax.dense(16, { wStd: w, bStd: 0.4 }), stax.rbf(gamma)).kernel(x, null, 'nngp');
    const want = x.map((a) => x.map((b) => Math.exp((-gamma * w * w * a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0)) / 4)));
    assertClose(k, want, 1e-14, 'rbf nngp');
  });

  it('backward and JVP equal finite differences', () => checkDerivatives(stax.serial(stax.dense(5), stax.rbf(0.6))));

  it('the NNGP agrees with Monte Carlo over 100 random nets of width 512', () => {
    assertNngpWithinSamplingError(stax.serial(stax.dense(512, { wStd: 1.2, bStd: 0.1 }), stax.rbf(0.8), stax.dense(10)), 512, 100);
  });

  it('trains on the float64 and tfjs engines, which agree to float32 accuracy', async () => {
    await assertTrainsOnBothEngines(() => stax.serial(stax.dense(32, { bStd: 0.1 }), stax.rbf(0.5), stax.dense(1)));
  });

  it('rejects a non-positive gamma', () => {
    assert.throws(
      () => stax.rbf(0),
      (e: Error) => e instanceof InputError && /gamma must be a positive/.test(e.message),
    );
  });

  it('acts per position on images: apply and both readouts’ kernels equal the per-position kernels of the positions as examples', () => {
    assertActsPerPosition(() => stax.rbf(0.7));
  });
});
