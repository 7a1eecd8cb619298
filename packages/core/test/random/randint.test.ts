import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix, random, randint } from '@tangent-lab/core';

describe('random.randint', () => {
  it('covers [minval, maxval) uniformly and never reaches maxval', () => {
    const draws = randint(random.key(5), 20000, -3, 7);
    assert.ok(draws instanceof Int32Array);
    const counts = new Array(10).fill(0);
    for (const v of draws) counts[v + 3]++;
    // Binomial(20000, 0.1): sd ≈ 42.
    for (const c of counts) assert.ok(Math.abs(c - 2000) < 210, `counts ${counts}`);
    const m = random.randint(random.key(5), [2, 3], 0, 2);
    assert.ok(m instanceof Matrix && m.rows === 2 && m.cols === 3);
  });

  it('rejects bad ranges', () => {
    assert.throws(() => randint(random.key(0), 3, 5, 5), /need integers minval < maxval/);
    assert.throws(() => randint(random.key(0), 3, 0, 1.5), /need integers minval < maxval/);
  });
});
