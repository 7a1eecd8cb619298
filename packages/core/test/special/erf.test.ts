import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { erf, erfc } from '@tangent-lab/core/internal/special/erf';

// Python's math.erf / math.erfc (C libm), see fixtures/erf_reference.py.
const reference: { x: number; erf: number; erfc: number }[] = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'erf_reference.json'), 'utf8'));

describe('special.erf', () => {
  it('matches libm erf to a few ulps everywhere (relative 1e-15)', () => {
    for (const { x, erf: want } of reference) {
      const got = erf(x);
      assert.ok(Math.abs(got - want) <= 1e-15 * Math.abs(want) + 1e-300, `erf(${x}) = ${got}, libm ${want}`);
    }
  });
  it('matches libm erfc to relative 3e-14 (1 − erf below 1.5, the continued fraction into the far tail)', () => {
    for (const { x, erfc: want } of reference) {
      const got = erfc(x);
      assert.ok(Math.abs(got - want) <= 3e-14 * want + 1e-300, `erfc(${x}) = ${got}, libm ${want}`);
    }
  });
  it('is odd, continuous across its piece boundaries, and NaN for NaN', () => {
    for (let x = 0.5; x <= 6; x += 0.125) {
      assert.equal(erf(-x), -erf(x));
      const slope = (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x);
      assert.ok(Math.abs(erf(x + 1e-9) - erf(x - 1e-9) - 2e-9 * slope) < 2e-15, `jump at ${x}`);
    }
    assert.ok(Number.isNaN(erf(NaN)));
    assert.equal(erf(Infinity), 1);
  });
});
