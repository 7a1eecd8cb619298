import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mirrorUpper, transposeInPlace } from '@tangent-lab/core/internal/linalg/mirror';

describe('mirrorUpper', () => {
  it('copies the upper triangle onto the lower one and leaves the upper triangle and diagonal alone', () => {
    const n = 5;
    const c = Float64Array.from({ length: n * n }, (_, k) => (Math.floor(k / n) <= k % n ? k + 1 : -1));
    const before = c.slice();
    mirrorUpper(c, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) assert.equal(c[i * n + j], j >= i ? before[i * n + j] : before[j * n + i], `(${i}, ${j})`);
    }
  });
});

describe('transposeInPlace', () => {
  it('transposes square matrices of sizes around its 64-wide tiles, entry for entry', () => {
    for (const n of [1, 2, 63, 64, 65, 130]) {
      const a = Float64Array.from({ length: n * n }, (_, k) => k + 0.5);
      const before = a.slice();
      transposeInPlace(a, n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) assert.equal(a[i * n + j], before[j * n + i], `n = ${n}, (${i}, ${j})`);
      }
    }
  });
});
