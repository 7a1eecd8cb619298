import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix, ShapeError, Tensor, concat } from '@tangent-lab/core';
import { runPython } from '../helpers/python';

describe('concat', () => {
  it('joins matrices along rows or columns and tensors along any axis, as numpy.concatenate', () => {
    const a = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    const b = [
      [7, 8, 9],
      [10, 11, 12],
    ];
    const ref = runPython<number[][][]>('arrays_reference.py', { op: 'concatenate', parts: [a, b] });
    assert.deepEqual(concat([a, Matrix.from(b)]).toArray(), ref[0]);
    assert.deepEqual(concat([a, b], 1).toArray(), ref[1]);
    const t1 = [
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
    ];
    const t2 = [
      [
        [9, 10],
        [11, 12],
      ],
      [
        [13, 14],
        [15, 16],
      ],
    ];
    const tref = runPython<unknown[]>('arrays_reference.py', { op: 'concatenate', parts: [t1, t2] });
    for (const axis of [0, 1, 2]) assert.deepEqual(concat([Tensor.from(t1), Tensor.from(t2)], axis).toArray(), tref[axis]);
  });

  it('joins vectors and typed arrays into a Float64Array', () => {
    assert.deepEqual(Array.from(concat([[1, 2], new Float32Array([3]), []])), [1, 2, 3]);
  });

  it('names the part whose shape does not fit', () => {
    assert.throws(
      () => concat([[[1, 2]], [[1, 2, 3]]]),
      (e: Error) => e instanceof ShapeError && /arrays\[1\] has shape \[1, 3\] but arrays\[0\] has \[1, 2\]; all axes except axis 0 must agree/.test(e.message),
    );
    assert.throws(() => concat([]), /non-empty array/);
  });
});
