import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stax, type Matrix } from '@tangent-lab/core';
import { DIRECT_BELOW } from '@tangent-lab/core/internal/special/variance-expansions';
import { DEFAULT_TOL, hermiteSeriesActivation, paritySplit } from '@tangent-lab/core/internal/stax/activations/hermite-series';
import { runPython } from '../../helpers/python';

const SMOOTH: [string, (x: number) => number, (x: number) => number][] = [
  ['tanh', (x) => Math.tanh(x), (x) => 1 - Math.tanh(x) ** 2],
  ['softplus', (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))), (x) => 1 / (1 + Math.exp(-x))],
  ['swish', (x) => x / (1 + Math.exp(-x)), (x) => (1 + Math.exp(-x) + x * Math.exp(-x)) / (1 + Math.exp(-x)) ** 2],
  ['sigmoid', (x) => 1 / (1 + Math.exp(-x)), (x) => Math.exp(-x) / (1 + Math.exp(-x)) ** 2],
  // No parity to split off: every coefficient of exp(x/3) is non-zero.
  ['exp(x/3)', (x) => Math.exp(x / 3), (x) => Math.exp(x / 3) / 3],
];

/**
 * Rows of a kernel as the kernels pass them: q11 fixed, the columns'
 * variances and covariances, with the diagonal entry, a duplicate input
 * (same variance, ρ = 1), ρ = −1, ρ = 0, nearly collinear pairs and tiny
 * variances (below DIRECT_BELOW, where φ′ has its own series).
 */
function rows(): { q11: number; q12: Float64Array; q22: Float64Array }[] {
  const variances = [0.35, 1, 2.7, 6.5, 0.5 * DIRECT_BELOW, 14, 1.3, 0.08];
  const out = [];
  for (let i = 0; i < variances.length; i++) {
    const q11 = variances[i];
    const q22: number[] = [];
    const q12: number[] = [];
    for (let j = i; j < variances.length; j++) {
      for (const rho of j === i ? [1, 1, -1, 0, 0.999, -0.3] : [0.97, -0.62, 0.2, 1, -1]) {
        q22.push(variances[j]);
        q12.push(rho * Math.sqrt(q11 * variances[j]));
      }
    }
    out.push({ q11, q12: Float64Array.from(q12), q22: Float64Array.from(q22) });
  }
  return out;
}

/** max |a − b|/√(b_ii·b_jj) over the entries: the error on the kernel's scale, the one `tol` bounds. */
function scaledError(a: Matrix, b: number[][]): number {
  let worst = 0;
  b.forEach((row, i) => row.forEach((v, j) => (worst = Math.max(worst, Math.abs(a.get(i, j) - v) / Math.sqrt(b[i][i] * b[j][j])))));
  return worst;
}

describe('Hermite-series activations', () => {
  it('dualRow gives dual’s values entry by entry, bit for bit (fresh and warm caches, diagonal, ρ = ±1, tiny variances, NNGP alone)', () => {
    for (const [name, fn, grad] of SMOOTH) {
      // Separate activations, so that each path builds its own expansions in its own order.
      const byRow = hermiteSeriesActivation(name, fn, grad, DEFAULT_TOL);
      const byEntry = hermiteSeriesActivation(name, fn, grad, DEFAULT_TOL);
      const out = new Float64Array(2);
      for (const pass of ['cold', 'warm']) {
        for (const { q11, q12, q22 } of rows()) {
          const n = q12.length;
          const t = new Float64Array(n);
          const tDot = new Float64Array(n);
          const alone = new Float64Array(n);
          (byRow.dualRow as NonNullable<typeof byRow.dualRow>)(q11, q12, q22, n, t, tDot);
          (byRow.dualRow as NonNullable<typeof byRow.dualRow>)(q11, q12, q22, n, alone, null);
          for (let k = 0; k < n; k++) {
            byEntry.dual(q11, q12[k], q22[k], out, true);
            const where = `${name} (${pass}) q11 = ${q11}, q12 = ${q12[k]}, q22 = ${q22[k]}`;
            assert.ok(Number.isFinite(t[k]) && Number.isFinite(tDot[k]), where);
            assert.ok(Object.is(t[k], out[0]) && Object.is(tDot[k], out[1]), `${where}: row ${t[k]}, ${tDot[k]}; entry ${out[0]}, ${out[1]}`);
            assert.ok(Object.is(alone[k], t[k]), `${where}: without 𝒯̇ ${alone[k]}, with ${t[k]}`);
          }
        }
      }
    }
  });

  it('the row path keeps the kernels within tol of numpy’s 2-D quadrature on long rows: variances 0.1 to 6, nearly collinear pairs', () => {
    // 12 inputs along three directions with norms spread over a decade: rows of
    // many entries, from uncorrelated to ρ ≈ 0.998, each series stopped by the block tails.
    const directions = [
      [0.6, -0.3, 0.74],
      [-0.2, 0.9, 0.4],
      [0.5, 0.5, -0.7],
    ];
    const x = Array.from({ length: 12 }, (_, i) => directions[i % 3].map((v, j) => (0.3 + 0.22 * i) * (v + 0.05 * Math.sin(5 * i + j))));
    const desc = [['dense', 8, 1.5, 0.1], ['?'], ['dense', 8, 1.2, 0.05], ['?'], ['dense', 1, 1, 0]];
    for (const [name, fn] of SMOOTH.slice(0, 4)) {
      const ref = runPython<{ nngp: number[][]; ntk: number[][] }>('elementwise_reference.py', {
        x1: x,
        x2: null,
        net: desc.map((l) => (l[0] === '?' ? [name] : l)),
      });
      const act = stax.elementwise(fn);
      const k = stax.serial(stax.dense(8, { wStd: 1.5, bStd: 0.1 }), act, stax.dense(8, { wStd: 1.2, bStd: 0.05 }), act, stax.dense(1)).kernel(x);
      const e1 = scaledError(k.nngp, ref.nngp);
      const e2 = scaledError(k.ntk as Matrix, ref.ntk);
      assert.ok(e1 <= DEFAULT_TOL && e2 <= DEFAULT_TOL, `${name}: nngp ${e1.toExponential(2)}, ntk ${e2.toExponential(2)} on the kernel's scale`);
    }
  });

  it('paritySplit: ½ + odd (sigmoid), x/2 + even (softplus, swish), exact parity (tanh, cos), nothing to split (exp)', () => {
    const [, tanh] = SMOOTH[0];
    const [, softplus] = SMOOTH[1];
    const [, swish] = SMOOTH[2];
    const [, sigmoid] = SMOOTH[3];
    assert.deepEqual(paritySplit(tanh), { parity: 'odd', constant: 0, slope: 0 });
    assert.deepEqual(paritySplit(Math.cos), { parity: 'even', constant: 0, slope: 0 });
    assert.deepEqual(paritySplit(sigmoid), { parity: 'odd', constant: 0.5, slope: 0 });
    for (const f of [softplus, swish]) {
      const split = paritySplit(f);
      assert.equal(split.parity, 'even');
      assert.ok(Math.abs(split.slope - 0.5) <= 1e-15, `slope ${split.slope}`);
    }
    assert.deepEqual(
      paritySplit((x) => Math.exp(x / 3)),
      { parity: 'none', constant: 0, slope: 0 },
    );
    // A function a hair away from a split keeps all its coefficients.
    assert.equal(paritySplit((x) => sigmoid(x) + 1e-9 * Math.cos(x)).parity, 'none');
  });

  it('a split φ has the kernels of the unsplit series: sigmoid and softplus against the same φ written without a parity to find', () => {
    // φ(x) + ε·(sin x + cos x)·e^{−x²/8}, with ε small enough to move no kernel entry by 1e−10,
    // has parts of both parities: its series runs over every coefficient, the reference for the split one.
    const x = Array.from({ length: 9 }, (_, i) => [0.3 + 0.4 * i, Math.sin(i), -0.5 + 0.1 * i * i]);
    for (const [name, fn] of [SMOOTH[1], SMOOTH[3]]) {
      const nudged = (v: number) => fn(v) + 1e-14 * (Math.sin(v) + Math.cos(v)) * Math.exp((-v * v) / 8);
      assert.equal(paritySplit(nudged).parity, 'none', name);
      const net = (f: (v: number) => number) => stax.serial(stax.dense(8, { wStd: 1.5, bStd: 0.1 }), stax.elementwise(f), stax.dense(1)).kernel(x);
      const split = net(fn);
      const whole = net(nudged);
      const e1 = scaledError(split.nngp, whole.nngp.toArray());
      const e2 = scaledError(split.ntk as Matrix, (whole.ntk as Matrix).toArray());
      assert.ok(e1 <= DEFAULT_TOL && e2 <= DEFAULT_TOL, `${name}: nngp ${e1.toExponential(2)}, ntk ${e2.toExponential(2)}`);
    }
  });
});
