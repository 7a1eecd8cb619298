import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { empirical, Matrix, predict, random, stax, train } from '@tangent-lab/core';

// Two classes on 12 points of a line: the sign of sin 1.5x, one-hot over two logits.
const x = Array.from({ length: 12 }, (_, i) => [-3 + (6 * i) / 11 + 0.1 * Math.sin(7 * i)]);
const labels = x.map(([v]) => (Math.sin(1.5 * v) > 0 ? [1, 0] : [0, 1]));
const xTest = Array.from({ length: 20 }, (_, i) => [-3.5 + (7 * i) / 19]);

/** Relative gap between a trained erf network's test logits and the cross-entropy ODE (eqs. 25–26) with its initial NTK. */
function gap(width: number, seed: number, steps: number): number {
  const net = stax.serial(stax.dense(width, { wStd: 1.5, bStd: 0.1 }), stax.erf(), stax.dense(2, { wStd: 1.5, bStd: 0.1 }));
  const { params } = net.init(random.key(seed), 1);
  const ntk = empirical.ntkFn(net.apply);
  const trained = train.gradientDescent(net.apply, params, x, labels, { learningRate: 1, steps, loss: 'crossEntropy', xTest, recordAt: [steps] });
  const predicted = predict.gradientDescent('crossEntropy', ntk(x, null, params), labels, { learningRate: 1 })(
    steps,
    net.apply(params, x),
    net.apply(params, xTest),
    ntk(xTest, x, params),
  );
  const a = trained.snapshots[0].test as Matrix;
  const b = predicted.test as Matrix;
  return Math.sqrt(a.data.reduce((s, v, i) => s + (v - b.data[i]) ** 2, 0) / b.data.reduce((s, v) => s + v * v, 0));
}

describe('predict.gradientDescent with cross-entropy against finite networks trained by gradient descent', () => {
  it('the gap to the ODE prediction shrinks as n^-1/2 (erf networks, 2 logits, 60 steps)', () => {
    const mean = (width: number) => [1, 2, 3].reduce((s, seed) => s + gap(width, seed, 60), 0) / 3;
    const narrow = mean(256);
    const wide = mean(4096);
    const slope = Math.log(wide / narrow) / Math.log(4096 / 256);
    assert.ok(slope > -0.7 && slope < -0.3, `gap ${narrow} → ${wide}: slope ${slope}`);
    assert.ok(wide < 0.08, `gap at width 4096: ${wide}`);
    console.log(`cross-entropy gap: ${narrow.toFixed(4)} at width 256, ${wide.toFixed(4)} at 4096, slope ${slope.toFixed(2)}`);
  });
});
