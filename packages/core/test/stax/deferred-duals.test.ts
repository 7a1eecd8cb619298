import assert from 'node:assert/strict';
import { runNode } from '../helpers/child-node';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { stax, type Kernel, type Layer } from '@tangent-lab/core';
import { inputs } from '../helpers/compare';
import { SERIES_ON_WORKERS } from '../helpers/kernel-digests';

/** A deep net mixing SIMD duals (relu, erf, abRelu), a JavaScript closed form (gelu) and a series (tanh). */
const LAYERS = `[
  stax.dense(64, { wStd: 1.5, bStd: 0.05 }), stax.relu(),
  stax.dense(64, { wStd: Math.SQRT2, bStd: 0.1 }), stax.erf({ a: 0.8, b: 1.4, c: 0.1 }),
  stax.dense(64, { wStd: 1.2, bStd: 0.2 }), stax.gelu(),
  stax.dense(64, { wStd: 1.3, bStd: 0.05 }), stax.tanh(),
  stax.dense(64, { wStd: Math.SQRT2 }), stax.abRelu(-0.2, 1.1),
  stax.dense(3, { wStd: 1.1, bStd: 0.3 }),
]`;
// eslint-disable-next-line no-new-func
const layers = new Function('stax', `return ${LAYERS}`)(stax) as Layer[];
const net = stax.serial(...layers);
const x1 = inputs(23, 5, 1);
const x2 = inputs(18, 5, 2);

/**
 * The kernel one layer at a time: each continuation settles the layer's dual
 * before the next starts. (LAYERS has no two dense layers in a row: those
 * compose into one map, which rounds differently from applying both.)
 */
function layerByLayer(a: number[][], b?: number[][]): Kernel {
  let k = layers[0].kernel(a, b);
  for (const layer of layers.slice(1)) k = layer.kernel(k);
  return k;
}

function digest(k: Kernel): string {
  const h = createHash('sha256');
  for (const m of [k.nngp, k.ntk!]) h.update(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
  return h.digest('hex');
}

describe('deferred activation duals (one pass over the kernel for a run of layers)', () => {
  it('give the kernels of applying the layers one at a time, bit for bit, for x1 = x2 and x1 ≠ x2', () => {
    for (const [a, b] of [
      [x1, undefined],
      [x1, x2],
    ] as const) {
      const fused = net.kernel(a, b);
      const stepwise = layerByLayer(a, b);
      assert.deepEqual(fused.nngp.data, stepwise.nngp.data);
      assert.deepEqual(fused.ntk!.data, stepwise.ntk!.data);
      assert.deepEqual(fused.cov1, stepwise.cov1);
    }
  });

  it('are settled before a layer that reads the entries (fanOut, parallel, fanInSum, layerNorm)', () => {
    const head = stax.serial(stax.dense(32, { bStd: 0.1 }), stax.relu(), stax.dense(32), stax.erf());
    const tail = stax.serial(
      stax.fanOut(2),
      stax.parallel(stax.dense(32), stax.serial(stax.dense(32), stax.relu(), stax.dense(32))),
      stax.fanInSum(),
      stax.layerNorm(),
      stax.dense(1),
    );
    const whole = stax.serial(head, tail).kernel(x1, x2);
    const continued = tail.kernel(head.kernel(x1, x2));
    assert.deepEqual(whole.nngp.data, continued.nngp.data);
    assert.deepEqual(whole.ntk!.data, continued.ntk!.data);
  });

  it('give the same bits with the SIMD rows turned off (TANGENT_LAB_SIMD=0) and on one thread', () => {
    const script = `
      const { stax } = require('@tangent-lab/core');
      const { createHash } = require('node:crypto');
      const net = stax.serial(...${LAYERS});
      const k = net.kernel(${JSON.stringify(inputs(300, 5, 3))});
      const h = createHash('sha256');
      for (const m of [k.nngp, k.ntk]) h.update(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
      console.log(h.digest('hex'));`;
    const run = (env: Record<string, string>) => {
      const r = runNode(script, env);
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    const here = digest(net.kernel(inputs(300, 5, 3)));
    assert.equal(run({ TANGENT_LAB_SIMD: '0' }), here, 'JavaScript rows differ from SIMD rows');
    assert.equal(run({ TANGENT_LAB_SIMD: '0', TANGENT_LAB_THREADS: '1' }), here, 'JavaScript rows on one thread differ');
  });

  it('of numerical activations alone run natively on the calling thread below 2²⁰ entries, on the workers above (or when told)', (t) => {
    const script = (prelude: string, rows: number) => `
      ${prelude}
      const { stax } = require('@tangent-lab/core');
      const { poolSize } = require('@tangent-lab/core/internal/workers/pool');
      const net = stax.serial(stax.dense(16, { wStd: 1.5 }), stax.tanh(), stax.dense(16), stax.tanh(), stax.dense(1));
      net.kernel(${JSON.stringify(inputs(rows, 5, 4))});
      console.log(JSON.stringify({ native: stax.nativeInfo().enabled, workers: poolSize() }));`;
    const run = (prelude: string, rows: number) => {
      const r = runNode(script(prelude, rows), { TANGENT_LAB_THREADS: '2' });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as { native: boolean; workers: number };
    };
    const small = run('', 300);
    if (!small.native) return t.skip('the native library does not run here: numerical activations split over workers as before');
    assert.equal(small.workers, 0, '300 inputs (90,000 entries): no worker thread should have started');
    assert.ok(run(SERIES_ON_WORKERS, 300).workers >= 1, 'told to, the rows go to the workers');
    assert.ok(run('', 1030).workers >= 1, '1030 inputs (over 2²⁰ entries): the rows go to the workers');
  });
});
