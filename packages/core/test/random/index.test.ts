import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix, random } from '@tangent-lab/core';

describe('random', () => {
  it('threefry2x32 matches the Random123 known-answer vectors', () => {
    const out = new Uint32Array(2);
    const cases: [number[], number[]][] = [
      [
        [0, 0, 0, 0],
        [0x6b200159, 0x99ba4efe],
      ],
      [
        [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
        [0x1cb996fc, 0xbb002be7],
      ],
      [
        [0x13198a2e, 0x03707344, 0x243f6a88, 0x85a308d3],
        [0xc4923a9c, 0x483df7a0],
      ],
    ];
    for (const [[k0, k1, c0, c1], expected] of cases) {
      random.threefry2x32(k0, k1, c0, c1, out);
      assert.deepEqual(Array.from(out), expected);
    }
  });

  it('key and split give the same words as jax.random.PRNGKey / split', () => {
    assert.deepEqual(random.key(0), [0, 0]);
    assert.deepEqual(random.key(-1), [0xffffffff, 0xffffffff]);
    assert.deepEqual(random.split(random.key(0)), [
      [4146024105, 967050713],
      [2718843009, 1272950319],
    ]);
  });

  it('is reproducible, and split keys give independent streams', () => {
    const k = random.key(42);
    const a = random.normal(k, 1000);
    assert.deepEqual(a, random.normal(k, 1000));
    const [k1, k2] = random.split(k);
    const b = random.normal(k1, 1000);
    const c = random.normal(k2, 1000);
    let dot = 0;
    for (let i = 0; i < 1000; i++) dot += b[i] * c[i];
    // Correlation of independent samples is ~ N(0, 1/1000): 5σ bound.
    assert.ok(Math.abs(dot / 1000) < 5 / Math.sqrt(1000));
  });

  it('normal has mean 0 and variance 1; uniform covers [minval, maxval)', () => {
    const n = 200_000;
    const z = random.normal(random.key(7), n);
    let m = 0;
    let v = 0;
    for (const x of z) m += x;
    m /= n;
    for (const x of z) v += (x - m) ** 2;
    v /= n - 1;
    // Standard errors: mean 1/√n, variance √(2/n); 5σ bounds.
    assert.ok(Math.abs(m) < 5 / Math.sqrt(n), `mean ${m}`);
    assert.ok(Math.abs(v - 1) < 5 * Math.sqrt(2 / n), `variance ${v}`);
    const u = random.uniform(random.key(8), [100, 50], { minval: -2, maxval: 3 });
    assert.ok(u instanceof Matrix);
    assert.ok(u.data.every((x) => x >= -2 && x < 3));
    let mu = 0;
    for (const x of u.data) mu += x;
    mu /= u.data.length;
    assert.ok(Math.abs(mu - 0.5) < (5 * (5 / Math.sqrt(12))) / Math.sqrt(u.data.length));
  });

  it('rejects bad keys and shapes with clear errors', () => {
    assert.throws(() => random.split([1, 2, 3] as never), /random key/);
    assert.throws(() => random.key(0.5), /integer/);
    assert.throws(() => random.normal(random.key(0), [2, -1]), /non-negative integers/);
    assert.throws(() => random.uniform(random.key(0), 3, { minval: 1, maxval: 1 }), /minval < maxval/);
  });
});
