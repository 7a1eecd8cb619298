import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nativeLibrary } from '@tangent-lab/core/internal/native/library';
import { BLOCK_BYTES } from '@tangent-lab/core/internal/simd/series';
import { gridThresholds } from '@tangent-lab/core/internal/special/grid-index';
import { VarianceExpansions, type Expansion, type Parity } from '@tangent-lab/core/internal/special/variance-expansions';

/**
 * Expansions looked up and laid out natively (`native/expansions-at.c`,
 * through `VarianceExpansions.headersOf`) against the same expansions laid
 * out in JavaScript (`headerAt`): the header's numbers, and the
 * coefficients and tails they then grow to, bit for bit.
 */
const FUNCTIONS: [string, (x: number) => number, (x: number) => number, Parity][] = [
  ['tanh (odd)', (x) => Math.tanh(x), (x) => 1 - Math.tanh(x) ** 2, 'odd'],
  ['log cosh (even)', (x) => Math.log(Math.cosh(x)), (x) => Math.tanh(x), 'even'],
  ['tanh + a bump (no parity)', (x) => Math.tanh(x) + 0.2 * Math.exp(-x * x), (x) => 1 - Math.tanh(x) ** 2 - 0.4 * x * Math.exp(-x * x), 'none'],
];

/** The largest double below x > 0. */
function below(x: number): number {
  const bits = new Float64Array([x]);
  new BigInt64Array(bits.buffer)[0] -= 1n;
  return bits[0];
}

/**
 * Variances over several octaves; exactly at the boundaries between points
 * of the norm grid (2 per octave) and of the first band's grid (4 per
 * octave), and just below them; repeated ones; and tiny ones and zero, which
 * JavaScript lays out (their series are integrated at q).
 */
const VARIANCES = [
  ...Array.from({ length: 60 }, (_, i) => 0.004 * 1.17 ** i),
  ...[2, 4].flatMap((perOctave) => Array.from(gridThresholds(perOctave)).flatMap((t) => [-3, 0, 2].flatMap((e) => [t * 2 ** e, below(t * 2 ** e)]))),
  0.7,
  0.7,
  1e-5,
  0,
  2 ** -10,
  0.004 * 1.17 ** 10,
];

/** What an expansion is laid out with (its header as the native sums read it, but for addresses and its index), and the coefficients and tails it grows to. */
function contents(e: Expansion, grown: number): number[] {
  const laidOut = [0, 1, 3, 11].map((i) => e.store.i32[(e.header >> 2) + i]);
  e.growA(grown);
  const values = Array.from({ length: e.a.length }, (_, j) => e.a.value(j));
  const tails = Array.from({ length: (e.a.length >> 2) + 1 }, (_, b) => e.store.f64[(e.a.blocks + BLOCK_BYTES * b) >> 3]);
  return [...laidOut, e.q, e.normA, e.normB, e.invRoot, e.stein ? 1 : 0, e.a.length, ...values, ...tails];
}

describe('native expansions (native/expansions-at.c)', () => {
  for (const [name, phi, grad, parity] of FUNCTIONS) {
    it(`lays out the expansions of JavaScript bit for bit: ${name}`, (t) => {
      if (nativeLibrary() === null) {
        t.skip('the native library does not run here');
        return;
      }
      const q = Float64Array.from(VARIANCES);
      const n = q.length;
      // One name, so all three share grid tables: the first lays out in JavaScript those whose norm point it makes.
      const where = `${name} expansions-at`;
      const first = new VarianceExpansions(phi, grad, parity, where);
      const firstHeads = new Int32Array(n);
      const firstNative = first.headersOf(q, n, firstHeads);
      const native = new VarianceExpansions(phi, grad, parity, where);
      const heads = new Int32Array(n);
      const made = native.headersOf(q, n, heads);
      const js = new VarianceExpansions(phi, grad, parity, where);
      const distinct = new Set(VARIANCES).size;
      // All but the tiny ones and zero, each once (two repeated variances).
      assert.equal(made, distinct - 2);
      assert.ok(firstNative < made, 'the first lookups found norm points missing');
      // Looked up again: found, none made.
      const again = new Int32Array(n);
      assert.equal(native.headersOf(q, n, again), 0);
      assert.deepEqual(again, heads);
      for (let k = 0; k < n; k++) {
        const grown = 8 + (k % 5) * 9;
        const want = contents(js.at(q[k]), grown);
        assert.deepEqual(contents(native.of(heads[k]), grown), want, `variance ${q[k]}`);
        assert.deepEqual(contents(first.of(firstHeads[k]), grown), want, `variance ${q[k]}, first lookups`);
        assert.equal(heads[k], heads[VARIANCES.indexOf(q[k])], 'a repeated variance has one expansion');
      }
    });
  }
});
