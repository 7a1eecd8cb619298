import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { random } from '@tangent-lab/core';
import { runPython } from '../helpers/python';

describe('random.threefryStream', () => {
  it('gives the blocks of an independent numpy Threefry-2x32, the low counter word wrapping at 2³²', () => {
    const cases = [
      { key: [0, 0], c0: 0, c1: 0, count: 5 },
      { key: [0x13198a2e, 0x03707344], c0: 0xfffffffd, c1: 7, count: 6 }, // wraps past 2³² − 1
      { key: [0xffffffff, 0xffffffff], c0: 123456, c1: 0xffffffff, count: 3 },
    ];
    const expected = runPython<[number[], number[]][]>('threefry_reference.py', {
      cases: cases.map(({ key, c0, c1, count }) => ({
        op: 'blocks',
        key,
        c0: Array.from({ length: count }, (_, i) => (c0 + i) % 2 ** 32),
        c1: Array(count).fill(c1),
      })),
    });
    cases.forEach(({ key, c0, c1, count }, j) => {
      const words = new Uint32Array(2 * count + 2);
      random.threefryStream(key[0], key[1], c0, c1, count, words, 2); // at an offset
      const [w0, w1] = expected[j];
      assert.deepEqual(
        Array.from(words.subarray(2)),
        w0.flatMap((w, i) => [w, w1[i]]),
        `case ${j}`,
      );
      assert.deepEqual(Array.from(words.subarray(0, 2)), [0, 0], 'nothing written before the offset');
      // The one-block form is the same cipher.
      const one = new Uint32Array(2);
      random.threefry2x32(key[0], key[1], (c0 + 1) % 2 ** 32, c1, one);
      assert.deepEqual(Array.from(one), [w0[1], w1[1]]);
    });
  });
});
