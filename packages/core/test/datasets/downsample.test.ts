import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { downsampleInto } from '@tangent-lab/core/internal/datasets/downsample';

describe('downsampleInto', () => {
  it('averages factor×factor blocks and keeps the image mean', () => {
    // A 4×4 image of thousandths: pixel (r, c) = 100·r + c.
    const src = Uint16Array.from({ length: 16 }, (_, k) => 100 * Math.floor(k / 4) + (k % 4));
    const out = new Float64Array(4);
    downsampleInto(src, 0, 4, 2, out, 0);
    // Block (0, 0) holds 0, 1, 100, 101: mean 50.5 thousandths.
    assert.deepEqual(Array.from(out), [0.0505, 0.0525, 0.2505, 0.2525]);
    const whole = new Float64Array(1);
    downsampleInto(src, 0, 4, 4, whole, 0);
    assert.ok(Math.abs(whole[0] - out.reduce((a, b) => a + b, 0) / 4) < 1e-16);
  });
});
