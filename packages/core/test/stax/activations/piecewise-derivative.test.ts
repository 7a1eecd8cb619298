import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { piecewiseDerivative } from '@tangent-lab/core/internal/stax/activations/piecewise-derivative';

describe('piecewiseDerivative', () => {
  it('differentiates ELU to 1e−12 everywhere, right up to the kink, where a central difference is off by O(1)', () => {
    const elu = (v: number) => (v > 0 ? v : Math.expm1(v));
    const exact = (v: number) => (v > 0 ? 1 : Math.exp(v));
    const d = piecewiseDerivative(elu, [0]);
    for (const x of [-30, -8, -1.3, -0.02, -1e-3, -1e-9, 1e-12, 4e-3, 0.5, 2, 25]) {
      assert.ok(Math.abs(d(x) - exact(x)) <= 1e-12 * Math.max(1, exact(x)), `x = ${x}: ${d(x)} vs ${exact(x)}`);
    }
    // At the kink itself, the mean of the one-sided derivatives (1 and e⁰ = 1 here; ReLU's ½).
    assert.ok(Math.abs(d(0) - 1) <= 1e-12);
    assert.ok(Math.abs(piecewiseDerivative((v) => Math.max(v, 0), [0])(0) - 0.5) <= 1e-12);
  });

  it('fits its stencil into a narrow piece and never reads across a jump', () => {
    // A step at 0 and at 0.001 with a sine between: jumps of 5 on either side of a piece 0.001 wide.
    const f = (v: number) => (v < 0 ? -5 : v < 0.001 ? Math.sin(3 * v) : 5 + v * v);
    const d = piecewiseDerivative(f, [0.001, 0]);
    for (const x of [1e-7, 0.0003, 0.0009999]) assert.ok(Math.abs(d(x) - 3 * Math.cos(3 * x)) <= 1e-9, `x = ${x}: ${d(x)}`);
    for (const x of [-0.004, -1e-6]) assert.ok(Math.abs(d(x)) <= 1e-12, `x = ${x}: ${d(x)}`);
    for (const x of [0.0010001, 0.004, 1]) assert.ok(Math.abs(d(x) - 2 * x) <= 1e-12, `x = ${x}: ${d(x)}`);
  });
});
