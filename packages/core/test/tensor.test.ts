import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, Matrix, ShapeError, Tensor, stax } from '@tangent-lab/core';

describe('Tensor', () => {
  it('reads nested arrays of any rank row-major, channels last', () => {
    // Two 2×3 images with 2 channels: entry (n, h, w, c) = 1000n + 100h + 10w + c.
    const nested = [0, 1].map((n) => [0, 1].map((h) => [0, 1, 2].map((w) => [0, 1].map((c) => 1000 * n + 100 * h + 10 * w + c))));
    const t = Tensor.from(nested);
    assert.deepEqual(t.shape, [2, 2, 3, 2]);
    assert.equal(t.rank, 4);
    assert.equal(t.size, 24);
    assert.deepEqual(t.strides, [12, 6, 2, 1]);
    for (let k = 0; k < 24; k++) {
      const [n, h, w, c] = [Math.floor(k / 12), Math.floor(k / 6) % 2, Math.floor(k / 2) % 3, k % 2];
      assert.equal(t.data[k], 1000 * n + 100 * h + 10 * w + c);
      assert.equal(t.get(n, h, w, c), 1000 * n + 100 * h + 10 * w + c);
    }
    assert.deepEqual(t.toArray(), nested);
  });

  it('accepts typed arrays as rows and as a rank-1 tensor', () => {
    const t = Tensor.from([[new Float64Array([1, 2]), new Float32Array([3, 4])]]);
    assert.deepEqual(t.shape, [1, 2, 2]);
    assert.deepEqual(Array.from(t.data), [1, 2, 3, 4]);
    const v = Tensor.from(new Int32Array([5, 6, 7]));
    assert.deepEqual(v.shape, [3]);
    assert.deepEqual(v.toArray(), [5, 6, 7]);
  });

  it('says where input is ragged, empty, non-numeric or non-finite', () => {
    assert.throws(
      () => Tensor.from([[[1, 2]], [[3]]], 'x'),
      (e: Error) => e instanceof ShapeError && /x is ragged: x\[1\]\[0\] has 1 entries but x\[0\]\[0\] has 2/.test(e.message),
    );
    assert.throws(
      () => Tensor.from([[1, 2], 3] as never, 'x'),
      (e: Error) => e instanceof ShapeError && /x\[1\] is the number 3 but x\[0\] is an array of length 2/.test(e.message),
    );
    assert.throws(
      () => Tensor.from([[1, 'a']] as never, 'x'),
      (e: Error) => e instanceof ShapeError && /x\[0\]\[1\] is the string "a"; expected a number/.test(e.message),
    );
    assert.throws(
      () => Tensor.from([[]], 'x'),
      (e: Error) => e instanceof ShapeError && /empty axis 1/.test(e.message),
    );
    assert.throws(
      () => Tensor.from([[[1, 2]], [[3, Infinity]]], 'x'),
      (e: Error) => e instanceof InputError && /x\[1\]\[0\]\[1\] is Infinity/.test(e.message),
    );
    assert.throws(
      () => Tensor.from('abc' as never, 'x'),
      (e: Error) => e instanceof ShapeError && /got the string "abc"/.test(e.message),
    );
  });

  it('converts to and from Matrix for rank 2, sharing memory', () => {
    const m = Matrix.from([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const t = Tensor.from(m);
    assert.deepEqual(t.shape, [2, 3]);
    assert.equal(t.data, m.data);
    const back = t.toMatrix();
    assert.deepEqual(back.toArray(), m.toArray());
    assert.equal(Matrix.from(t).data, t.data);
    assert.throws(() => new Tensor([2, 2, 1]).toMatrix(), /rank 3 .*use flatten\(\)/);
    assert.throws(
      () => Matrix.from(new Tensor([2, 3, 3, 1]), 'xTrain'),
      (e: Error) => e instanceof ShapeError && /xTrain is a rank-4 Tensor of shape \[2, 3, 3, 1\].*\(n, 9\) matrix/.test(e.message),
    );
  });

  it('views examples and minibatches without copying; take copies', () => {
    const t = Tensor.from([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
      [
        [9, 10],
        [11, 12],
      ],
    ]);
    const second = t.example(1);
    assert.deepEqual(second.shape, [2, 2]);
    assert.deepEqual(second.toArray(), [
      [5, 6],
      [7, 8],
    ]);
    second.set([0, 0], 50);
    assert.equal(t.get(1, 0, 0), 50, 'example() is a view');
    assert.deepEqual(t.examples(1, 3).shape, [2, 2, 2]);
    assert.equal(t.examples(1, 3).get(1, 1, 1), 12);
    const picked = t.take([2, 0]);
    assert.deepEqual(picked.toArray(), [
      [
        [9, 10],
        [11, 12],
      ],
      [
        [1, 2],
        [3, 4],
      ],
    ]);
    picked.set([0, 0, 0], -1);
    assert.equal(t.get(2, 0, 0), 9, 'take() copies');
    assert.throws(() => t.examples(2, 4), /examples 2…3 are not within the tensor's 3 examples/);
    assert.throws(() => t.take([3]), /index 3 .* outside 0…2/);
    assert.throws(() => t.get(0, 0), /has 2 entries but the tensor has rank 3/);
  });

  it('flattens images into the (n, H·W·C) matrix a dense layer takes', () => {
    const images = Tensor.from([
      [
        [[1], [2]],
        [[3], [4]],
      ],
      [
        [[5], [6]],
        [[7], [8]],
      ],
    ]);
    const x = images.flatten();
    assert.deepEqual(x.toArray(), [
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    const net = stax.serial(stax.dense(16), stax.relu(), stax.dense(1));
    const k = net.kernel(x, null, 'nngp');
    assert.equal(k.rows, 2);
    assert.deepEqual(images.reshape([2, -1]).shape, [2, 4]);
    assert.deepEqual(images.reshape([-1, 2, 2]).shape, [2, 2, 2]);
    assert.throws(() => images.reshape([3, -1]), /cannot reshape \[2, 2, 2, 1\] \(8 entries\) to \[3, -1\]/);
  });
});
