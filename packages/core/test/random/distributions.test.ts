import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { random } from '@tangent-lab/core';
import { maxRelError } from '../helpers/compare';
import { runPython } from '../helpers/python';

// Lengths around the generator's internal chunk of 4096 counters, odd and even.
const LENGTHS = [1, 2, 7, 4095, 4096, 4097, 9001];
const KEYS: [number, number][] = [random.key(0), random.key(42), random.split(random.key(7))[1], [0xffffffff, 1]];

describe('random.fillUniform / fillNormal', () => {
  it('uniforms are the 53-bit doubles of an independent numpy stream, bit for bit, at every length', () => {
    const cases = KEYS.flatMap((key) => LENGTHS.map((n) => ({ op: 'uniform', key, n })));
    const expected = runPython<number[][]>('threefry_reference.py', { cases });
    cases.forEach(({ key, n }, j) => {
      const u = new Float64Array(n);
      random.fillUniform(key, u);
      assert.deepEqual(Array.from(u), expected[j], `key ${key}, n ${n}`);
    });
  });

  it('normals are Box–Muller on those uniforms (numpy to round-off of log/cos/sin)', () => {
    const cases = KEYS.flatMap((key) => LENGTHS.map((n) => ({ op: 'normal', key, n })));
    const expected = runPython<number[][]>('threefry_reference.py', { cases });
    cases.forEach(({ key, n }, j) => {
      const z = random.normal(key, n);
      assert.ok(maxRelError(z, expected[j], 1e-300) < 1e-13, `key ${key}, n ${n}`);
    });
  });

  it('a key gives the same numbers whatever the length: a shorter draw is a prefix of a longer one', () => {
    const k = random.key(3);
    const long = random.normal(k, 10_000);
    for (const n of [1, 3, 4096, 4097, 8193]) assert.deepEqual(random.normal(k, n), long.subarray(0, n).slice(), `n ${n}`);
    assert.deepEqual(random.normal(k, 10_000), long);
  });
});
