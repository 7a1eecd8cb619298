import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runNode } from '../helpers/child-node';
import { built, wide } from '../helpers/kernel-digests';

/**
 * The matrix passes of `native/matrix-passes.c` and their JavaScript twins,
 * each against a plain loop written here, on sizes around the tiles (32 in C,
 * 64 in JavaScript), the vector lanes (8) and the threshold below which the
 * passes stay in JavaScript (4096 entries: n = 64). A CommonJS script, so
 * that it runs in a process with the native library and in one without
 * (TANGENT_LAB_NATIVE is read once per process). It prints `ok`, or the
 * first difference.
 */
const CHECKS = `
  const { mirrorUpper, transposeInPlace } = require('@tangent-lab/core/internal/linalg/mirror');
  const { scaleColumns, permuteColumns } = require('@tangent-lab/core/internal/predict/scale-rows');
  const { symmetryDefect, trainKernelArg } = require('@tangent-lab/core/internal/predict/inputs');
  const { Matrix } = require('@tangent-lab/core');
  let seed = 7;
  const next = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 31) - 1;
  const random = (count) => Float64Array.from({ length: count }, next);
  const same = (a, b) => Object.is(a, b);
  function fail(what) { console.log(what); process.exit(0); }
  // Every defect found, printed at the end: the native and JavaScript processes must print the same.
  const defects = [];
  for (const n of [1, 7, 31, 32, 33, 63, 64, 65, 100, 301]) {
    const a = random(n * n);
    a[0] = -0;
    const t = a.slice();
    transposeInPlace(t, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (!same(t[i * n + j], a[j * n + i])) fail('transposeInPlace n = ' + n + ' (' + i + ', ' + j + ')');
    const m = a.slice();
    mirrorUpper(m, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (!same(m[i * n + j], a[Math.min(i, j) * n + Math.max(i, j)])) fail('mirrorUpper n = ' + n + ' (' + i + ', ' + j + ')');
    // The check finds the largest asymmetry and magnitude wherever they are, ignores NaN in both, and sees every non-finite entry.
    const k = new Matrix(n, n, m.slice());
    if (n > 1) {
      // Spots in every lane of a vector (the last 16 columns of row 0, and their mirror images) and in both triangles, each the largest entry.
      const spots = [[Math.floor(n / 2), n - 2], [n - 1, n - 2]];
      for (let j = Math.max(1, n - 16); j < n; j++) spots.push([0, j], [j, 0]);
      spots.forEach(([i, j], s) => {
        const bent = new Matrix(n, n, m.slice());
        bent.data[i * n + j] += 2 + s;
        defects.push(symmetryDefect(bent));
        try { trainKernelArg('t', 'k', bent, n); fail('no asymmetry found at (' + i + ', ' + j + ') for n = ' + n); }
        catch (e) { if (!e.message.includes('max |k_ij − k_ji| = ' + (2 + s + m[i * n + j] - m[i * n + j]).toExponential(3))) fail('asymmetry n = ' + n + ': ' + e.message); }
      });
      for (const [i, j, v] of [[n - 1, 1, NaN], [1, n - 1, Infinity], [n - 1, n - 1, -Infinity]]) {
        const odd = new Matrix(n, n, m.slice());
        odd.data[i * n + j] = v;
        defects.push(symmetryDefect(odd));
        try { trainKernelArg('t', 'k', odd, n); fail('no ' + v + ' found at (' + i + ', ' + j + ') for n = ' + n); }
        catch (e) { if (!e.message.includes('non-finite value (' + v + ') at row ' + i + ', column ' + j)) fail('non-finite n = ' + n + ': ' + e.message); }
      }
    }
    if (trainKernelArg('t', 'k', k, n) !== k) fail('a symmetric kernel of size ' + n + ' was not returned as is');
    const rows = n + 3;
    const x = new Matrix(rows, n, random(rows * n));
    const w = random(n);
    w[0] = -0;
    const piv = Int32Array.from({ length: n }, (_, j) => (j * 5 + 3) % n);
    const scaled = scaleColumns(x, w);
    const permuted = permuteColumns(x, piv);
    for (let i = 0; i < rows; i++) for (let j = 0; j < n; j++) {
      if (!same(scaled.data[i * n + j], x.data[i * n + j] * w[j])) fail('scaleColumns ' + rows + '×' + n + ' (' + i + ', ' + j + ')');
      if (!same(permuted.data[i * n + j], x.data[i * n + piv[j]])) fail('permuteColumns ' + rows + '×' + n + ' (' + i + ', ' + j + ')');
    }
  }
  console.log('ok ' + require('@tangent-lab/core').stax.nativeInfo().enabled);
  console.log(JSON.stringify(defects.map(({ asym, maxAbs, finite }) => [String(asym), String(maxAbs), finite])));
`;

/** The checks' verdict and the defects they found, in a process with TANGENT_LAB_NATIVE=`native`. */
function run(native: '0' | '1'): { verdict: string; defects: string } {
  const r = runNode(CHECKS, { TANGENT_LAB_NATIVE: native });
  assert.equal(r.status, 0, r.stderr);
  const [verdict, defects = ''] = r.stdout.split('\n');
  return { verdict, defects };
}

describe('matrix passes (native/matrix-passes.c and their JavaScript twins)', () => {
  it('transpose, mirror, check symmetry and finiteness, scale and permute columns as plain loops do, natively', (t) => {
    if (!wide || !built) {
      t.skip(`native kernels do not run here (${!built ? 'not built' : 'x86-64 with AVX2 needed'})`);
      return;
    }
    const native = run('1');
    assert.equal(native.verdict, 'ok true');
    assert.equal(native.defects, run('0').defects, 'the native symmetry check finds other maxima than the JavaScript one');
  });

  it('do the same in JavaScript (TANGENT_LAB_NATIVE=0)', () => {
    assert.equal(run('0').verdict, 'ok false');
  });
});
