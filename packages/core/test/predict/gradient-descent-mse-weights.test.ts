import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { empirical, linearize, params as tree, predict, random, ShapeError, stax, train } from '@tangent-lab/core';
import { maxRelError } from '../helpers/compare';

const x12 = Array.from({ length: 12 }, (_, i) => Array.from({ length: 3 }, (_, j) => Math.cos(3 * i + 2 * j + 0.5)));
const y12 = x12.map((r) => [Math.sin(r[0] - r[1]) + 0.5 * r[2]]);
const net = stax.serial(
  stax.dense(96, { wStd: 1.3, bStd: 0.2 }),
  stax.erf(),
  stax.dense(96, { wStd: 1.3, bStd: 0.2 }),
  stax.relu(),
  stax.dense(1, { wStd: 1.3, bStd: 0.2 }),
);
const { params } = net.init(random.key(7), 3);

describe('predict.gradientDescentMseWeights (eq. 9)', () => {
  const weightsAt = predict.gradientDescentMseWeights(net.apply, params, x12, y12, { learningRate: 2 });
  const lin = linearize(net.apply, params);

  it('puts the linearized network exactly where the function-space closed form (eq. 10) says, at every t', () => {
    const ntk = empirical.ntkFn(net.apply)(x12, null, params);
    const f0 = net.apply(params, x12);
    const times = [0, 0.5, 7, 80, Infinity];
    const outputs = predict.gradientDescentMse(ntk, y12, { learningRate: 2 })(times, f0);
    weightsAt(times).forEach((w, i) => {
      assert.ok(maxRelError(lin(w, x12).data, outputs[i].train.data, 1e-3) < 1e-9, `t = ${times[i]}`);
    });
  });

  it('at t = 0 gives θ₀, and at t = ∞ the minimum-norm change that fits the targets', () => {
    assert.deepEqual(
      tree.leaves(weightsAt(0)).map((l) => Array.from(l)),
      tree.leaves(params).map((l) => Array.from(l)),
    );
    const fitted = lin(weightsAt(Infinity), x12);
    assert.ok(
      maxRelError(
        fitted.data,
        y12.map((r) => r[0]),
        1e-3,
      ) < 1e-8,
    );
  });

  it('is the limit of gradient descent on the linearized network: the gap halves with the step', () => {
    const t = 40;
    const target = tree.leaves(weightsAt(t)).flatMap((l) => Array.from(l));
    const gap = (lr: number) => {
      const run = train.gradientDescent(lin, params, x12, y12, { learningRate: lr, steps: Math.round((2 * t) / lr) });
      const trained = tree.leaves(run.params).flatMap((l) => Array.from(l));
      return Math.sqrt(trained.reduce((s, v, i) => s + (v - target[i]) ** 2, 0));
    };
    const ratio = gap(0.2) / gap(0.1);
    assert.ok(ratio > 1.8 && ratio < 2.2, `gap ratio ${ratio} (first order in η expected: 2)`);
  });

  it('rejects targets that do not match the outputs before any work', () => {
    const two = stax.serial(stax.dense(8), stax.relu(), stax.dense(2));
    const p2 = two.init(random.key(0), 3).params;
    assert.throws(
      () => predict.gradientDescentMseWeights(two.apply, p2, x12, y12),
      (e: Error) => e instanceof ShapeError && /yTrain has 1 column but the network has 2 outputs/.test(e.message),
    );
    assert.throws(() => predict.gradientDescentMseWeights(net.apply, params, x12, y12.slice(1)), ShapeError);
    assert.throws(() => predict.gradientDescentMseWeights(net.apply, params, x12, y12, { learningRate: -1 }), /learningRate/);
  });
});
