import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, Matrix, random, stax, Tensor } from '@tangent-lab/core';
import { assertClose, images, inputs } from '../helpers/compare';
import {
  assertActsPerPosition,
  assertMatchesCnnNumpy,
  assertNngpWithinSamplingError,
  assertTrainsOnBothEngines,
  checkDerivatives,
  pyConv3x3,
} from '../helpers/layer-checks';

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
    assertClose(
      k.nngp,
      x1.map((_, i) => x2.map((_, j) => k0.nngp.get(i, j) * scale(i, j))),
      1e-13,
      'nngp',
    );
    assertClose(
      k.ntk!,
      x1.map((_, i) => x2.map((_, j) => k0.ntk!.get(i, j) * scale(i, j))),
      1e-13,
      'ntk',
    );
  });

  it('keeps the pre-activations Gaussian, so an activation may follow; the NNGP agrees with Monte Carlo over 100 nets of width 512', () => {
    assertNngpWithinSamplingError(stax.serial(stax.dense(512, { wStd: 1.5, bStd: 0.3 }), stax.layerNorm(), stax.erf(), stax.dense(10)), 512, 100);
  });

  it('trains on the float64 and tfjs engines, which agree to float32 accuracy', async () => {
    await assertTrainsOnBothEngines(() => stax.serial(stax.dense(32, { bStd: 0.1 }), stax.layerNorm(), stax.relu(), stax.dense(1)));
  });

  it('refuses what it cannot do, saying why', () => {
    assert.throws(
      () => stax.layerNorm({ axis: 0 }),
      (e: Error) => e instanceof InputError && /batch axis 0.*couples the examples/.test(e.message),
    );
    assert.throws(() => stax.serial(stax.dense(4), stax.relu(), stax.layerNorm()).kernel([[1, 2]]), /needs Gaussian pre-activations.*stax\.dense/);
    assert.equal(stax.layerNorm({ axis: [-1] }).init(random.key(0), 7).outputDim, 7);
  });

  it('on images and sequences: the finite layer normalises each example over the given axes (channels at each position by default)', () => {
    const shape = [2, 3, 2, 4];
    const data = Float64Array.from(images(shape, 3).flat(3) as number[]);
    const x = new Tensor(shape, data);
    const at = (i: number, h: number, w: number, c: number) => data[((i * 3 + h) * 2 + w) * 4 + c];
    for (const [axis, groupOf] of [
      [-1, (h: number, w: number) => h * 2 + w],
      [[1, 2, 3], () => 0],
      [[1, -1], (_h: number, w: number) => w],
    ] as const) {
      const layer = stax.layerNorm({ axis: axis as number | number[], eps: 0.01 });
      const y = layer.apply(layer.init(random.key(0), [3, 2, 4]).params, x) as Tensor;
      for (let i = 0; i < 2; i++) {
        const groups = new Map<number, [number, number, number][]>();
        for (let h = 0; h < 3; h++)
          for (let w = 0; w < 2; w++)
            for (let c = 0; c < 4; c++) {
              const g = groupOf(h, w);
              groups.set(g, [...(groups.get(g) ?? []), [h, w, c]]);
            }
        for (const members of groups.values()) {
          const values = members.map(([h, w, c]) => at(i, h, w, c));
          const mean = values.reduce((s, v) => s + v, 0) / values.length;
          const v = values.reduce((s, u) => s + (u - mean) ** 2, 0) / values.length;
          members.forEach(([h, w, c], m) => {
            const got = y.data[((i * 3 + h) * 2 + w) * 4 + c];
            assert.ok(Math.abs(got - (values[m] - mean) / Math.sqrt(0.01 + v)) < 1e-14, `axis ${JSON.stringify(axis)}`);
          });
        }
      }
    }
  });

  it('on images: backward and JVP equal finite differences (channels; channels and positions; one spatial axis)', () => {
    checkDerivatives(stax.serial(stax.dense(3, { bStd: 0.4 }), stax.layerNorm({ eps: 1e-3 })), [2, 2, 2]);
    checkDerivatives(stax.serial(stax.dense(3, { bStd: 0.4 }), stax.layerNorm({ axis: [1, 2, 3], eps: 1e-3 })), [2, 2, 2]);
    checkDerivatives(stax.serial(stax.dense(3, { bStd: 0.4 }), stax.layerNorm({ axis: [2, -1], eps: 1e-3 })), [2, 2, 2]);
  });

  it('default axis (channels) acts per position: apply and both readouts’ kernels equal the per-position kernels', () => {
    assertActsPerPosition(() => stax.serial(stax.layerNorm({ eps: 0.02 }), stax.erf()));
  });

  it('CNN kernels with layerNorm over channels, over positions and channels, and over one axis of a sequence equal the numpy recursion', () => {
    assertMatchesCnnNumpy(
      stax.serial(
        stax.conv(6, [3, 3], { wStd: 1.3, bStd: 0.2 }),
        stax.layerNorm({ eps: 0.01 }),
        stax.relu(),
        stax.conv(6, [3, 3], { wStd: 1.2, bStd: 0.1 }),
        stax.layerNorm({ axis: [1, 2, 3] }),
        stax.erf(),
        stax.flatten(),
        stax.dense(1),
      ),
      [
        pyConv3x3(6, 1.3, 0.2),
        ['layerNorm', [-1], 0.01],
        ['relu'],
        pyConv3x3(6, 1.2, 0.1),
        ['layerNorm', [1, 2, 3], 1e-12],
        ['erf'],
        ['flatten'],
        ['dense', 1, 1, 0, 'ntk'],
      ],
      [3, 4, 3, 2],
      [2, 4, 3, 2],
      1e-11,
    );
    assertMatchesCnnNumpy(
      stax.serial(stax.conv(6, [3, 3], { wStd: 1.3, bStd: 0.2 }), stax.layerNorm({ axis: [1, 3], eps: 0.01 }), stax.erf(), stax.globalAvgPool(), stax.dense(1)),
      [pyConv3x3(6, 1.3, 0.2), ['layerNorm', [1, 3], 0.01], ['erf'], ['globalAvgPool'], ['dense', 1, 1, 0, 'ntk']],
      [3, 4, 3, 2],
      [2, 4, 3, 2],
      1e-11,
    );
  });

  it('on images: refuses axes without the channels or out of range, naming the layer and why', () => {
    const x = images([2, 3, 3, 2], 1);
    assert.throws(
      () => stax.serial(stax.conv(4, [3, 3]), stax.layerNorm({ axis: [1, 2] }), stax.flatten(), stax.dense(1)).kernel(x as never),
      (e: Error) => e instanceof InputError && /LayerNorm\(axis=\[1, 2\].*leaves out the channel axis \(3, or -1\) of inputs \(n, s1, s2, C\)/.test(e.message),
    );
    assert.throws(() => stax.layerNorm({ axis: [2, -1] }).init(random.key(0), 5), /axis 2 is out of range for inputs of rank 2 \(n, features\)/);
  });
});
