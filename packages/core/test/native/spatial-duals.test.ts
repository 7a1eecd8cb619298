import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertSameBitsEverywhere, built, kernelDigests, wide } from '../helpers/kernel-digests';

/**
 * `count` images of side × side × 2 (source of a function of a seed, run in
 * the child process) where the duals' special cases arise: a zero image
 * (with the bias-free first conv: zero variances), a repeated, a negated and
 * a scaled image; the rest pseudo-random.
 */
const images = (count: number, side: number, seed: number) => `((s) => {
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296 - 0.5;
  const x = Array.from({ length: ${count} }, () => Array.from({ length: ${side} }, () => Array.from({ length: ${side} }, () => [u(), u()])));
  x[0] = x[0].map((row) => row.map((px) => px.map(() => 0)));
  x[2] = x[1].map((row) => row.map((px) => [...px]));
  x[3] = x[1].map((row) => row.map((px) => px.map((v) => -v)));
  x[4] = x[1].map((row) => row.map((px) => px.map((v) => 3 * v)));
  return x;
})(${seed})`;

/** Convs of every padding, strides and both parameterizations, each followed by an activation with a native dual. */
const convs = (readout: string) => `[
  stax.conv(8, [3, 3], { wStd: 1.5 }), stax.relu(),
  stax.conv(8, [3, 3], { wStd: Math.SQRT2, bStd: 0.1, padding: 'VALID' }), stax.erf({ a: 0.8, b: 1.4, c: 0.1 }),
  stax.conv(8, [2, 2], { wStd: 1.2, bStd: 0.2, parameterization: 'standard' }), stax.abRelu(-0.3, 1.2),
  stax.conv(8, [3, 2], { wStd: 1.1, bStd: 0.3, padding: 'CIRCULAR', strides: [1, 2] }), stax.sigmoidLike(),
  ${readout}, stax.dense(2, { wStd: 1.1, bStd: 0.3 }),
]`;

/** `count` sequences of `length` × 3 (source, as {@link images}). */
const sequences = (count: number, length: number, seed: number) => `((s) => {
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296 - 0.5;
  return Array.from({ length: ${count} }, () => Array.from({ length: ${length} }, () => [u(), u(), u()]));
})(${seed})`;

describe('native spatial duals and conv rules (native/spatial-duals.c, native/conv-rows.c)', () => {
  it('give the bits of JavaScript for every pair of positions (global average pooling), on 2 threads and on 1, NNGP and NTK or NNGP alone', (t) => {
    if (!wide || !built) {
      t.skip(`native kernels do not run here (${!built ? 'not built' : 'x86-64 with AVX2 needed'})`);
      return;
    }
    assertSameBitsEverywhere(convs('stax.globalAvgPool()'), images(13, 6, 1), images(9, 6, 2));
  });

  it('give the bits of JavaScript for same-position covariances (flatten)', (t) => {
    if (!wide || !built) {
      t.skip(`native kernels do not run here (${!built ? 'not built' : 'x86-64 with AVX2 needed'})`);
      return;
    }
    assertSameBitsEverywhere(convs('stax.flatten()'), images(70, 6, 3), images(40, 6, 4));
  });

  it('give the bits of JavaScript on sequences (one spatial axis, strides, standard parameterization)', (t) => {
    if (!wide || !built) {
      t.skip(`native kernels do not run here (${!built ? 'not built' : 'x86-64 with AVX2 needed'})`);
      return;
    }
    const layers = `[
      stax.conv(6, [3], { wStd: 1.3, bStd: 0.1, strides: [2] }), stax.relu(),
      stax.conv(6, [2], { wStd: 1.2, parameterization: 'standard', padding: 'CIRCULAR' }), stax.erf(),
      stax.globalAvgPool(), stax.dense(1),
    ]`;
    assertSameBitsEverywhere(layers, sequences(40, 12, 5), sequences(25, 12, 6));
  });

  it('are computed again in JavaScript when the native conv rule cannot finish (its partial output discarded)', (t) => {
    if (!wide || !built) {
      t.skip(`native kernels do not run here (${!built ? 'not built' : 'x86-64 with AVX2 needed'})`);
      return;
    }
    // A conv rule that writes garbage and then reports that it could not finish (as when its scratch memory cannot be had).
    const failing = `const lib = require('@tangent-lab/core/internal/native/library').nativeLibrary();
      lib.convRows = (nngp, ntk, outNngp, outNtk) => { outNngp.fill(NaN); if (outNtk) outNtk.fill(NaN); return -1; };`;
    const layers = convs('stax.globalAvgPool()');
    const x = images(13, 6, 1);
    const y = images(9, 6, 2);
    const fallback = kernelDigests(layers, x, y, { TANGENT_LAB_THREADS: '1' }, 'both', failing);
    assert.equal(fallback.sums, kernelDigests(layers, x, y, { TANGENT_LAB_SIMD: '0' }, 'both').sums);
  });
});
