import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { linalg, Matrix, NumericalError, ShapeError } from '@tangent-lab/core';
import type { LinalgBackend } from '@tangent-lab/core/internal/linalg/backend-interface';
import { createOpenblasBackend } from '@tangent-lab/core/internal/linalg/openblas';
import { typescriptBackend } from '@tangent-lab/core/internal/linalg/typescript';
import { inputs } from '../helpers/compare';
import { runPython } from '../helpers/python';

function randomSpd(n: number, seed: number): Float64Array {
  const a = Matrix.from(inputs(n, n + 3, seed));
  const out = new Float64Array(n * n);
  typescriptBackend.syrk(n, n + 3, a.data, out);
  for (let i = 0; i < n; i++) out[i * n + i] += 0.1;
  return out;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function product(backend: LinalgBackend, transA: boolean, transB: boolean, m: number, n: number, k: number, a: Float64Array, b: Float64Array): Float64Array {
  const c = new Float64Array(m * n);
  backend.gemm(transA, transB, m, n, k, 1, a, b, 0, c);
  return c;
}

const backends: [string, () => LinalgBackend][] = [
  ['openblas', createOpenblasBackend],
  ['typescript', () => typescriptBackend],
];

for (const [name, make] of backends) {
  describe(`linalg backend: ${name}`, () => {
    const backend = make();

    it('gemm with every transpose matches numpy', () => {
      const a = Matrix.from(inputs(7, 5, 1));
      const b = Matrix.from(inputs(5, 4, 2));
      const ref = runPython<number[][]>('linalg_reference.py', { op: 'matmul', a: a.toArray(), b: b.toArray() }).flat();
      const at = a.transpose();
      const bt = b.transpose();
      for (const [ta, tb, x, y] of [
        [false, false, a, b],
        [true, false, at, b],
        [false, true, a, bt],
        [true, true, at, bt],
      ] as const) {
        const c = product(backend, ta, tb, 7, 4, 5, x.data, y.data);
        assert.ok(maxAbs(c.map((v, i) => v - ref[i])) < 1e-13, `transA=${ta} transB=${tb}`);
      }
    });

    it('syrk gives a · aᵀ with both triangles', () => {
      const a = Matrix.from(inputs(6, 9, 3));
      const c = new Float64Array(36);
      backend.syrk(6, 9, a.data, c);
      const ref = product(typescriptBackend, false, true, 6, 6, 9, a.data, a.data);
      assert.ok(maxAbs(c.map((v, i) => v - ref[i])) < 1e-13);
    });

    it('syevd: A = QΛQᵀ, QᵀQ = I, ascending eigenvalues equal numpy.linalg.eigvalsh, to 1e-10', () => {
      const n = 40;
      const a = randomSpd(n, 4);
      const q = a.slice();
      const w = new Float64Array(n);
      backend.syevd(n, q, w);
      const ref = runPython<number[]>('linalg_reference.py', { op: 'eigvalsh', a: new Matrix(n, n, a).toArray() });
      const scale = maxAbs(a);
      assert.ok(maxAbs(w.map((v, i) => v - ref[i])) < 1e-10 * scale);
      for (let i = 1; i < n; i++) assert.ok(w[i] >= w[i - 1]);
      const qlam = q.map((v, idx) => v * w[idx % n]);
      const rebuilt = product(typescriptBackend, false, true, n, n, n, qlam, q);
      assert.ok(maxAbs(rebuilt.map((v, i) => v - a[i])) < 1e-10 * scale, 'reconstruction');
      const qtq = product(typescriptBackend, true, false, n, n, n, q, q);
      assert.ok(maxAbs(qtq.map((v, i) => v - (i % (n + 1) === 0 ? 1 : 0))) < 1e-10, 'orthogonality');
    });

    it('potrf/potrs: L Lᵀ = A and the solve has a tiny residual', () => {
      const n = 30;
      const a = randomSpd(n, 5);
      const l = a.slice();
      assert.equal(backend.potrf(n, l), 0);
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) assert.equal(l[i * n + j], 0);
      const llt = product(typescriptBackend, false, true, n, n, n, l, l);
      assert.ok(maxAbs(llt.map((v, i) => v - a[i])) < 1e-10 * maxAbs(a));
      const b = Matrix.from(inputs(n, 3, 6));
      const x = b.data.slice();
      backend.potrs(n, 3, l, x);
      const ax = product(typescriptBackend, false, false, n, 3, n, a, x);
      assert.ok(maxAbs(ax.map((v, i) => v - b.data[i])) < 1e-10);
    });

    it('potrf reports the failing leading minor of an indefinite matrix', () => {
      const a = new Float64Array([2, 1, 0, 1, 2, 3, 0, 3, 1]);
      assert.equal(backend.potrf(3, a), 3);
    });

    it('gesv solves a general system and flags a singular one', () => {
      const n = 25;
      const a = Matrix.from(inputs(n, n, 7));
      const b = Matrix.from(inputs(n, 2, 8));
      const x = b.data.slice();
      assert.equal(backend.gesv(n, 2, a.data.slice(), x), 0);
      const ax = product(typescriptBackend, false, false, n, 2, n, a.data, x);
      assert.ok(maxAbs(ax.map((v, i) => v - b.data[i])) < 1e-10);
      assert.notEqual(backend.gesv(2, 1, new Float64Array([1, 2, 2, 4]), new Float64Array([1, 1])), 0);
    });
  });
}

describe('linalg public functions', () => {
  it('uses OpenBLAS here, and TANGENT_LAB_LINALG=typescript selects the fallback', () => {
    assert.equal(linalg.backend(), 'openblas');
    const script = "const { linalg } = require('@tangent-lab/core'); console.log(JSON.stringify(linalg.backendInfo()))";
    const r = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, TANGENT_LAB_LINALG: 'typescript' }, encoding: 'utf8', cwd: __dirname });
    assert.deepEqual(JSON.parse(r.stdout), { name: 'typescript', reason: 'TANGENT_LAB_LINALG=typescript' });
    const bad = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, TANGENT_LAB_LINALG: 'mkl' }, encoding: 'utf8', cwd: __dirname });
    assert.match(bad.stderr, /TANGENT_LAB_LINALG=mkl is not a backend; use openblas, typescript or auto/);
  });

  it('eigh, solvePsd, solve, cholesky, matmul agree with each other', () => {
    const n = 20;
    const a = new Matrix(n, n, randomSpd(n, 9));
    const b = Matrix.from(inputs(n, 2, 10));
    const { eigenvalues, eigenvectors } = linalg.eigh(a);
    const x1 = linalg.solvePsd(a, b);
    const x2 = linalg.solve(a, b);
    // x = Q Λ⁻¹ Qᵀ b
    const qtb = linalg.matmul(eigenvectors, b, { transA: true });
    const scaled = new Matrix(
      n,
      2,
      qtb.data.map((v, i) => v / eigenvalues[Math.floor(i / 2)]),
    );
    const x3 = linalg.matmul(eigenvectors, scaled);
    for (const x of [x2, x3]) assert.ok(maxAbs(x.data.map((v, i) => v - x1.data[i])) < 1e-9 * maxAbs(x1.data));
    const l = linalg.cholesky(a);
    assert.ok(maxAbs(linalg.matmul(l, l, { transB: true }).data.map((v, i) => v - a.data[i])) < 1e-12 * maxAbs(a.data));
    assert.ok(maxAbs(linalg.gram(b).data.map((v, i) => v - linalg.matmul(b, b, { transB: true }).data[i])) < 1e-14);
  });

  it('errors name the problem and the fix', () => {
    assert.throws(
      () => linalg.matmul([[1, 2]], [[1, 2]]),
      (e: Error) => e instanceof ShapeError && /inner dimensions differ \(1×2 times 1×2\)/.test(e.message),
    );
    assert.throws(
      () =>
        linalg.eigh([
          [1, 2],
          [0, 1],
        ]),
      /not symmetric/,
    );
    assert.throws(
      () =>
        linalg.cholesky([
          [1, 2],
          [2, 1],
        ]),
      (e: Error) => e instanceof NumericalError && /not positive definite \(leading minor of order 2.*diagReg/.test(e.message),
    );
    assert.throws(
      () =>
        linalg.solve(
          [
            [1, 2],
            [2, 4],
          ],
          [[1], [1]],
        ),
      /singular/,
    );
    assert.throws(
      () =>
        linalg.solvePsd(
          [
            [1, 0],
            [0, 1],
          ],
          [[1], [1], [1]],
        ),
      /b has 3 rows/,
    );
    assert.throws(
      () =>
        linalg.eigh([
          [1, NaN],
          [NaN, 1],
        ]),
      /non-finite/,
    );
  });
});
