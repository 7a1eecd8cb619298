import assert from 'node:assert/strict';
import { runNode } from '../helpers/child-node';
import { describe, it } from 'node:test';
import { stax, type Layer } from '@tangent-lab/core';
import { abReluRow, affineRow, erfRow, scaleRow, simdRowBuffers, simdRows } from '@tangent-lab/core/internal/simd/rows';
import type { Activation } from '@tangent-lab/core/internal/stax/activation';
import { inputs } from '../helpers/compare';

const activation = (layer: Layer) => (layer.impl as unknown as { activation: Activation }).activation;

/**
 * Rows of 2×2 covariances that reach every branch of the angle: correlations
 * spread over (−1, 1), exactly ±1 (θ = 0 and π), zero, and zero variances.
 */
function covariances(n: number, seed: number): { q11: number; q12: Float64Array; q22: Float64Array } {
  const r = inputs(n, 2, seed);
  const q11 = 1.7;
  const q22 = new Float64Array(n);
  const q12 = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    q22[k] = 0.05 + 3 * Math.abs(r[k][0]);
    const rho = [1, -1, 0][k % 11] ?? r[k][1] ** (k % 3 === 0 ? 1 : 9);
    q12[k] = rho * Math.sqrt(q11 * q22[k]);
  }
  q22[n - 1] = 0;
  q12[n - 1] = 0;
  return { q11, q12, q22 };
}

/** The entry-by-entry JavaScript dual of `act` over a row. */
function entryByEntry(act: Activation, q11: number, q12: Float64Array, q22: Float64Array): [Float64Array, Float64Array] {
  const t = new Float64Array(q12.length);
  const tDot = new Float64Array(q12.length);
  const out = new Float64Array(2);
  for (let k = 0; k < q12.length; k++) {
    act.dual(q11, q12[k], q22[k], out, true);
    t[k] = out[0];
    tDot[k] = out[1];
  }
  return [t, tDot];
}

describe('SIMD rows (WebAssembly f64x2)', () => {
  it('run on this engine', () => assert.ok(simdRows(), 'WebAssembly SIMD is not available: the analytic kernels would fall back to JavaScript'));

  for (const [name, layer, row] of [
    [
      'relu',
      stax.relu(),
      (q11: number, q12: Float64Array, q22: Float64Array, n: number, t: Float64Array, d: Float64Array | null) =>
        abReluRow(q11, q12, q22, n, t, d, 1 / (2 * Math.PI), 0.5),
    ],
    [
      'abRelu(-0.3, 1.2)',
      stax.abRelu(-0.3, 1.2),
      (q11: number, q12: Float64Array, q22: Float64Array, n: number, t: Float64Array, d: Float64Array | null) =>
        abReluRow(q11, q12, q22, n, t, d, (1.5 * 1.5) / (2 * Math.PI), (0.09 + 1.44) / 2),
    ],
  ] as const) {
    it(`give ${name}'s dual bit for bit as its JavaScript dual, entry by entry, on odd and even rows`, () => {
      for (const n of [1, 2, 7, 64, 301]) {
        const { q11, q12, q22 } = covariances(n, n);
        const [t, tDot] = entryByEntry(activation(layer), q11, q12, q22);
        const gotT = new Float64Array(n);
        const gotDot = new Float64Array(n);
        row(q11, q12, q22, n, gotT, gotDot);
        assert.deepEqual(gotT, t, `${name} 𝒯, n = ${n}`);
        assert.deepEqual(gotDot, tDot, `${name} 𝒯̇, n = ${n}`);
        const act = activation(layer);
        assert.ok(act.dualRow, `${name} has no SIMD row`);
        const viaActivation = new Float64Array(n);
        act.dualRow(q11, q12, q22, n, viaActivation, null);
        assert.deepEqual(viaActivation, t, `${name} through Activation.dualRow`);
      }
    });
  }

  it("give erf's dual bit for bit as its JavaScript dual, for NT's a, b, c", () => {
    for (const o of [{}, { a: 0.7, b: 2.5, c: -0.2 }]) {
      const act = activation(stax.erf(o));
      for (const n of [1, 8, 301]) {
        const { q11, q12, q22 } = covariances(n, 3 * n);
        const [t, tDot] = entryByEntry(act, q11, q12, q22);
        const gotT = new Float64Array(n);
        const gotDot = new Float64Array(n);
        (act.dualRow as NonNullable<Activation['dualRow']>)(q11, q12, q22, n, gotT, gotDot);
        assert.deepEqual(gotT, t, `erf ${JSON.stringify(o)} 𝒯, n = ${n}`);
        assert.deepEqual(gotDot, tDot, `erf ${JSON.stringify(o)} 𝒯̇, n = ${n}`);
      }
    }
    const b2 = 1;
    const q12 = Float64Array.of(0.3, -0.4, 0);
    const q22 = Float64Array.of(1, 2, 0.5);
    const t = new Float64Array(3);
    erfRow(1 + 2 * b2, q12, q22, 3, t, null, 2 * b2, 2 / Math.PI, 0, 4 / Math.PI);
    assert.deepEqual(t, entryByEntry(activation(stax.erf()), 1, q12, q22)[0]);
  });

  it('work in place on rows in their own memory, as on copied rows', () => {
    const n = 33;
    const { q11, q12, q22 } = covariances(n, 9);
    const [k, next, theta, dot] = simdRowBuffers(4, n) as Float64Array[];
    k.set(q12);
    theta.set(q22);
    const map = { a: 1.3, b: 0.02, c: 2, d: 1.3, e: 0.02 };
    affineRow(map, k, theta, n);
    for (let j = 0; j < n; j++) {
      assert.equal(theta[j], map.c * q22[j] + map.d * q12[j] + map.e);
      assert.equal(k[j], map.a * q12[j] + map.b);
    }
    const copied = new Float64Array(n);
    const copiedDot = new Float64Array(n);
    abReluRow(q11 * 1.3, k.slice(0, n), q22, n, copied, copiedDot, 1 / (2 * Math.PI), 0.5);
    abReluRow(q11 * 1.3, k, q22, n, next, dot, 1 / (2 * Math.PI), 0.5);
    assert.deepEqual(next.slice(0, n), copied);
    assert.deepEqual(dot.slice(0, n), copiedDot);
    const before = theta.slice(0, n);
    scaleRow(theta, dot, n);
    for (let j = 0; j < n; j++) assert.equal(theta[j], before[j] * dot[j]);
  });

  it('refuse rows that are not in their memory where they must be', () => {
    assert.throws(() => scaleRow(new Float64Array(4), new Float64Array(4), 4), /works on rows from simdRowBuffers/);
  });

  it('can be turned off with TANGENT_LAB_SIMD=0, and a bad value is refused', () => {
    const probe = "console.log(require('@tangent-lab/core/internal/simd/rows').simdRows())";
    const off = runNode(probe, { TANGENT_LAB_SIMD: '0' });
    assert.equal(off.stdout, 'false', off.stderr);
    const bad = runNode(probe, { TANGENT_LAB_SIMD: 'yes' });
    assert.match(bad.stderr, /TANGENT_LAB_SIMD=yes: use 0/);
  });
});
