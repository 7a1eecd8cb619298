import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { empirical, linearize, params as tree, predict, random, ShapeError, stax, train, type Matrix } from '@tangent-lab/core';
import { inputs, maxRelError } from '../helpers/compare';

describe('predict.gradientDescentMseWeights with k outputs (eq. 9 with the Jacobian of all n·k outputs)', () => {
  const net = stax.serial(stax.dense(24, { wStd: 1.3, bStd: 0.2 }), stax.erf(), stax.dense(3, { wStd: 1.3, bStd: 0.2 }));
  const { params } = net.init(random.key(13), 2);
  const x = inputs(6, 2, 31);
  const y = x.map((r) => [Math.sin(2 * r[0]), r[0] * r[1], Math.cos(r[1])]);
  const lin = linearize(net.apply, params);
  const weightsAt = predict.gradientDescentMseWeights(net.apply, params, x, y, { learningRate: 0.5 });
  const flat = (p: ReturnType<typeof weightsAt>) => Float64Array.from(tree.leaves(p).flatMap((l) => Array.from(l)));
  const theta0 = flat(params);

  it('puts the linearized network where eq. (10) with the full kernel says, at every t', () => {
    const full = empirical.ntkFn(net.apply, { traceAxes: [] })(x, null, params);
    const times = [0, 2, 30, Infinity];
    const outputs = predict.gradientDescentMse(full, y, { learningRate: 0.5 })(times, net.apply(params, x) as Matrix);
    weightsAt(times).forEach((w, i) => {
      assert.ok(maxRelError(lin(w, x).data, outputs[i].train.data, 1e-3) < 1e-9, `t = ${times[i]}`);
    });
    assert.ok(maxRelError(lin(weightsAt(Infinity), x).data, y.flat(), 1e-3) < 1e-8, 'the targets are fit at t = ∞');
  });

  it('are the weights train.gradientDescent gives the linearized network as the step → 0: 1e-6 of the distance moved', () => {
    const t = 40;
    const target = flat(weightsAt(t));
    const moved = Math.hypot(...target.map((v, i) => v - theta0[i]));
    const trained = (lr: number) => flat(train.gradientDescent(lin, params, x, y, { learningRate: lr, steps: Math.round((0.5 * t) / lr) }).params);
    const [coarse, fine] = [0.025, 0.0125].map(trained);
    const distance = (a: Float64Array) => Math.hypot(...a.map((v, i) => v - target[i])) / moved;
    const plain = distance(coarse) / distance(fine);
    assert.ok(plain > 1.9 && plain < 2.1, `the gap halves with the step (ratio ${plain})`);
    // Richardson: 2·GD(η/2) − GD(η) is O(η²) from the gradient-flow weights.
    const extrapolated = distance(fine.map((v, i) => 2 * v - coarse[i]));
    assert.ok(extrapolated < 1e-6, `extrapolated gap ${extrapolated} (plain ${distance(fine)})`);
  });

  it('rejects targets with the wrong number of columns before any work', () => {
    assert.throws(
      () =>
        predict.gradientDescentMseWeights(
          net.apply,
          params,
          x,
          y.map((r) => r.slice(0, 2)),
        ),
      (e: Error) => e instanceof ShapeError && /yTrain has 2 columns but the network has 3 outputs/.test(e.message),
    );
  });
});
