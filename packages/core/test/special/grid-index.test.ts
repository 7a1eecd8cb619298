import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gridIndex, gridThresholds } from '@tangent-lab/core/internal/special/grid-index';

/** The largest double below x > 0. */
function below(x: number): number {
  const bits = new Float64Array([x]);
  new BigInt64Array(bits.buffer)[0] -= 1n;
  return bits[0];
}

describe('gridIndex (the nearest point of a grid of variances)', () => {
  it('is round(perOctave·log2 q) wherever Math.log2 is far from a cell boundary', () => {
    let s = 7;
    const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
    for (const perOctave of [2, 4, 8, 64]) {
      let checked = 0;
      for (let i = 0; i < 20000; i++) {
        const q = 2 ** (-10 + 40 * u());
        const x = perOctave * Math.log2(q);
        // Within round-off of a half-integer, the two may differ: that is where gridIndex is exact and log2 is not.
        if (Math.abs(x - Math.floor(x) - 0.5) < 1e-9) continue;
        // + 0: Math.round gives −0 just below 0.
        assert.equal(gridIndex(q, perOctave), Math.round(x) + 0, `q = ${q}, ${perOctave} per octave`);
        checked++;
      }
      assert.ok(checked > 19900);
    }
  });

  it('finds each grid point q₀ = 2^{g/perOctave} itself, and moves on exactly at the thresholds between points', () => {
    for (const perOctave of [2, 4, 16]) {
      const t = gridThresholds(perOctave);
      for (let g = -12 * perOctave; g <= 12 * perOctave; g++) assert.equal(gridIndex(2 ** (g / perOctave), perOctave), g);
      for (let e = -10; e <= 10; e++) {
        for (let i = 0; i < perOctave; i++) {
          // Scaling by 2^e is exact: the boundary between points perOctave·e + i and the next.
          const boundary = t[i] * 2 ** e;
          assert.equal(gridIndex(boundary, perOctave), perOctave * e + i + 1, `boundary ${i} of octave ${e}`);
          assert.equal(gridIndex(below(boundary), perOctave), perOctave * e + i, `just below boundary ${i} of octave ${e}`);
        }
      }
      // The thresholds are the cells' geometric midpoints.
      t.forEach((v, i) => assert.ok(Math.abs(Math.log2(v) * perOctave - (i + 0.5)) < 1e-12));
    }
  });
});
