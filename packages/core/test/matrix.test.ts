import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { InputError, Matrix, ShapeError, linalg, predict, random } from '@tangent-lab/core';

describe('Matrix.from', () => {
  it('reads typed arrays as columns and as rows', () => {
    const col = Matrix.from(new Float64Array([1, 2, 3]));
    assert.deepEqual([col.rows, col.cols], [3, 1]);
    assert.deepEqual(Matrix.from(new Int16Array([4, -5])).toArray(), [[4], [-5]]);
    const m = Matrix.from([
      [1, 2],
      [3, 4],
    ]);
    assert.deepEqual(Matrix.from([m.row(1), m.row(0)]).toArray(), [
      [3, 4],
      [1, 2],
    ]);
    assert.deepEqual(Matrix.from([new Float32Array([0.5, 1]), [2, 3]]).toArray(), [
      [0.5, 1],
      [2, 3],
    ]);
  });

  it('copies typed-array input (later writes to the source do not show)', () => {
    const v = new Float64Array([1, 2]);
    const m = Matrix.from(v);
    v[0] = 100;
    assert.equal(m.get(0, 0), 1);
  });

  it('takes what the library returns straight back: column(), diag(), random.normal(k, n)', () => {
    const k = Matrix.from([
      [2, 1],
      [1, 3],
    ]);
    const y = random.normal(random.key(0), 2);
    const viaTyped = predict.gpInference(k, y)(k).mean;
    const viaArray = predict.gpInference(
      k,
      Array.from(y).map((v) => [v]),
    )(k).mean;
    assert.deepEqual(viaTyped.toArray(), viaArray.toArray());
    assert.deepEqual(
      linalg
        .solve(k, k.column(0))
        .toArray()
        .map(([v]) => Math.round(v * 1e12) / 1e12),
      [1, 0],
    );
    assert.equal(Matrix.from(k.diag()).rows, 2);
  });

  it('says what was given and what is accepted', () => {
    assert.throws(
      () => Matrix.from({ x: 1 } as never, 'yTrain'),
      (e: Error) =>
        e instanceof ShapeError &&
        /yTrain must be a Matrix, an array of rows \(number\[\]\[\] or Float64Array\[\]\) or a column \(number\[\] or a typed array such as Float64Array\), got an object with keys \{ x \}/.test(
          e.message,
        ),
    );
    assert.throws(() => Matrix.from(new Map() as never, 'x'), /got a Map/);
    assert.throws(() => Matrix.from([[1, 2], new Float64Array(3)], 'x'), /x is ragged: row 0 has 2 entries but row 1 has 3/);
    assert.throws(() => Matrix.from([[1, 2], 5] as never, 'x'), /row 1 is the number 5/);
    assert.throws(() => Matrix.from([1, [2]] as never, 'x'), /x\[1\] is an array of length 1; expected a number/);
    assert.throws(() => Matrix.from(new Float64Array(0), 'x'), /x is an empty Float64Array/);
    assert.throws(
      () => Matrix.from(new Float64Array([1, NaN]), 'x'),
      (e: Error) => e instanceof InputError && /non-finite value \(NaN\) at row 1, column 0/.test(e.message),
    );
  });
});

describe('Matrix printing', () => {
  it('prints rows in the console and as toString()', () => {
    const m = Matrix.from([
      [1, 2.5, -3],
      [4, 5, 6],
    ]);
    const expected = 'Matrix 2×3\n[[ 1.0  2.5 -3.0]\n [ 4.0  5.0  6.0]]';
    assert.equal(inspect(m), expected);
    assert.equal(String(m), expected);
    assert.equal(inspect({ k: Matrix.from([[1, 2]]) }), '{ k: Matrix 1×2 [[1 2]] }');
  });

  it('gives tslab a text and an HTML table', () => {
    const bundle = Matrix.from([
      [1, 2],
      [3, 4.25],
    ]).toBundle();
    assert.equal(
      bundle['text/plain'],
      inspect(
        Matrix.from([
          [1, 2],
          [3, 4.25],
        ]),
      ),
    );
    assert.match(bundle['text/html'], /^<table class="tangent-lab-array"/);
    assert.match(bundle['text/html'], /<caption[^>]*>Matrix 2×2<\/caption>/);
    assert.equal((bundle['text/html'].match(/<td /g) ?? []).length, 4);
    assert.match(bundle['text/html'], />4\.25<\/td>/);
  });
});
