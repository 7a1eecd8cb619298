import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { empirical, InputError, random, stax, Tensor, type Matrix } from '@tangent-lab/core';
import { inputs } from '../helpers/compare';

describe('empirical.nngpFn: traceAxes and diagonalAxes', () => {
  const net = stax.serial(stax.dense(16, { bStd: 0.1 }), stax.relu(), stax.dense(3, { bStd: 0.1 }));
  const { params } = net.init(random.key(2), 2);
  const x1 = inputs(4, 2, 5);
  const x2 = inputs(3, 2, 6);
  const fa = net.apply(params, x1) as Matrix;
  const fb = net.apply(params, x2) as Matrix;
  const k = 3;

  it('keeps fₐ(xᵢ)·fᵦ(xⱼ) at (i·k + a, j·k + b) with traceAxes: [], each output with diagonalAxes: [-1], their mean by default', () => {
    const full = empirical.nngpFn(net.apply, { traceAxes: [] })(x1, x2, params);
    const perOutput = empirical.nngpFn(net.apply, { diagonalAxes: [-1] })(x1, x2, params);
    const averaged = empirical.nngpFn(net.apply)(x1, x2, params);
    assert.deepEqual([full.rows, full.cols], [4 * k, 3 * k]);
    assert.ok(perOutput instanceof Tensor);
    assert.deepEqual(perOutput.shape, [4, 3, k]);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let a = 0; a < k; a++) {
          for (let b = 0; b < k; b++) {
            const v = fa.get(i, a) * fb.get(j, b);
            assert.equal(full.get(i * k + a, j * k + b), v);
          }
          const d = fa.get(i, a) * fb.get(j, a);
          assert.equal(perOutput.get(i, j, a), d);
          s += d;
        }
        assert.ok(Math.abs(averaged.get(i, j) - s / k) <= 1e-14 * Math.abs(s) + 1e-16);
      }
    }
    const symmetric = empirical.nngpFn(net.apply, { traceAxes: [] })(x1, null, params);
    assert.equal(symmetric.asymmetry(), 0);
  });

  it('rejects unknown options and axes', () => {
    assert.throws(() => empirical.nngpFn(net.apply, { trace_axes: [] } as never), /unknown option "trace_axes". Did you mean "traceAxes"/);
    assert.throws(
      () => empirical.nngpFn(net.apply, { traceAxes: [3] } as never),
      (e: Error) => e instanceof InputError && /not an axis of the \(n, k\) outputs/.test(e.message),
    );
  });
});
