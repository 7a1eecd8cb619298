import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { empirical, InputError, NumericalError, predict, random, ShapeError, stax, train } from '@tangent-lab/core';
import { inputs } from '../helpers/compare';

describe('train.gradientDescent', () => {
  const net = stax.serial(stax.dense(128, { wStd: 1.5, bStd: 0.05 }), stax.erf(), stax.dense(2, { wStd: 1.5, bStd: 0.05 }));
  const x = inputs(12, 3, 3);
  const labels = x.map((r) => (r[0] + r[1] > 0 ? [1, 0] : [0, 1]));
  const { params } = net.init(random.key(2), 3);

  it('minibatch SGD and momentum reduce the MSE; records land on the requested steps', () => {
    const y = x.map((r) => [Math.sin(r[0]), Math.cos(r[1])]);
    const progress: number[] = [];
    const sgd = train.gradientDescent(net.apply, params, x, y, {
      learningRate: 0.5,
      steps: 300,
      batchSize: 4,
      key: random.key(9),
      recordAt: [0, 150, 300],
      xTest: inputs(3, 3, 4),
      onProgress: ({ step }) => progress.push(step),
      progressEvery: 100,
    });
    assert.deepEqual(
      sgd.snapshots.map((s) => s.step),
      [0, 150, 300],
    );
    assert.equal(sgd.snapshots[2].test!.rows, 3);
    assert.deepEqual(progress, [0, 100, 200, 300]);
    assert.ok(sgd.losses[300] < 0.2 * sgd.losses[0]);
    const momentum = train.gradientDescent(net.apply, params, x, y, { learningRate: 0.2, steps: 150, momentum: 0.9 });
    const plain = train.gradientDescent(net.apply, params, x, y, { learningRate: 0.2, steps: 150 });
    assert.ok(momentum.losses[150] < plain.losses[150], 'momentum speeds up this ill-conditioned fit');
  });

  it('cross-entropy training separates the classes', () => {
    const run = train.gradientDescent(net.apply, params, x, labels, { learningRate: 2, steps: 300, loss: 'crossEntropy' });
    assert.ok(run.losses[300] < 0.5 * run.losses[0]);
    const out = net.apply(run.params, x).toArray();
    const correct = out.filter(([a, b], i) => a > b === (labels[i][0] === 1)).length;
    assert.ok(correct >= 11, `${correct}/12 correct`);
  });

  it('an ensemble trains each member from its own initialisation', () => {
    const members = random.split(random.key(5), 3).map((k) => net.init(k, 3).params);
    const runs = train.ensemble(net.apply, members, x, labels, { learningRate: 1, steps: 20 });
    assert.equal(runs.length, 3);
    assert.notDeepEqual(runs[0].losses[0], runs[1].losses[0]);
  });

  it('a diverging run stops with the step and a pointer to predict.maxLearningRate', () => {
    const y = x.map((r) => [r[0], r[1]]);
    const ntk = empirical.ntkFn(net.apply)(x, null, params);
    const limit = predict.maxLearningRate(ntk, { yTrainSize: 24 });
    assert.throws(
      () => train.gradientDescent(net.apply, params, x, y, { learningRate: 3 * limit, steps: 2000 }),
      (e: Error) => e instanceof NumericalError && /at step \d+ — training diverged.*predict\.maxLearningRate/.test(e.message),
    );
    const safe = train.gradientDescent(net.apply, params, x, y, { learningRate: 0.5 * limit, steps: 200 });
    assert.ok(safe.losses[200] < safe.losses[0]);
  });

  it('rejects bad input before the first step', () => {
    const y = x.map(() => [0, 0]);
    assert.throws(
      () => train.gradientDescent(net.apply, params, x, y.slice(1), { learningRate: 1, steps: 1 }),
      (e: Error) => e instanceof ShapeError && /xTrain has 12 examples but yTrain has 11 rows/.test(e.message),
    );
    assert.throws(
      () =>
        train.gradientDescent(
          net.apply,
          params,
          x,
          x.map(() => [1, 0, 0]),
          { learningRate: 1, steps: 1, loss: 'crossEntropy' },
        ),
      /2 outputs but yTrain has 3 columns; use one-hot labels/,
    );
    assert.throws(
      () =>
        train.gradientDescent(
          net.apply,
          params,
          x,
          x.map(() => [0.5, 0.4]),
          { learningRate: 1, steps: 1, loss: 'crossEntropy' },
        ),
      /sum to 1 per row/,
    );
    assert.throws(
      () => train.gradientDescent(net.apply, params, [[NaN, 0, 0]], [[0, 0]], { learningRate: 1, steps: 1 }),
      (e: Error) => e instanceof InputError && /non-finite/.test(e.message),
    );
    for (const lr of [0, -1, NaN, Infinity]) {
      assert.throws(() => train.gradientDescent(net.apply, params, x, y, { learningRate: lr, steps: 1 }), /learningRate must be a positive finite number/);
    }
    assert.throws(() => train.gradientDescent(net.apply, params, inputs(12, 5, 1), y, { learningRate: 1, steps: 1 }), /input has 5 features but W is 3×128/);
    assert.throws(() => train.gradientDescent(net.apply, params, x, y, { learningRate: 1, steps: 1, lr: 2 } as never), /unknown option "lr"/);
    assert.throws(
      () => train.gradientDescent(net.apply, params, x, y, { learningRate: 1, steps: 1, batchSize: 20 }),
      /batchSize must be an integer between 1 and the 12/,
    );
  });
});
