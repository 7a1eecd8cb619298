import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix, random, stax, type Layer } from '@tangent-lab/core';
import { inputs } from './helpers/compare';

/**
 * 𝒦̂(x, x′) = mean over nets and outputs of f(x)·f(x′), where each output of a
 * random finite net is (at infinite width) a draw from 𝒢𝒫(0, 𝒦) (eq. 13).
 * Its standard error is √((𝒦₁₁𝒦₂₂ + 𝒦₁₂²)/(M·k)) for M nets with k outputs.
 */
function monteCarloNngp(net: Layer, x: Matrix, samples: number): Float64Array {
  const keys = random.split(random.key(2024), samples);
  const n = x.rows;
  const sum = new Float64Array(n * n);
  let k = 0;
  for (const key of keys) {
    const { params } = net.init(key, x.cols);
    const f = net.apply(params, x);
    k = f.cols;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let o = 0; o < k; o++) s += f.get(i, o) * f.get(j, o);
        sum[i * n + j] += s;
      }
    }
  }
  return sum.map((v) => v / (samples * k));
}

function checkWithinSamplingError(net: Layer, width: number, samples: number): void {
  const x = Matrix.from(inputs(6, 3, 41));
  const analytic = net.kernel(x, null, 'nngp');
  const mc = monteCarloNngp(net, x, samples);
  const n = x.rows;
  const k = net.init(random.key(0), x.cols).outputDim as number;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const kij = analytic.get(i, j);
      const se = Math.sqrt((analytic.get(i, i) * analytic.get(j, j) + kij * kij) / (samples * k));
      // 5 standard errors (the 36 entries are correlated; 5σ keeps the false-alarm
      // rate below 1e-5) plus an O(1/n) finite-width bias allowance.
      const bound = 5 * se + (2 / width) * Math.abs(kij);
      assert.ok(Math.abs(mc[i * n + j] - kij) <= bound,
        `entry (${i}, ${j}): Monte Carlo ${mc[i * n + j]} vs analytic ${kij}, bound ${bound}`);
    }
  }
}

describe('analytic NNGP against Monte Carlo over random finite networks', () => {
  it('ReLU, width 1024, 200 networks', () => {
    const net = stax.serial(stax.dense(1024, { wStd: Math.SQRT2, bStd: 0.1 }), stax.relu(), stax.dense(10, { wStd: 1.2, bStd: 0.2 }));
    checkWithinSamplingError(net, 1024, 200);
  });

  it('erf, two hidden layers of width 512, 200 networks', () => {
    const net = stax.serial(stax.dense(512, { wStd: 1.5, bStd: 0.05 }), stax.erf(), stax.dense(512, { wStd: 1.5, bStd: 0.05 }), stax.erf(), stax.dense(10, { wStd: 1.5, bStd: 0.05 }));
    checkWithinSamplingError(net, 512, 200);
  });

  it('standard parameterization: same NNGP from the same kind of networks', () => {
    const net = stax.serial(stax.dense(1024, { wStd: 1.3, bStd: 0.3, parameterization: 'standard' }), stax.gelu(), stax.dense(10, { wStd: 1.1, parameterization: 'standard' }));
    checkWithinSamplingError(net, 1024, 200);
  });

  it('the check can fail: a wrong kernel (σ_w off by 10%) is rejected', () => {
    const x = Matrix.from(inputs(6, 3, 41));
    const right = stax.serial(stax.dense(1024, { wStd: 1.5 }), stax.relu(), stax.dense(10));
    const wrong = stax.serial(stax.dense(1024, { wStd: 1.65 }), stax.relu(), stax.dense(10));
    const mc = monteCarloNngp(right, x, 200);
    const k = wrong.kernel(x, null, 'nngp');
    const worst = Math.max(...Array.from(mc, (v, idx) => Math.abs(v - k.data[idx]) / Math.abs(k.data[idx])));
    assert.ok(worst > 0.1, `relative deviation ${worst}`);
  });
});
