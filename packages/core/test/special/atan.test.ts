import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { angleRight, angleUpper, atanPositive } from '@tangent-lab/core/internal/special/atan';
import { inputs } from '../helpers/compare';

/** Relative error in ulps of the result. */
const ulps = (got: number, want: number) => Math.abs(got - want) / (Math.abs(want) * Number.EPSILON || Number.MIN_VALUE);

describe('the fast arctangent (Cephes atan)', () => {
  it('is within 2 ulps of Math.atan over twenty decades and on the reduction boundaries', () => {
    let worst = 0;
    for (let e = -10; e <= 10; e += 0.01) {
      const t = 10 ** e;
      worst = Math.max(worst, ulps(atanPositive(t), Math.atan(t)));
    }
    for (const t of [0.66, 0.66 + 1e-15, 2.414213562373095, 2.4142135623730954, 1, Infinity]) worst = Math.max(worst, ulps(atanPositive(t), Math.atan(t)));
    assert.ok(worst <= 2, `worst ${worst} ulps`);
    assert.equal(atanPositive(0), 0);
  });

  it("gives Math.atan2's angles on the half planes the kernels use, exactly at the axes", () => {
    let worst = 0;
    for (const [y, x] of inputs(20000, 2, 5).map(([a, b]) => [Math.abs(a) * 10 ** (8 * b), b * 10 ** (4 * a)])) {
      worst = Math.max(worst, ulps(angleUpper(y, x), Math.atan2(y, x)), ulps(angleRight(x, y), Math.atan2(x, y)));
    }
    assert.ok(worst <= 4, `worst ${worst} ulps`);
    assert.equal(angleUpper(0, 1), 0);
    assert.equal(angleUpper(0, -1), Math.PI);
    assert.equal(angleUpper(0, 0), Math.PI / 2);
    assert.equal(angleRight(0, 0), 0);
    assert.equal(angleRight(1, 0), Math.PI / 2);
    assert.equal(angleRight(-1, 0), -Math.PI / 2);
  });
});
