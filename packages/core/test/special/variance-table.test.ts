import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VarianceTable } from '@tangent-lab/core/internal/special/variance-table';

describe('VarianceTable', () => {
  it('finds what a Map keyed by the same numbers finds, through growth and clearing (0 and −0 alike, NaN equal to NaN)', () => {
    let s = 7;
    const random = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
    // Variances as kernels make them, repeats, neighbours one ulp apart, and the special values.
    const keys = Array.from({ length: 3000 }, (_, i) => (i % 10 === 0 ? 1 + i * Number.EPSILON : random() * 2 ** (10 * random() - 5)));
    keys.push(0, -0, NaN, Infinity, 2 ** -1074);
    for (const round of [0, 1]) {
      const table = new VarianceTable(64);
      const map = new Map<number, number>();
      keys.forEach((q, i) => {
        const k = round === 0 ? q : keys[(i * 7) % keys.length];
        const found = table.get(k);
        assert.equal(found, map.has(k) ? map.get(k) : -1, `key ${k}`);
        if (found < 0) {
          table.set(k, i);
          map.set(k, i);
        }
      });
      assert.equal(table.size, map.size);
      assert.equal(table.get(-0), map.get(0));
      assert.equal(table.get(Number.NaN), map.get(NaN));
      assert.equal(table.get(3.5e300), -1);
      table.clear();
      assert.equal(table.size, 0);
      assert.equal(table.get(keys[1]), -1);
    }
  });
});
