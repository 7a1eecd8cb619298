import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, random, ShapeError, stax } from '@tangent-lab/core';
import { inputs } from '../helpers/compare';
import { assertMatchesCnnNumpy, assertNngpWithinSamplingError, assertTrainsOnBothEngines, checkDerivatives } from '../helpers/layer-checks';

const block = () => stax.serial(stax.dense(6, { wStd: 1.3, bStd: 0.1 }), stax.erf());

describe('stax.repeat', () => {
  it('is serial(layer, …, layer) with independent parameters: same outputs and kernels, bit for bit', () => {
    const x = inputs(5, 6, 3);
    const rep = stax.serial(stax.dense(6), stax.repeat(block(), 4), stax.dense(1));
    const unrolled = stax.serial(stax.dense(6), stax.serial(block(), block(), block(), block()), stax.dense(1));
    const { params } = rep.init(random.key(1), 6);
    assert.deepEqual(Array.from(rep.apply(params, x).data), Array.from(unrolled.apply(params, x).data));
    const a = rep.kernel(x);
    const b = unrolled.kernel(x);
    assert.deepEqual(Array.from(a.nngp.data), Array.from(b.nngp.data));
    assert.deepEqual(Array.from(a.ntk!.data), Array.from(b.ntk!.data));
  });

  it('its spec holds the layer once, whatever n, and round-trips', () => {
    const deep = stax.serial(stax.dense(6), stax.repeat(block(), 1000), stax.dense(1));
    const text = JSON.stringify(deep.spec);
    assert.equal(text.length, JSON.stringify(stax.serial(stax.dense(6), stax.repeat(block(), 3), stax.dense(1)).spec).length + 3);
    const x = inputs(4, 6, 2);
    assert.deepEqual(Array.from(stax.fromSpec(JSON.parse(text)).kernel(x, null, 'ntk').data), Array.from(deep.kernel(x, null, 'ntk').data));
  });

  it('computes the kernel of a 1000-block network in a loop, at the memory of one block', () => {
    const before = process.memoryUsage().heapUsed;
    const k = stax.serial(stax.dense(6), stax.repeat(block(), 1000), stax.dense(1)).kernel(inputs(50, 6, 8), null, 'nngp');
    assert.ok(Number.isFinite(k.get(3, 7)));
    assert.ok(process.memoryUsage().heapUsed - before < 64e6);
  });

  it('backward and JVP equal finite differences', () => checkDerivatives(stax.repeat(stax.serial(stax.dense(3, { bStd: 0.2 }), stax.tanh()), 3)));

  it('the NNGP agrees with Monte Carlo over 100 random nets of width 256', () => {
    const wide = stax.serial(stax.dense(256, { wStd: 1.3, bStd: 0.1 }), stax.erf());
    assertNngpWithinSamplingError(stax.serial(stax.dense(256), stax.erf(), stax.repeat(wide, 3), stax.dense(10)), 256, 100);
  });

  it('trains on the float64 and tfjs engines, which agree to float32 accuracy', async () => {
    await assertTrainsOnBothEngines(
      () => stax.serial(stax.dense(16, { bStd: 0.1 }), stax.repeat(stax.serial(stax.dense(16, { bStd: 0.1 }), stax.gelu()), 3), stax.dense(1)),
      { learningRate: 0.3 },
    );
  });

  it('n = 0 is the identity; a layer that changes the shape or a bad n is refused', () => {
    assert.deepEqual(
      stax
        .repeat(block(), 0)
        .apply([], [[1, 2]])
        .toArray(),
      [[1, 2]],
    );
    assert.throws(
      () => stax.repeat(stax.dense(3), 2).init(random.key(0), 5),
      (e: Error) => e instanceof ShapeError && /must keep the shape/.test(e.message),
    );
    assert.throws(
      () => stax.repeat(block(), -1),
      (e: Error) => e instanceof InputError && /non-negative integer/.test(e.message),
    );
  });

  it('on images: a repeated conv block (with pooling inside) equals the numpy recursion unrolled, both readouts', () => {
    // avgPool inside the block needs every pair of positions even before a flatten readout: repeat passes that need on.
    const conv = ['conv', 4, [3, 3], [1, 1], 'SAME', 1.3, 0.1, 'ntk'];
    const pyBlock = [conv, ['relu'], ['avgPool', [2, 2], [1, 1], 'SAME']];
    const rep = () =>
      stax.repeat(stax.serial(stax.conv(4, [3, 3], { wStd: 1.3, bStd: 0.1 }), stax.relu(), stax.avgPool([2, 2], { strides: [1, 1], padding: 'SAME' })), 3);
    for (const [readout, py] of [
      [stax.flatten(), ['flatten']],
      [stax.globalAvgPool(), ['globalAvgPool']],
    ] as const) {
      assertMatchesCnnNumpy(
        stax.serial(stax.conv(4, [3, 3], { wStd: 1.3, bStd: 0.1 }), rep(), readout, stax.dense(1)),
        [conv, ...pyBlock, ...pyBlock, ...pyBlock, py, ['dense', 1, 1, 0, 'ntk']],
        [3, 4, 3, 2],
        [2, 4, 3, 2],
        1e-11,
      );
    }
    assert.throws(
      () => stax.repeat(stax.conv(4, [3, 3], { padding: 'VALID' }), 2).init(random.key(0), [5, 5, 4]),
      /maps examples of shape \(5, 5, 4\) to \(3, 3, 4\)/,
    );
  });

  it('on images: backward and JVP equal finite differences', () =>
    checkDerivatives(stax.repeat(stax.serial(stax.conv(2, [2, 2], { bStd: 0.2 }), stax.tanh()), 2), [3, 3, 2]));
});
