import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix, stax, type Layer } from '@tangent-lab/core';
import { inputKernel, materialize, settle, type KernelState } from '@tangent-lab/core/internal/stax/kernel-state';
import { runNode } from '../helpers/child-node';
import { inputs } from '../helpers/compare';

const x = Matrix.from(inputs(40, 6, 5));

function ruleOf(layer: Layer, k: KernelState): KernelState {
  return layer.impl.kernelRule(k) as KernelState;
}

describe('Θ = 0 below the first trainable layer (KernelAffine.thetaZero)', () => {
  it('a dense layer with no trainable layer below marks its map; composed maps keep the mark; later ones do not', () => {
    const first = ruleOf(stax.dense(8, { bStd: 0.1 }), inputKernel(x, null, true));
    assert.equal(first.pending?.thetaZero, true);
    const composed = ruleOf(stax.dense(8), first);
    assert.equal(composed.pending?.thetaZero, true, 'dense ∘ dense reads the same zero Θ');
    const afterActivation = ruleOf(stax.dense(8), ruleOf(stax.relu(), composed));
    assert.equal(afterActivation.pending?.thetaZero, undefined, 'Θ is no longer zero after a dense layer');
  });

  it('settle takes Θ as zero instead of reading it: the bits of reading zeros', () => {
    const read = ruleOf(stax.dense(8, { wStd: 1.3, bStd: 0.2 }), inputKernel(x, null, true));
    const poisoned = ruleOf(stax.dense(8, { wStd: 1.3, bStd: 0.2 }), inputKernel(x, null, true));
    (poisoned.ntk as Float64Array).fill(Number.NaN);
    const expected = settle({ ...read, pending: { ...read.pending!, thetaZero: undefined } });
    assert.deepEqual(materialize(settle(poisoned)).ntk, materialize(expected).ntk);
  });

  /**
   * A child script: for each network (source of an array of layers) on the
   * inputs `x` (source), the NTK from the input kernel as it is and from one
   * whose stored NTK is NaN; whether the two agree bit for bit, and whether
   * the first is finite. Each path (native, WebAssembly, JavaScript) runs in
   * a process of its own.
   */
  const poisonScript = (x: string, networks: readonly string[]) => `
    const { Matrix, Tensor, stax } = require('@tangent-lab/core');
    const { inputKernel, materialize } = require('@tangent-lab/core/internal/stax/kernel-state');
    const x = ${x};
    const run = (layers, poison) => {
      let k = inputKernel(x, null, true);
      if (poison) k.ntk.fill(NaN);
      for (const layer of layers) k = layer.impl.kernelRule(k);
      return Array.from(materialize(k).ntk);
    };
    const checks = [${networks.join(', ')}].map((layers) => {
      const zeros = run(layers, false), poisoned = run(layers, true);
      return { same: zeros.every((v, i) => Object.is(v, poisoned[i])), finite: zeros.every(Number.isFinite) };
    });
    console.log(JSON.stringify({ same: checks.every((c) => c.same), finite: checks.every((c) => c.finite) }));`;
  const script = poisonScript(`Matrix.from(${JSON.stringify(inputs(300, 6, 7))})`, [
    '[stax.dense(16, { wStd: 1.4, bStd: 0.1 }), stax.erf(), stax.dense(16, { wStd: 1.2 }), stax.relu(), stax.dense(1)]',
  ]);
  // A conv layer first: A(Θ) = 0 is written, not averaged from the stored NTK.
  const convScript = poisonScript(
    `new Tensor([12, 4, 4, 3], Float64Array.from(${JSON.stringify(inputs(12, 48, 9).flat())}))`,
    ['ntk', 'standard'].map(
      (p) =>
        `[stax.conv(3, [3, 3], { wStd: 1.3, bStd: 0.1, parameterization: '${p}' }), stax.relu(), stax.conv(2, [2, 2], { padding: 'VALID', parameterization: '${p}' }), stax.erf(), stax.flatten(), stax.dense(1)]`,
    ),
  );
  for (const [what, env] of [
    ['native rows on threads (or WebAssembly where the library does not run)', {}],
    ['WebAssembly rows on worker threads', { TANGENT_LAB_NATIVE: '0' }],
    ['JavaScript rows on one thread', { TANGENT_LAB_NATIVE: '0', TANGENT_LAB_SIMD: '0', TANGENT_LAB_THREADS: '1' }],
  ] as const) {
    it(`deferred rows start from Θ = 0 without reading the stored NTK: ${what}`, () => {
      const r = runNode(script, env);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { same: true, finite: true });
    });

    it(`a first conv layer writes A(Θ) = 0 without reading the stored NTK (both parameterizations): ${what}`, () => {
      const r = runNode(convScript, env);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { same: true, finite: true });
    });
  }
});
