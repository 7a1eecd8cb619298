import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, ShapeError, accuracy, oneHot, random } from '@tangent-lab/core';
import { runPython } from '../helpers/python';

describe('accuracy', () => {
  const scores = random.normal(random.key(11), [200, 10]);
  const labels = Array.from(random.randint(random.key(12), 200, 0, 10));
  // Make about half the predictions right, so the number is not trivially 0.1.
  labels.forEach((c, i) => {
    if (i % 2 === 0) scores.set(i, c, 10);
  });
  const ref = runPython<{ accuracy: number }>('classification_reference.py', { scores: scores.toArray(), labels });

  it('matches numpy for class labels, one-hot and centred targets', () => {
    assert.ok(ref.accuracy > 0.4 && ref.accuracy < 0.7);
    assert.equal(accuracy(scores, labels), ref.accuracy);
    assert.equal(accuracy(scores, new Int32Array(labels)), ref.accuracy);
    assert.equal(accuracy(scores, oneHot(labels, 10)), ref.accuracy);
    assert.equal(accuracy(scores, oneHot(labels, 10, { center: true })), ref.accuracy);
  });

  it('reads a single output column as a ±1 classifier', () => {
    const mean = [[0.3], [-0.2], [1.5], [-0.1]];
    assert.equal(accuracy(mean, [[1], [-1], [-1], [-1]]), 0.75);
    assert.equal(accuracy(mean, [5, 3, 3, 5], { classes: [3, 5] }), 0.5);
    assert.equal(accuracy(mean, [1, 0, 1, 0]), 1);
  });

  it('maps class values through classes', () => {
    assert.equal(
      accuracy(
        [
          [0.1, 0.9, 0],
          [1, 0, 0],
        ],
        [7, 2],
        { classes: [2, 7, 9] },
      ),
      1,
    );
  });

  it('says how to fix labels that do not fit the predictions', () => {
    assert.throws(
      () =>
        accuracy(
          [
            [0.1, 0.9],
            [1, 0],
          ],
          [3, 5],
        ),
      (e: Error) =>
        e instanceof InputError && /labels\[0\] is 3, but the predictions have 2 columns \(classes 0…1\); pass \{ classes: \[\.\.\.\] \}/.test(e.message),
    );
    assert.throws(
      () =>
        accuracy(
          [
            [0.1, 0.9],
            [1, 0],
          ],
          [0, 1, 1],
        ),
      (e: Error) => e instanceof ShapeError && /2 predictions but 3 labels/.test(e.message),
    );
    assert.throws(() => accuracy([[0.1, 0.9]], [[1, 0, 0]]), /the targets have 3 columns but the predictions have 2/);
    assert.throws(() => accuracy([[0.1, 0.9]], [4], { classes: [3, 5] }), /labels\[0\] is 4, which is not one of the classes \[3, 5\]/);
  });
});
