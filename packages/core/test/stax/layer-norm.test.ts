import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, Matrix, random, stax } from '@tangent-lab/core';
import { assertClose, inputs } from '../helpers/compare';
import { assertNngpWithinSamplingError, assertTrainsOnBothEngines, checkDerivatives } from '../helpers/layer-checks';

describe('stax.layerNorm', () => {
  it('the finite layer centres each example and divides by √(eps + variance)', () => {
    const x = Matrix.from(inputs(3, 6, 2));
    const layer = stax.layerNorm({ eps: 0.01 });
    const y = layer.apply(layer.init(random.key(0), 6).params, x);
    for (let r = 0; r < 3; r++) {
      const row = Array.from(x.row(r));
      const mean = row.reduce((s, v) => s + v, 0) / 6;
      const v = row.reduce((s, u) => s + (u - mean) ** 2, 0) / 6;
      row.forEach((u, i) => assert.ok(Math.abs(y.get(r, i) - (u - mean) / Math.sqrt(0.01 + v)) < 1e-15));
    }
  });

  it('backward and JVP equal finite differences', () => checkDerivatives(stax.serial(stax.dense(5, { bStd: 0.4 }), stax.layerNorm({ eps: 1e-3 }))));

  it('kernel: 𝒦/√((eps + 𝒦(x,x))(eps + 𝒦(x′,x′))), Θ likewise, as Neural Tangents', () => {
    const x1 = inputs(5, 3, 3);
    const x2 = inputs(4, 3, 4);
    const hidden = stax.serial(stax.dense(8, { wStd: 1.3, bStd: 0.2 }), stax.erf(), stax.dense(8, { wStd: 1.1, bStd: 0.3 }));
    const eps = 0.05;
    const k = stax.serial(hidden, stax.layerNorm({ eps })).kernel(x1, x2);
    const k0 = hidden.kernel(x1, x2);
    const v1 = x1.map((a) => hidden.kernel([a], null, 'nngp').get(0, 0));
    const v2 = x2.map((b) => hidden.kernel([b], null, 'nngp').get(0, 0));
    const scale = (i: number, j: number) => 1 / Math.sqrt((eps + v1[i]) * (eps + v2[j]));
    assertClose(k.nngp, x1.map((_, i) => x2.map((_, j) => k0.nngp.get(i, j) * scale(i, j))), 1e-13, 'nngp');
    assertClose(k.ntk!, x1.map((_, i) => x2.map((_, j) => k0.ntk!.get(i, j) * scale(i, j))), 1e-13, 'ntk');
  });

  it('keeps the pre-activations Gaussian, so an activation may follow; the NNGP agrees with Monte Carlo over 100 nets of width 512', () => {
    assertNngpWithinSamplingError(stax.serial(stax.dense(512, { wStd: 1.5, bStd: 0.3 }), stax.layerNorm(), stax.erf(), stax.dense(10)), 512, 100);
  });

  it('trains on the float64 and tfjs engines, which agree to float32 accuracy', async () => {
    await assertTrainsOnBothEngines(() => stax.serial(stax.dense(32, { bStd: 0.1 }), stax.layerNorm(), stax.relu(), stax.dense(1)));
  });

  it('refuses what it cannot do, saying why', () => {
    assert.throws(() => stax.layerNorm({ axis: 0 }), (e: Error) => e instanceof InputError && /batch axis 0.*couples the examples/.test(e.message));
    assert.throws(() => stax.serial(stax.dense(4), stax.relu(), stax.layerNorm()).kernel([[1, 2]]), /needs Gaussian pre-activations.*stax\.dense/);
    assert.equal(stax.layerNorm({ axis: [-1] }).init(random.key(0), 7).outputDim, 7);
  });
});
