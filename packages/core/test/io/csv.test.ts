import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { InputError, ShapeError, io } from '@tangent-lab/core';

const dir = mkdtempSync(join(tmpdir(), 'tangent-csv-'));
after(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('io.readCsv', () => {
  it('reads a header, numbers and quoted text (commas, quotes and newlines inside quotes)', () => {
    const t = io.readCsv(file('a.csv', '\uFEFFx,y,label\n1.5,-2,"three, ""3"""\n2e-3, 4 ,"multi\nline"\n'));
    assert.deepEqual(t.columns, ['x', 'y', 'label']);
    assert.deepEqual(t.rows, [
      [1.5, -2, 'three, "3"'],
      [0.002, 4, 'multi\nline'],
    ]);
    assert.deepEqual(t.toMatrix(['x', 'y']).toArray(), [
      [1.5, -2],
      [0.002, 4],
    ]);
    assert.deepEqual(Array.from(t.column('y')), [-2, 4]);
    assert.deepEqual(t.values('label'), ['three, "3"', 'multi\nline']);
  });

  it('detects a file without header, and reads TSV and comments', () => {
    const t = io.readCsv(file('b.csv', '1,2\n3,4\n'));
    assert.deepEqual(t.columns, ['0', '1']);
    assert.deepEqual(t.toMatrix().toArray(), [
      [1, 2],
      [3, 4],
    ]);
    const tsv = io.readCsv(file('c.tsv', '# a comment\na\tb\n5\t6\n'), { delimiter: '\t', comment: '#' });
    assert.deepEqual(tsv.toMatrix().toArray(), [[5, 6]]);
    const forced = io.readCsv(file('d.csv', 'cat,1\ndog,2\n'), { header: false });
    assert.deepEqual(forced.values(0), ['cat', 'dog']);
  });

  it('keeps hex and Infinity as text, so toMatrix names them', () => {
    const t = io.readCsv(file('e.csv', 'a,b\n0x10,Infinity\n'));
    assert.deepEqual(t.rows, [['0x10', 'Infinity']]);
    assert.throws(
      () => t.toMatrix(),
      (e: Error) => e instanceof InputError && /row 0, column "a" is "0x10", not a finite number/.test(e.message),
    );
  });

  it('says which line is ragged, and rejects duplicate or unknown columns', () => {
    assert.throws(
      () => io.readCsv(file('f.csv', 'a,b\n1,2\n3\n')),
      (e: Error) => e instanceof ShapeError && /cannot parse .*f\.csv: .*line 3/.test(e.message),
    );
    assert.throws(() => io.readCsv(file('g.csv', 'a,a\n1,2\n')), /names column "a" twice/);
    const t = io.readCsv(file('h.csv', 'a,b\n1,2\n'));
    assert.throws(() => t.column('c'), /no column named "c"; the columns are "a", "b"/);
    assert.throws(() => io.readCsv(file('i.csv', ''), {}), /has no rows/);
    assert.throws(() => io.readCsv(join(dir, 'h.csv'), { delim: ';' } as never), /Did you mean "delimiter"/);
  });
});
