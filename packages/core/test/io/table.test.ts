import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { io } from '@tangent-lab/core';

describe('Table', () => {
  it('prints its first rows aligned and counts the rest', () => {
    const t = new io.Table(
      ['n', 'name'],
      Array.from({ length: 12 }, (_, i) => [i, `row${i}`]),
    );
    const lines = inspect(t).split('\n');
    assert.equal(lines[0], 'Table 12×2');
    assert.equal(lines[1], 'n  name');
    assert.equal(lines[2], '0  row0');
    assert.equal(lines.at(-1), '… 2 more rows');
    assert.equal(t.length, 12);
  });

  it('selects columns by position as well as by name', () => {
    const t = new io.Table(
      ['a', 'b'],
      [
        [1, 2],
        [3, 4],
      ],
    );
    assert.deepEqual(t.toMatrix([1, 'a']).toArray(), [
      [2, 1],
      [4, 3],
    ]);
    assert.throws(() => t.column(2), /column 2 is outside 0…1/);
  });
});
