import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linspace } from '@tangent-lab/core';
import { runPython } from '../helpers/python';

describe('linspace', () => {
  it('matches numpy.linspace bit for bit, with and without the endpoint', () => {
    const cases = [
      [0, 1, 5, true],
      [-2.5, 3.7, 11, true],
      [0, 1, 4, false],
      [1, 1e-3, 7, true],
      [3, 4, 1, true],
      [3, 4, 0, true],
    ] as const;
    const ref = runPython<number[][]>('arrays_reference.py', { op: 'linspace', cases });
    cases.forEach(([a, b, n, endpoint], i) => {
      assert.deepEqual(Array.from(linspace(a, b, n, { endpoint })), ref[i], `linspace(${a}, ${b}, ${n}, endpoint=${endpoint})`);
    });
  });

  it('rejects bad counts and options', () => {
    assert.throws(() => linspace(0, 1, 2.5), /num must be a non-negative integer/);
    assert.throws(() => linspace(0, NaN), /stop must be a finite number/);
    assert.throws(() => linspace(0, 1, 3, { end_point: false } as never), /Did you mean "endpoint"/);
  });
});
