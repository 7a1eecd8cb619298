/**
 * Convolutional networks with the layers of issue 13 (layerNorm over spatial
 * axes, dropout, fanInProd, repeat and NT's closed-form activations), trained
 * on images (n, H, W, C) by the float64 engine and by `engine: 'tfjs'` from
 * the same parameters: losses, outputs and parameters agree to float32
 * accuracy. Each activation acts per position inside the convolutions; each
 * tfjs op must map the stacked ensemble's extra leading axis correctly.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { params as tree, random, stax, train, type Layer } from '@tangent-lab/core';
import { images, scaledGap } from '../../helpers/compare';

const SHAPE = [4, 4, 2];
const x = images([6, ...SHAPE], 21);
const xTest = images([3, ...SHAPE], 22);
const y = Array.from({ length: 6 }, (_, i) => [Math.sin(1.3 * i), Math.cos(0.7 * i)]);
const STEPS = 4;
/** The images with a blank 2×2 corner, so that a bias-free 2×2 VALID conv gives positions whose channels are all 0 (as on MNIST's margins). */
const blank = (x as unknown as number[][][][]).map((image) =>
  image.map((row, i) => row.map((pixel, j) => (i < 2 && j < 2 ? pixel.map(() => 0) : pixel))),
) as unknown as number[];

/** conv → `layer` → conv → readout → dense(2): the layer acts on every position of a 4×4 image with 6 channels. */
const cnn =
  (layer: () => Layer, readout: () => Layer = () => stax.flatten()) =>
  () =>
    stax.serial(stax.conv(6, [2, 2], { padding: 'SAME', wStd: 1.2, bStd: 0.2 }), layer(), stax.conv(5, [3, 3], { padding: 'SAME' }), readout(), stax.dense(2));

/**
 * Trains `make()` for a few steps on both engines from the same parameters:
 * the loss at every step, the train and test outputs and the parameters at
 * the first and last step agree to `rtol` (relative to their largest entry),
 * and the float64 run learns (unless `learns` is false: with dropout each
 * step's loss is of another random mask).
 */
async function assertSameTraining(make: () => Layer, { learningRate = 0.05, rtol = 2e-4, learns = true, inputs = x } = {}): Promise<void> {
  const { params } = make().init(random.key(5), SHAPE);
  const options = { learningRate, steps: STEPS, xTest: xTest as never, recordAt: [0, STEPS], recordParams: true };
  const f64 = train.gradientDescent(make().apply, params, inputs as never, y, options);
  const f32 = await train.gradientDescent(make().apply, params, inputs as never, y, { ...options, engine: 'tfjs' });
  const name = make().name;
  assert.equal(f32.engine.name, 'tfjs');
  if (learns) assert.ok(f64.losses[STEPS] < f64.losses[0], `${name}: float64 loss ${f64.losses[0]} → ${f64.losses[STEPS]}`);
  f64.losses.forEach((l, i) =>
    assert.ok(Math.abs(l - f32.losses[i]) <= rtol * Math.max(1, l), `${name}, loss at step ${i}: float64 ${l} vs tfjs ${f32.losses[i]}`),
  );
  f64.snapshots.forEach((s, i) => {
    const t = f32.snapshots[i];
    const what = `${name} at step ${s.step}`;
    assert.ok(scaledGap(t.train.data, s.train.data) <= rtol, `${what}: train outputs differ by ${scaledGap(t.train.data, s.train.data)}`);
    assert.ok(scaledGap(t.test!.data, s.test!.data) <= rtol, `${what}: test outputs differ by ${scaledGap(t.test!.data, s.test!.data)}`);
    const p64 = tree.leaves(s.params!).flatMap((leaf) => Array.from(leaf));
    const p32 = tree.leaves(t.params!).flatMap((leaf) => Array.from(leaf));
    assert.ok(scaledGap(p32, p64) <= rtol, `${what}: parameters differ by ${scaledGap(p32, p64)}`);
  });
}

describe("convolutional networks with the new layers train alike on the float64 and 'tfjs' engines", () => {
  const layerNorms: [string, () => Layer][] = [
    ['channels (default axis -1)', () => stax.layerNorm()],
    ['channels and both spatial axes [1, 2, 3]', () => stax.layerNorm({ axis: [1, 2, 3] })],
    ['channels and width [2, 3]', () => stax.layerNorm({ axis: [2, 3], eps: 1e-3 })],
    ['channels and height, negative [-3, -1]', () => stax.layerNorm({ axis: [-3, -1] })],
  ];
  for (const [what, layer] of layerNorms) {
    it(`layerNorm over ${what}`, async () => {
      await assertSameTraining(cnn(() => stax.serial(layer(), stax.relu())));
    });
  }

  it('dropout (train mode: the same masks on both engines) and its test mode', async () => {
    await assertSameTraining(
      cnn(() => stax.serial(stax.relu(), stax.dropout(0.7))),
      { learns: false },
    );
    await assertSameTraining(cnn(() => stax.serial(stax.erf(), stax.dropout(0.5, { mode: 'test' }))));
  });

  it('fanInProd of two convolutional branches', async () => {
    await assertSameTraining(
      cnn(() =>
        stax.serial(
          stax.fanOut(2),
          stax.parallel(stax.serial(stax.relu(), stax.conv(4, [2, 2], { padding: 'SAME' })), stax.conv(4, [3, 3], { padding: 'SAME', bStd: 0.3 })),
          stax.fanInProd(),
        ),
      ),
    );
  });

  it('repeat of a conv block, with globalAvgPool readout', async () => {
    await assertSameTraining(
      cnn(
        () => stax.repeat(stax.serial(stax.tanh(), stax.conv(6, [2, 2], { padding: 'SAME', wStd: 1.1, bStd: 0.1 })), 3),
        () => stax.globalAvgPool(),
      ),
    );
  });

  const activations: [string, () => Layer][] = [
    ['sign', () => stax.sign()],
    ['exp', () => stax.exp({ a: 0.8, b: 0.6 })],
    ['expNormalized', () => stax.expNormalized({ gamma: 0.7, shift: -0.5 })],
    ['gaussian', () => stax.gaussian({ a: 1.2, b: -0.6 })],
    ['rbf', () => stax.rbf(0.8)],
    ['monomial', () => stax.monomial(3)],
    ['rectifiedMonomial', () => stax.rectifiedMonomial(2)],
    ['polynomial', () => stax.polynomial([0.1, 1, -0.3, 0.2])],
    ['hermite', () => stax.hermite(3)],
    ['gabor', () => stax.gabor()],
    ['tanh', () => stax.tanh()],
  ];
  for (const [what, act] of activations) {
    it(`${what}, per position`, async () => {
      await assertSameTraining(cnn(act));
    });
  }

  it('positions whose channels are all 0 (a bias-free conv over a blank patch) give 0, not NaN: expNormalized, layerNorm', async () => {
    for (const layer of [() => stax.expNormalized(), () => stax.serial(stax.layerNorm({ eps: 1e-3 }), stax.relu())]) {
      const make = () => stax.serial(stax.conv(6, [2, 2], { padding: 'VALID' }), layer(), stax.flatten(), stax.dense(2));
      assert.ok(
        !make()
          .apply(make().init(random.key(5), SHAPE).params, blank as never)
          .data.some(Number.isNaN),
      );
      await assertSameTraining(make, { inputs: blank });
    }
  });

  it('an ensemble of two on images: each member as the float64 engine trains it (layerNorm over positions, expNormalized, fanInProd)', async () => {
    const make = cnn(() =>
      stax.serial(
        stax.layerNorm({ axis: [1, 2, 3] }),
        stax.fanOut(2),
        stax.parallel(stax.expNormalized({ gamma: 0.5 }), stax.conv(6, [2, 2], { padding: 'SAME', bStd: 0.1 })),
        stax.fanInProd(),
      ),
    );
    const members = random.split(random.key(8), 2).map((key) => make().init(key, SHAPE).params);
    const options = { learningRate: 0.05, steps: STEPS };
    const f64 = train.ensemble(make().apply, members, x as never, y, options);
    const f32 = await train.ensemble(make().apply, members, x as never, y, { ...options, engine: 'tfjs' });
    f64.forEach((run, m) => {
      const p64 = tree.leaves(run.params).flatMap((leaf) => Array.from(leaf));
      const p32 = tree.leaves(f32[m].params).flatMap((leaf) => Array.from(leaf));
      assert.ok(scaledGap(p32, p64) <= 2e-4, `member ${m}: parameters differ by ${scaledGap(p32, p64)}`);
      run.losses.forEach((l, i) => assert.ok(Math.abs(l - f32[m].losses[i]) <= 2e-4 * Math.max(1, l), `member ${m}, step ${i}: ${l} vs ${f32[m].losses[i]}`));
    });
  });
});
