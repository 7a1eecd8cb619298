import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix } from '@tangent-lab/core';
import type { LinalgBackend } from '@tangent-lab/core/internal/linalg/backend-interface';
import { createOpenblasBackend } from '@tangent-lab/core/internal/linalg/openblas';
import { typescriptBackend } from '@tangent-lab/core/internal/linalg/typescript';
import { inputs } from '../helpers/compare';

/** The plain triple loop, independent of both backends. */
function naive(a: Float64Array, b: Float64Array, m: number, k: number, n: number, transB = false): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * (transB ? b[j * k + p] : b[p * n + j]);
      c[i * n + j] = s;
    }
  }
  return c;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const random = (rows: number, cols: number, seed: number) => Matrix.from(inputs(rows, cols, seed)).data;

for (const [name, make] of [
  ['openblas', createOpenblasBackend],
  ['typescript', () => typescriptBackend],
] as [string, () => LinalgBackend][]) {
  describe(`linalg backend ${name}: symmetric and triangular routines`, () => {
    const backend = make();

    it('syrkUpdate: C ← α A Aᵀ + β C, both triangles', () => {
      const a = random(7, 5, 1);
      const c0 = naive(random(7, 7, 2), random(7, 7, 2), 7, 7, 7, true); // symmetric
      const c = c0.slice();
      backend.syrkUpdate(7, 5, -0.5, a, 2, c);
      const aat = naive(a, a, 7, 5, 7, true);
      assert.ok(
        maxDiff(
          c,
          c0.map((v, i) => 2 * v - 0.5 * aat[i]),
        ) < 1e-13,
      );
    });

    it('syrkUpper: the upper triangle of C ← A Aᵀ; the strict lower triangle is left as it was', () => {
      const a = random(6, 9, 8);
      const c = new Float64Array(36).fill(7);
      backend.syrkUpper(6, 9, a, c);
      const aat = naive(a, a, 6, 9, 6, true);
      for (let i = 0; i < 6; i++) {
        for (let j = 0; j < 6; j++) {
          if (j >= i) assert.ok(Math.abs(c[i * 6 + j] - aat[i * 6 + j]) < 1e-13, `(${i}, ${j})`);
          else assert.equal(c[i * 6 + j], 7, `(${i}, ${j}) written`);
        }
      }
    });

    it('syr2k: C ← α (A Bᵀ + B Aᵀ) + β C, both triangles', () => {
      const a = random(6, 4, 3);
      const b = random(6, 4, 4);
      const c0 = naive(random(6, 6, 5), random(6, 6, 5), 6, 6, 6, true);
      const c = c0.slice();
      backend.syr2k(6, 4, -1, a, b, 1, c);
      const abt = naive(a, b, 6, 4, 6, true);
      const bat = naive(b, a, 6, 4, 6, true);
      assert.ok(
        maxDiff(
          c,
          c0.map((v, i) => v - abt[i] - bat[i]),
        ) < 1e-13,
      );
    });

    it('trmmRightLower: B ← B L, ignoring the upper triangle of L', () => {
      const l = random(5, 5, 6);
      const lower = l.map((v, i) => (i % 5 <= Math.floor(i / 5) ? v : 0));
      const b0 = random(3, 5, 7);
      const b = b0.slice();
      backend.trmmRightLower(3, 5, l, b);
      assert.ok(maxDiff(b, naive(b0, lower, 3, 5, 5)) < 1e-13);
    });

    it('pstrf: A = P L Lᵀ Pᵀ with the rank, for a full-rank and a rank-3 positive semi-definite matrix', () => {
      for (const [n, rank] of [
        [8, 8],
        [8, 3],
      ]) {
        const g = random(n, rank, 10 + rank);
        const a0 = naive(g, g, n, rank, n, true);
        const a = a0.slice();
        const piv = new Int32Array(n);
        const r = backend.pstrf(n, a, piv);
        assert.equal(r, rank, `rank of a ${n}×${n} matrix of rank ${rank}`);
        assert.deepEqual(
          [...piv].sort((p, q) => p - q),
          [...Array(n).keys()],
          'piv is a permutation',
        );
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (j > i || j >= rank) assert.equal(a[i * n + j], 0, `L[${i}][${j}]`);
        // (P L)[piv[i], :] = L[i, :], so A = (P L)(P L)ᵀ.
        const pl = new Float64Array(n * n);
        for (let i = 0; i < n; i++) pl.set(a.subarray(i * n, (i + 1) * n), piv[i] * n);
        const back = naive(pl, pl, n, n, n, true);
        assert.ok(maxDiff(back, a0) < 1e-12 * Math.max(...a0.map(Math.abs)), `reconstruction, rank ${rank}`);
      }
    });
  });
}

for (const [name, make] of [
  ['openblas', createOpenblasBackend],
  ['typescript', () => typescriptBackend],
] as [string, () => LinalgBackend][]) {
  describe(`linalg backend ${name}: triangular solve`, () => {
    it('trsmRightLowerTrans: X Lᵀ = B', () => {
      const backend = make();
      const l = random(5, 5, 8).map((v, i) => (i % 5 === Math.floor(i / 5) ? 3 + v : v)); // well conditioned
      const lower = l.map((v, i) => (i % 5 <= Math.floor(i / 5) ? v : 0));
      const b0 = random(4, 5, 9);
      const xs = b0.slice();
      backend.trsmRightLowerTrans(4, 5, l, xs);
      assert.ok(maxDiff(naive(xs, lower, 4, 5, 5, true), b0) < 1e-13);
    });
  });
}
