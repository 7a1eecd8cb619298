import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batch, InputError, Matrix, random, stax } from '@tangent-lab/core';
import { inputs } from '../helpers/compare';
import { assertMatchesCnnNumpy, assertNngpWithinSamplingError, assertTrainsOnBothEngines, checkDerivatives, fromPy, pyConv3x3 } from '../helpers/layer-checks';

describe('stax.dropout', () => {
  const x = Matrix.from(inputs(50, 40, 1).map((r) => r.map((v) => v + 2)));

  it('keeps each entry with probability rate and scales it by 1/rate; a new mask every pass, the same sequence for the same key', () => {
    const layer = stax.dropout(0.7, { key: random.key(5) });
    const none = layer.init(random.key(0), x.cols).params;
    const a = layer.apply(none, x);
    const kept = a.data.filter((v) => v !== 0).length / a.data.length;
    assert.ok(Math.abs(kept - 0.7) < 4 * Math.sqrt(0.21 / a.data.length), `kept ${kept}`);
    a.data.forEach((v, i) => assert.ok(v === 0 || Math.abs(v - x.data[i] / 0.7) < 1e-15));
    const b = layer.apply(none, x);
    assert.notDeepEqual(Array.from(a.data), Array.from(b.data));
    const again = stax.fromSpec(JSON.parse(JSON.stringify(layer.spec)));
    assert.deepEqual(Array.from(again.apply(none, x).data), Array.from(a.data));
    assert.deepEqual(Array.from(stax.dropout(0.7, { mode: 'test' }).apply(none, x).data), Array.from(x.data));
  });

  it('backward and JVP equal finite differences (for the mask of one pass)', () => {
    checkDerivatives(() => stax.serial(stax.dense(5, { bStd: 0.2 }), stax.dropout(0.6, { key: random.key(2) })));
  });

  it('kernel as Neural Tangents: variances and the diagonal of a batch with itself divided by rate, nothing else', () => {
    const xs = inputs(5, 3, 7);
    const base = stax.serial(stax.dense(8, { wStd: 1.3, bStd: 0.2 }), stax.relu(), stax.dense(8));
    const dropped = stax.serial(base, stax.dropout(0.8));
    const k0 = base.kernel(xs);
    const k = dropped.kernel(xs);
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 5; j++) {
        const f = i === j ? 1 / 0.8 : 1;
        assert.ok(Math.abs(k.nngp.get(i, j) - f * k0.nngp.get(i, j)) < 1e-14 * Math.abs(k0.nngp.get(i, j)));
        assert.ok(Math.abs(k.ntk!.get(i, j) - f * k0.ntk!.get(i, j)) < 1e-14 * Math.abs(k0.ntk!.get(i, j)));
      }
    }
    // Two separate batches: independent masks everywhere, nothing changes (also where rows coincide).
    const cross = dropped.kernel(
      xs,
      xs.map((r) => [...r]),
      'nngp',
    );
    assert.deepEqual(
      Array.from(cross.data),
      Array.from(
        base.kernel(
          xs,
          xs.map((r) => [...r]),
          'nngp',
        ).data,
      ),
    );
    // The variances carry the 1/rate: an activation after the next dense layer sees 𝒦(x, x)/rate.
    const after = stax.serial(dropped, stax.dense(8, { wStd: 1.5 }), stax.erf()).kernel(xs.slice(0, 2), xs.slice(2, 4), 'nngp');
    const out = new Float64Array(2);
    stax.erf().impl.activation.dual((2.25 * k0.nngp.get(0, 0)) / 0.8, 2.25 * k0.nngp.get(0, 2), (2.25 * k0.nngp.get(2, 2)) / 0.8, out, false);
    assert.ok(Math.abs(after.get(0, 0) - out[0]) < 1e-14 * out[0]);
  });

  it('the NNGP agrees with Monte Carlo over 100 random nets of width 512, each pass with its own masks', () => {
    const net = stax.serial(
      stax.dense(512, { wStd: 1.4, bStd: 0.1 }),
      stax.relu(),
      stax.dropout(0.6),
      stax.dense(512, { wStd: 1.2 }),
      stax.relu(),
      stax.dense(10),
    );
    assertNngpWithinSamplingError(net, 512, 100);
  });

  it('tiled kernels equal the untiled one bit for bit (diagonal tiles are batches with themselves)', async () => {
    const net = stax.serial(stax.dense(16, { bStd: 0.1 }), stax.erf(), stax.dense(16), stax.dropout(0.5), stax.dense(1));
    const xs = inputs(23, 3, 5);
    const tiled = await batch(net.kernel, { batchSize: 6, workers: 2 })(xs);
    const whole = net.kernel(xs);
    assert.deepEqual(Array.from(tiled.nngp.data), Array.from(whole.nngp.data));
    assert.deepEqual(Array.from(tiled.ntk!.data), Array.from(whole.ntk!.data));
  });

  it('trains on the float64 and tfjs engines, which draw the same masks and agree to float32 accuracy', async () => {
    await assertTrainsOnBothEngines(() => stax.serial(stax.dense(32, { bStd: 0.1 }), stax.relu(), stax.dropout(0.8, { key: random.key(9) }), stax.dense(1)));
  });

  it('refuses what Neural Tangents refuses', () => {
    assert.throws(
      () => stax.dropout(0),
      (e: Error) => e instanceof InputError && /probability of KEEPING/.test(e.message),
    );
    assert.throws(() => stax.dropout(0.5, { mode: 'eval' as never }), /mode must be 'train' or 'test'/);
    assert.throws(() => stax.serial(stax.dropout(0.5), stax.dense(1)).kernel([[1, 2]]), /cannot be applied to the inputs/);
  });

  it('on images: backward and JVP equal finite differences (a mask per position and channel)', () => {
    checkDerivatives(() => stax.serial(stax.conv(3, [2, 2], { bStd: 0.2 }), stax.dropout(0.6, { key: random.key(2) })), [3, 3, 2]);
  });

  it('CNN kernels (both readouts) equal the numpy recursion: same-example same-position entries divided by rate', () => {
    for (const readout of [['flatten'], ['globalAvgPool']]) {
      const net = [pyConv3x3(6, 1.3, 0.2), ['relu'], ['dropout', 0.7], pyConv3x3(6, 1.2, 0.1), ['erf'], readout, ['dense', 1, 1, 0, 'ntk']];
      assertMatchesCnnNumpy(fromPy(net), net, [3, 4, 3, 2], [2, 4, 3, 2], 1e-11);
    }
  });
});
