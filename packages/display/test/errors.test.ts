import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gpBands, heatmap, InputError, lineChart, OptionError, ShapeError } from '@tangent-lab/display';

const x = [0, 1, 2];

test('x, mean and std of different lengths are a ShapeError naming both', () => {
  assert.throws(
    () => gpBands({ x, mean: [0, 1], std: [1, 1, 1] }),
    (e: Error) => e instanceof ShapeError && /mean has 2 entries but x has 3/.test(e.message),
  );
  assert.throws(
    () => gpBands({ x, mean: [0, 1, 2], std: [1, 1] }),
    (e: Error) => e instanceof ShapeError && /std has 2 entries but x has 3/.test(e.message),
  );
  assert.throws(
    () =>
      gpBands({
        x,
        mean: [0, 1, 2],
        cov: [
          [1, 0],
          [0, 1],
        ],
      }),
    (e: Error) => e instanceof ShapeError && /cov is 2×2 .* must be 3×3/.test(e.message),
  );
  assert.throws(() => lineChart({ x, series: [{ name: 'loss', y: [1, 2] }] }), /series\[0\]\.y has 2 entries but x has 3/);
  assert.throws(
    () =>
      heatmap({
        z: [
          [1, 2],
          [3, 4],
        ],
        x: [0, 1, 2],
      }),
    /x has 3 entries but each row of z has 2/,
  );
});

test('NaN or negative std is an InputError naming the entry', () => {
  assert.throws(
    () => gpBands({ x, mean: [0, 1, 2], std: [1, NaN, 1] }),
    (e: Error) => e instanceof InputError && /std\[1\] is NaN/.test(e.message),
  );
  assert.throws(
    () => gpBands({ x, mean: [0, 1, 2], std: [1, 1, -0.5] }),
    (e: Error) => e instanceof InputError && /std\[2\] is -0.5; standard deviations must be ≥ 0/.test(e.message),
  );
  assert.throws(
    () =>
      gpBands({
        x,
        mean: [0, 1, 2],
        cov: [
          [1, 0, 0],
          [0, -1, 0],
          [0, 0, 1],
        ],
      }),
    /cov\[1\]\[1\] is -1; variances must be ≥ 0/,
  );
  assert.throws(() => lineChart({ x, logY: true, series: [{ name: 'loss', y: [1, 0, 2] }] }), /series\[0\]\.y\[1\] is 0; a log axis/);
});

test('empty series are a ShapeError', () => {
  assert.throws(
    () => gpBands([]),
    (e: Error) => e instanceof ShapeError && /list of series is empty/.test(e.message),
  );
  assert.throws(
    () => gpBands({ x: [], mean: [], std: [] }),
    (e: Error) => e instanceof ShapeError && /x is empty/.test(e.message),
  );
  assert.throws(() => lineChart({ x, series: [] }), /series must be a non-empty list/);
  assert.throws(() => heatmap({ z: [] }), /z is empty/);
});

test('unknown options are an OptionError that suggests the right name', () => {
  assert.throws(
    () => gpBands({ x, mean: x, std: x, Std: x } as never),
    (e: Error) => e instanceof OptionError && /unknown option "Std"\. Did you mean "std"\?/.test(e.message),
  );
  assert.throws(() => lineChart({ x, series: [{ name: 'a', y: x }], logx: true } as never), /unknown option "logx"\. Did you mean "logX"\?/);
  assert.throws(() => heatmap({ z: [[1]], colour: 'red' } as never), /unknown option "colour"/);
  assert.throws(() => gpBands({ x, mean: x, std: x }).toBundle({ plotly: true } as never), /Figure\.toBundle: unknown option "plotly"/);
});

test('the band needs exactly one of std and cov; samples to draw need cov', () => {
  assert.throws(() => gpBands({ x, mean: x }), /pass std .* or cov/);
  assert.throws(
    () =>
      gpBands({
        x,
        mean: x,
        std: x,
        cov: [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ],
      }),
    /either std or cov, not both/,
  );
  assert.throws(() => gpBands({ x, mean: x, std: x, samples: 2 }), /drawing samples needs cov/);
});

test('trajectories need one entry per time and shared t across series', () => {
  assert.throws(() => gpBands({ x, t: [0, 1], mean: [x], std: [x, x] }), /mean has 1 entries but t has 2/);
  assert.throws(() => gpBands({ x, t: [0, 1], mean: x, std: [x, x] }), /with t, mean must be a list with one entry per time/);
  assert.throws(
    () =>
      gpBands([
        { name: 'a', x, t: [0, 1], mean: [x, x], std: [x, x] },
        { name: 'b', x, t: [0, 2], mean: [x, x], std: [x, x] },
      ]),
    /series "b" has different times t than series "a"/,
  );
});
