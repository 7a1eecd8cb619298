import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix, Tensor, mean, random, std } from '@tangent-lab/core';
import { runPython } from '../helpers/python';

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-13): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(b[i])), `entry ${i}: ${a[i]} vs ${b[i]}`);
}

describe('mean and std', () => {
  it('match numpy along every axis of a matrix and a rank-3 tensor', () => {
    const m = random.normal(random.key(3), [4, 5]);
    m.data.forEach((v, i) => {
      m.data[i] = 1e3 + v;
    }); // a large mean tests the two-pass std
    const ref = runPython<{ mean: number[][]; std: number[][]; std1: number[][] }>('arrays_reference.py', { op: 'moments', x: m.toArray() });
    close(mean(m, 0), ref.mean[0]);
    close(mean(m, 1), ref.mean[1]);
    close([mean(m)], [ref.mean[2] as unknown as number]);
    close(std(m, 0), ref.std[0], 1e-10);
    close(std(m, 1), ref.std[1], 1e-10);
    close(std(m, 1, { ddof: 1 }), ref.std1[1], 1e-10);
    close([std(m)], [ref.std[2] as unknown as number], 1e-10);

    const t = new Tensor([2, 3, 4], random.normal(random.key(4), 24));
    const tr = runPython<{ mean: number[][][]; std: number[][][] }>('arrays_reference.py', { op: 'moments', x: t.toArray() });
    for (const axis of [0, 1, 2]) {
      const mt = mean(t, axis);
      assert.deepEqual(
        mt.shape,
        t.shape.filter((_, d) => d !== axis),
      );
      close(mt.data, (tr.mean[axis] as unknown as number[][]).flat());
      close(std(t, axis).data, (tr.std[axis] as unknown as number[][]).flat(), 1e-12);
    }
    close(mean(t, -1).data, mean(t, 2).data, 0);
  });

  it('take vectors and typed arrays', () => {
    assert.equal(mean([1, 2, 3, 4]), 2.5);
    assert.equal(mean(new Float32Array([1, 3])), 2);
    assert.equal(std([2, 4, 4, 4, 5, 5, 7, 9]), 2);
    assert.equal(
      mean(
        Matrix.from([
          [1, 2],
          [3, 4],
        ]),
      ),
      2.5,
    );
  });

  it('reject bad axes and ddof', () => {
    assert.throws(() => mean([[1, 2]], 2), /axis 2 is out of range for shape \[1, 2\]/);
    assert.throws(() => std([1], undefined, { ddof: 1 }), /ddof = 1 needs more than 1 values/);
    assert.throws(() => std([1, 2], undefined, { dof: 1 } as never), /Did you mean "ddof"/);
  });
});
