import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nativeLibrary } from '@tangent-lab/core/internal/native/library';
import { BLOCK_BYTES } from '@tangent-lab/core/internal/simd/series';
import { VarianceExpansions, type Expansion, type Parity } from '@tangent-lab/core/internal/special/variance-expansions';

/**
 * Expansions grown natively (`heat-shift.c`, through
 * `VarianceExpansions.growForReach` and `growTo`, many grid cells per call,
 * on one thread and on two) against the same
 * expansions grown in JavaScript (`Expansion.growToReach`, `growA`): coefficient for coefficient, and the
 * tails before each block, bit for bit.
 */
const FUNCTIONS: [string, (x: number) => number, (x: number) => number, Parity][] = [
  ['tanh (odd)', (x) => Math.tanh(x), (x) => 1 - Math.tanh(x) ** 2, 'odd'],
  ['log cosh (even)', (x) => Math.log(Math.cosh(x)), (x) => Math.tanh(x), 'even'],
  ['tanh + a bump (no parity)', (x) => Math.tanh(x) + 0.2 * Math.exp(-x * x), (x) => 1 - Math.tanh(x) ** 2 - 0.4 * x * Math.exp(-x * x), 'none'],
];

/**
 * Variances across several grid cells and octaves, and many in a few cells, with reaches from small
 * to nearly 1 (inputs almost alike: series of hundreds of coefficients, past the room an
 * expansion starts with, past the polynomials first built, and for the
 * largest past the first band's end, where JavaScript goes on).
 */
const VARIANCES = [
  ...Array.from({ length: 40 }, (_, i) => 0.05 * 1.13 ** i),
  // Dense: many variances per cell, which grow eight at a time with AVX-512 (the lanes stopping at different lengths).
  ...Array.from({ length: 45 }, (_, i) => 0.8 + 0.0091 * i),
];
const REACHES = VARIANCES.map((_, i) => (i % 7 === 0 ? 0.9995 : 0.2 + (0.79 * ((i * 37) % 40)) / 40));

/** The coefficients, their products k·a_k (which the sums of φ′ read) and the block tails of an expansion, as numbers. */
function contents(e: Expansion): number[] {
  const values = Array.from({ length: e.a.length }, (_, j) => e.a.value(j));
  // A block: its tail, then x_0..x_3, then k·x_0..k·x_3 (`Expansion.header`).
  const weighted = Array.from({ length: e.a.length }, (_, j) => e.store.f64[((e.a.blocks + BLOCK_BYTES * (j >> 2)) >> 3) + 6 + (j & 3)]);
  const tails = Array.from({ length: (e.a.length >> 2) + 1 }, (_, b) => e.store.f64[(e.a.blocks + BLOCK_BYTES * b) >> 3]);
  return [e.a.length, ...values, ...weighted, ...tails];
}

describe('native heat-shift growth (native/heat-shift.c)', () => {
  for (const [name, phi, grad, parity] of FUNCTIONS) {
    it(`gives the coefficients of JavaScript bit for bit: ${name}`, (t) => {
      if (nativeLibrary() === null) {
        t.skip('the native library does not run here');
        return;
      }
      for (const [bound, threads] of [
        [5e-11, 1],
        [5e-15, 1],
        [5e-11, 2],
      ]) {
        // The same φ objects: the grid tables are shared, so both read the same polynomials.
        const native = new VarianceExpansions(phi, grad, parity, `${name} native on ${threads}`);
        const js = new VarianceExpansions(phi, grad, parity, `${name} js`);
        // Laid out without objects: those are made after growth, around what it wrote.
        const heads = Int32Array.from(VARIANCES, (q) => native.headerAt(q));
        const squared = parity !== 'none';
        const reach = Float64Array.from(REACHES, (r) => (squared ? r : r * r));
        native.growForReach([heads], [reach], squared, bound, threads);
        let longest = 0;
        VARIANCES.forEach((q, i) => {
          const e = js.at(q);
          e.growToReach(REACHES[i], bound);
          longest = Math.max(longest, e.a.length);
          assert.deepEqual(contents(native.at(q)), contents(e), `q = ${q}, reach ${REACHES[i]}, bound ${bound}, ${threads} thread(s)`);
        });
        if (bound < 1e-14) assert.ok(longest > 180, `the longest series should pass the first band's end (176), got ${longest}`);
      }
      // To given lengths (what entries left by the rows need), some listed twice, some already long enough.
      const native = new VarianceExpansions(phi, grad, parity, `${name} native lengths`);
      const js = new VarianceExpansions(phi, grad, parity, `${name} js lengths`);
      const heads = VARIANCES.map((q) => native.headerAt(q));
      const lengths = VARIANCES.map((_, i) => (i * 29) % 200);
      // Some grown first in JavaScript, through objects (the others have none until they are compared).
      VARIANCES.forEach((q, i) => {
        if (i % 5 === 0) native.at(q).growA(40);
      });
      // On two threads, a grid cell at a time each.
      native.growTo([...heads, heads[3]], [...lengths, 250], 2);
      VARIANCES.forEach((q, i) => {
        const e = js.at(q);
        if (i % 5 === 0) e.growA(40);
        e.growA(Math.max(lengths[i], i === 3 ? 250 : 0));
        assert.deepEqual(contents(native.at(q)), contents(e), `q = ${q}, length ${lengths[i]}`);
      });
    });

    it(`reads grid points whose polynomials grew and moved in the arena since they were made: ${name}`, (t) => {
      if (nativeLibrary() === null) {
        t.skip('the native library does not run here');
        return;
      }
      const native = new VarianceExpansions(phi, grad, parity, `${name} native, moved`);
      const js = new VarianceExpansions(phi, grad, parity, `${name} js, moved`);
      const squared = parity !== 'none';
      const reachOf = (r: number) => Float64Array.from([r], (v) => (squared ? v : v * v));
      // First, long series in a few cells: their points build polynomials far past the room they started with (which moves them in
      // the arena) and to their band's end; then fresh expansions in the same cells, by their reach and to lengths.
      const first = [0.8, 0.81, 0.83, 1.7, 3.1];
      const second = first.map((q) => q * 1.002);
      const firstHeads = Int32Array.from(first, (q) => native.headerAt(q));
      native.growForReach([firstHeads], [Float64Array.from(first, () => reachOf(0.99995)[0])], squared, 5e-15);
      const heads = Int32Array.from(second, (q) => native.headerAt(q));
      native.growForReach([heads], [Float64Array.from(second, () => reachOf(0.9)[0])], squared, 5e-11);
      native.growTo(
        heads,
        Array.from(second, (_, i) => 60 + 25 * i),
      );
      first.forEach((q) => js.at(q).growToReach(0.99995, 5e-15));
      second.forEach((q, i) => {
        const e = js.at(q);
        e.growToReach(0.9, 5e-11);
        e.growA(60 + 25 * i);
        assert.deepEqual(contents(native.at(q)), contents(e), `q = ${q}`);
      });
      first.forEach((q) => assert.deepEqual(contents(native.at(q)), contents(js.at(q)), `q = ${q}, first`));
    });
  }
});
