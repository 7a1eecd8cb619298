import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stax } from '@tangent-lab/core';
import { runNode } from '../helpers/child-node';

/** A tanh network and its inputs, as source for a fresh process; {@link net} and {@link inputs} build the same here. */
const NET = `
  const { stax } = require('@tangent-lab/core');
  const x = Array.from({ length: 12 }, (_, i) => [Math.sin(i + 1), Math.cos(3 * i), 0.1 * i - 0.5].map((v) => (0.3 + 0.4 * i) * v));
  const net = stax.serial(stax.dense(8, { wStd: 1.5, bStd: 0.05 }), stax.tanh(), stax.dense(8, { wStd: 1.5, bStd: 0.05 }), stax.tanh(), stax.dense(1));`;

const inputs = Array.from({ length: 12 }, (_, i) => [Math.sin(i + 1), Math.cos(3 * i), 0.1 * i - 0.5].map((v) => (0.3 + 0.4 * i) * v));
const net = stax.serial(stax.dense(8, { wStd: 1.5, bStd: 0.05 }), stax.tanh(), stax.dense(8, { wStd: 1.5, bStd: 0.05 }), stax.tanh(), stax.dense(1));

describe('VarianceExpansions grid tables', () => {
  it('are shared by tanh layers of different networks without changing a bit of their kernels', () => {
    // In a fresh process, where nothing else has filled tanh's grid tables.
    const out = runNode(`${NET} const k = net.kernel(x); console.log(JSON.stringify({ nngp: Array.from(k.nngp.data), ntk: Array.from(k.ntk.data) }));`, {
      TANGENT_LAB_THREADS: '1',
    });
    assert.equal(out.status, 0, out.stderr);
    const alone = JSON.parse(out.stdout) as { nngp: number[]; ntk: number[] };
    // Here, after other tanh networks at other variances have filled (part of) the same tables.
    const other = Array.from({ length: 15 }, (_, i) => [Math.cos(i), 0.2 * i - 1, Math.sin(2 * i)]);
    for (const wStd of [0.7, 2.4, 1.6]) stax.serial(stax.dense(8, { wStd, bStd: 0.3 }), stax.tanh(), stax.dense(8, { wStd }), stax.tanh()).kernel(other);
    const k = net.kernel(inputs);
    assert.deepEqual(Array.from(k.nngp.data), alone.nngp);
    assert.deepEqual(Array.from(k.ntk.data), alone.ntk);
  });
});
