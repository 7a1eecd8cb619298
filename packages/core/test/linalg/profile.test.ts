import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linalg, Matrix } from '@tangent-lab/core';

describe('linalg.profile', () => {
  it('counts and times each routine inside the call, returns its value, and restores the backend', () => {
    const a = new Matrix(
      50,
      50,
      Float64Array.from({ length: 2500 }, (_, i) => Math.sin(i) + (i % 51 === 0 ? 60 : 0)),
    );
    const sym = linalg.matmul(a, a, { transB: true });
    const p = linalg.profile(() => {
      linalg.matmul(sym, sym);
      linalg.matmul(sym, a);
      return linalg.eigh(sym).eigenvalues[0];
    });
    assert.equal(p.value, linalg.eigh(sym).eigenvalues[0]);
    assert.deepEqual(p.calls, { gemm: 2, syevd: 1 });
    assert.ok(p.seconds.gemm > 0 && p.seconds.syevd > 0);
    assert.ok(p.seconds.gemm + p.seconds.syevd <= p.total);
    assert.throws(
      () =>
        linalg.profile(() => {
          throw new Error('inside');
        }),
      /inside/,
    );
    const outer = linalg.profile(() => linalg.profile(() => linalg.matmul(a, a)).calls);
    assert.deepEqual(outer.value, { gemm: 1 });
    assert.deepEqual(outer.calls, { gemm: 1 }, 'nested profiles both see the call');
  });
});
