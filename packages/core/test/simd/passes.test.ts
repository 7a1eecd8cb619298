import assert from 'node:assert/strict';
import { runNode } from '../helpers/child-node';
import { describe, it } from 'node:test';
import { stax, type Layer } from '@tangent-lab/core';
import { abReluGradTimesPass, abReluPass, gramAddPass, simdArena, simdPasses } from '@tangent-lab/core/internal/simd/passes';
import type { Activation } from '@tangent-lab/core/internal/stax/activation';
import { inputs } from '../helpers/compare';

const activation = (layer: Layer) => (layer.impl as unknown as { activation: Activation }).activation;

/** n values with both signs, zeros of both signs, infinities and NaN (the select's edge cases). */
function values(n: number, seed: number): Float64Array {
  const v = Float64Array.from(inputs(n, 1, seed), (r) => r[0]);
  const special = [0, -0, Infinity, -Infinity, NaN, 1e-310, -1e-310];
  special.forEach((s, i) => {
    if (3 * i < n) v[3 * i] = s;
  });
  return v;
}

/** Entry by entry with Object.is: equal bits up to NaN payloads (and 0 ≠ −0). */
function sameBits(got: Float64Array, want: Float64Array, what: string): void {
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) assert.ok(Object.is(got[i], want[i]), `${what}: entry ${i} is ${got[i]}, JavaScript gives ${want[i]}`);
}

/** Arrays of these lengths in one new arena. */
function arena(lengths: number[]): Float64Array[] {
  const arrays = simdArena(lengths);
  assert.ok(arrays !== null);
  return arrays;
}

describe('SIMD elementwise passes on Workspace arenas (WebAssembly f64x2)', () => {
  it('run on this engine', () => assert.ok(simdPasses(), 'WebAssembly SIMD is not available: the finite passes would fall back to JavaScript'));

  const ACTIVATIONS: [string, Layer, number, number][] = [
    ['relu', stax.relu(), 0, 1],
    ['abRelu(-0.3, 1.2)', stax.abRelu(-0.3, 1.2), -0.3, 1.2],
    ['leakyRelu(0.1)', stax.leakyRelu(0.1), 0.1, 1],
    ['abs', stax.abs(), -1, 1],
  ];
  for (const [name, layer, a, b] of ACTIVATIONS) {
    it(`give ${name}'s φ and g·φ′ bit for bit as its JavaScript loops (fn and grad entry by entry), on odd and even lengths`, () => {
      const act = activation(layer);
      for (const n of [1, 2, 7, 64, 1001]) {
        const x = values(n, n);
        const g = values(n, n + 1);
        const [ax, ag, out, gOut] = arena([n, n, n, n]);
        ax.set(x);
        ag.set(g);
        assert.equal(abReluPass(ax, out, n, a, b), true);
        sameBits(
          out,
          x.map((v) => act.fn(v)),
          `${name} φ, n = ${n}`,
        );
        assert.equal(abReluGradTimesPass(ag, ax, gOut, n, a, b), true);
        sameBits(
          gOut,
          g.map((v, i) => v * act.grad(x[i])),
          `${name} g·φ′, n = ${n}`,
        );
        // The layer's own entry points take the SIMD path on arena arrays and the loop elsewhere: the same bits.
        const viaLoop = new Float64Array(n);
        act.fnArray!(x, viaLoop);
        out.fill(7);
        act.fnArray!(ax, out);
        sameBits(out, viaLoop, `${name} fnArray, n = ${n}`);
        act.gradTimes!(g, x, viaLoop);
        gOut.fill(7);
        act.gradTimes!(ag, ax, gOut);
        sameBits(gOut, viaLoop, `${name} gradTimes, n = ${n}`);
      }
    });
  }

  it('add a dense Gram (s²·inputs + b²)·signals over the upper triangle or all entries, bit for bit as the JavaScript loop, leaving the rest alone', () => {
    const s2 = 0.37;
    const b2 = 0.01;
    for (const [n, m, upper] of [
      [1, 1, true],
      [5, 5, true],
      [8, 8, true],
      [33, 33, true],
      [5, 3, false],
      [6, 9, false],
      [7, 7, false],
    ] as const) {
      const into = values(n * m, 1);
      const inputs = values(n * m, 2);
      const signals = values(n * m, 3);
      const want = into.slice();
      for (let i = 0; i < n; i++) {
        for (let j = upper ? i : 0; j < m; j++) want[i * m + j] += (s2 * inputs[i * m + j] + b2) * signals[i * m + j];
      }
      const [ai, ain, asig] = arena([n * m, n * m, n * m]);
      ai.set(into);
      ain.set(inputs);
      asig.set(signals);
      assert.equal(gramAddPass(ai, ain, asig, n, m, s2, b2, upper), true);
      sameBits(ai, want, `${n}×${m}${upper ? ' upper' : ''}`);
      sameBits(ain, inputs, 'inputs unchanged');
      sameBits(asig, signals, 'signals unchanged');
    }
  });

  it('do nothing and say so when the arrays are not all in one arena (the callers then loop in JavaScript)', () => {
    const [x, out] = arena([4, 4]);
    const [other] = arena([4]);
    const plain = new Float64Array(4);
    x.set([1, -1, 2, -2]);
    out.fill(9);
    assert.equal(abReluPass(plain, out, 4, 0, 1), false);
    assert.equal(abReluPass(x, other, 4, 0, 1), false);
    assert.equal(abReluGradTimesPass(x, plain, out, 4, 0, 1), false);
    assert.equal(gramAddPass(out, x, other, 2, 2, 1, 0, true), false);
    assert.deepEqual([...out], [9, 9, 9, 9]);
    assert.deepEqual([...other], [0, 0, 0, 0]);
  });

  it('are turned off with TANGENT_LAB_SIMD=0 (no arenas), and a bad value is refused', () => {
    const probe = "const p = require('@tangent-lab/core/internal/simd/passes'); console.log(p.simdPasses(), p.simdArena([4]))";
    const off = runNode(probe, { TANGENT_LAB_SIMD: '0' });
    assert.equal(off.stdout, 'false null', off.stderr);
    const bad = runNode(probe, { TANGENT_LAB_SIMD: 'yes' });
    assert.match(bad.stderr, /TANGENT_LAB_SIMD=yes: use 0/);
  });
});
