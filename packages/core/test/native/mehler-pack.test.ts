import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nativeLibrary } from '@tangent-lab/core/internal/native/library';
import { PackedColumns } from '@tangent-lab/core/internal/native/mehler-rows';
import { BLOCK_BYTES, ENDED } from '@tangent-lab/core/internal/simd/series';
import { VarianceExpansions, type Expansion } from '@tangent-lab/core/internal/special/variance-expansions';

/** Rows of a packed set before its blocks, rows per block, and the most coefficients a column holds (as `native/mehler-rows.ts`). */
const HEADER_ROWS = 6;
const BLOCK_ROWS = 5;
const MOST = 256;

/**
 * What column c of a packed set must hold for expansion e, read through
 * the expansion's own API: its variance, 1/√q, length (at most MOST), where
 * it must grow (ENDED once its series ended, unless cut at MOST), header
 * address, Stein flag; then per block the tail before it and its four
 * coefficients (zeros past the length).
 */
function expected(e: Expansion): number[] {
  const capped = e.a.length > MOST;
  const length = capped ? MOST : e.a.length;
  const out = [e.q, e.invRoot, length, e.a.ended && !capped ? ENDED : length, e.header, e.stein ? 1 : 0];
  for (let b = 0; b <= length >> 2; b++) {
    out.push(e.store.f64[(e.a.blocks + BLOCK_BYTES * b) >> 3]);
    for (let x = 0; x < 4; x++) out.push(4 * b + x < length ? e.a.value(4 * b + x) : 0);
  }
  return out;
}

/** Column c of the set, as many numbers as {@link expected} gives for e. */
function column(set: PackedColumns, c: number, e: Expansion): number[] {
  const rows = HEADER_ROWS + BLOCK_ROWS * ((Math.min(e.a.length, MOST) >> 2) + 1);
  return Array.from({ length: rows }, (_, r) => set.data[r * set.ncap + c]);
}

describe('native packing of columns (tl_mehler_pack)', () => {
  it('writes each column as the layout says, grows the set, and with onlyChanged packs only the expansions that grew', (t) => {
    if (nativeLibrary() === null) {
      t.skip('the native library does not run here');
      return;
    }
    const expansions = new VarianceExpansions(
      (x) => Math.tanh(x),
      (x) => 1 - Math.tanh(x) ** 2,
      'odd',
      'pack test',
    );
    // Short and long series, a variance 0 (a constant series, ended at once), a tiny one (its own series of φ′, no Stein) and one cut at MOST.
    const variances = [0.7, 1.3, 0, 1e-4, 2.2, 0.9];
    const list = variances.map((q) => expansions.at(q));
    list[0].growA(9);
    list[1].growA(40);
    list[2].growA(4);
    list[3].growA(6);
    list[4].growA(300);
    list[5].growA(3);
    const heads = Int32Array.from(list, (e) => e.header);
    // Room for 4 blocks at first: packing must grow the set to hold MOST coefficients.
    const set = new PackedColumns(8);
    expansions.pack(set, 2, heads, heads.length);
    list.forEach((e, k) => assert.deepEqual(column(set, 2 + k, e), expected(e), `column ${2 + k} (q = ${variances[k]})`));
    assert.equal(set.data[4 * set.ncap + 1], 0, 'columns before `from` are not written');
    assert.ok(list[4].a.length > MOST && set.data[2 * set.ncap + 6] === MOST, 'a series past MOST is cut there');
    assert.equal(list[2].a.ended, true);
    assert.equal(set.data[3 * set.ncap + 4], ENDED, "an ended series' column says so");

    // One expansion grows; a marker in an unchanged column shows that only the grown one is packed again.
    list[0].growA(21);
    const marker = HEADER_ROWS * set.ncap + 3;
    set.data[marker] = -7;
    expansions.pack(set, 2, heads, heads.length, true);
    assert.deepEqual(column(set, 2, list[0]), expected(list[0]), 'the grown column is packed again');
    assert.equal(set.data[marker], -7, 'an unchanged column is left as it was');
    expansions.pack(set, 2, heads, heads.length);
    assert.deepEqual(column(set, 3, list[1]), expected(list[1]), 'packing all rewrites every column');
  });
});
