import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accuracy, confusionMatrix, random } from '@tangent-lab/core';
import { runPython } from '../helpers/python';

describe('confusionMatrix', () => {
  it('matches numpy counts (rows: true class, columns: predicted) and its normalisations', () => {
    const scores = random.normal(random.key(21), [150, 4]);
    const labels = Array.from(random.randint(random.key(22), 150, 0, 4));
    labels.forEach((c, i) => {
      if (i % 3 === 0) scores.set(i, c, 9);
    });
    const ref = runPython<{ counts: number[][]; true: number[][]; pred: number[][] }>('classification_reference.py', { scores: scores.toArray(), labels });
    const counts = confusionMatrix(scores, labels);
    assert.deepEqual(counts.toArray(), ref.counts);
    assert.equal(counts.trace() / 150, accuracy(scores, labels));
    const close = (a: number[][], b: number[][]) => a.forEach((r, i) => r.forEach((v, j) => assert.ok(Math.abs(v - b[i][j]) < 1e-15)));
    close(confusionMatrix(scores, labels, { normalize: 'true' }).toArray(), ref.true);
    close(confusionMatrix(scores, labels, { normalize: 'pred' }).toArray(), ref.pred);
    assert.ok(Math.abs(confusionMatrix(scores, labels, { normalize: 'all' }).data.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  });

  it('is 2×2 for a ±1 output', () => {
    assert.deepEqual(confusionMatrix([[0.3], [-0.2], [1.5]], [[1], [1], [-1]]).toArray(), [
      [0, 1],
      [1, 1],
    ]);
  });

  it('rejects an unknown normalisation', () => {
    assert.throws(() => confusionMatrix([[1, 0]], [0], { normalize: 'rows' as never }), /normalize must be 'true', 'pred' or 'all'/);
  });
});
