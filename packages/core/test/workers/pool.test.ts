import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { stax } from '@tangent-lab/core';
import { poolSize, MIN_PARALLEL_ENTRIES } from '@tangent-lab/core/internal/workers/pool';
import { inputs } from '../helpers/compare';

const NET = `stax.serial(stax.dense(64, { wStd: 1.5, bStd: 0.05 }), stax.erf(), stax.dense(64, { wStd: Math.SQRT2, bStd: 0.1 }), stax.relu(),
  stax.dense(64), stax.elementwise((v) => Math.tanh(v), { degree: 8 }), stax.dense(1))`;

/** SHA-256 of both kernels' bytes, computed in a fresh process with the given thread count. */
function digestInChild(threads: string, rows: number): string {
  const script = `
    const { stax } = require('@tangent-lab/core');
    const { createHash } = require('node:crypto');
    const net = ${NET};
    const x = ${JSON.stringify(inputs(rows, 5, 3))};
    const k = net.kernel(x, ${JSON.stringify(inputs(rows - 7, 5, 4))});
    const s = net.kernel(x);
    const h = createHash('sha256');
    for (const m of [k.nngp, k.ntk, s.nngp, s.ntk]) h.update(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
    console.log(h.digest('hex'));`;
  const r = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, TANGENT_LAB_THREADS: threads }, encoding: 'utf8', cwd: __dirname });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

describe('kernel rules on worker threads', () => {
  it('give bit-identical kernels with 1, 2 and 3 threads', () => {
    const rows = Math.ceil(Math.sqrt(MIN_PARALLEL_ENTRIES)) + 20;
    const one = digestInChild('1', rows);
    assert.equal(digestInChild('2', rows), one);
    assert.equal(digestInChild('3', rows), one);
  });

  it('are used for large kernels and leave small ones on the calling thread', () => {
    // eslint-disable-next-line no-new-func
    const net = new Function('stax', `return ${NET}`)(stax);
    net.kernel(inputs(30, 5, 5));
    assert.equal(poolSize(), 0);
    const big = inputs(300, 5, 6);
    const k = net.kernel(big);
    assert.ok(poolSize() >= 1, 'worker threads were not started');
    const h = createHash('sha256')
      .update(Buffer.from(k.ntk.data.buffer, k.ntk.data.byteOffset, k.ntk.data.byteLength))
      .digest('hex');
    assert.equal(h.length, 64);
  });

  it('rebuild a layer they let go of (they keep the 16 last used) with the same kernel', () => {
    // 20 networks of distinct activation specs, then the first again: its layer was evicted on the workers and is rebuilt.
    const script = `
      const { stax } = require('@tangent-lab/core');
      const { createHash } = require('node:crypto');
      const x = ${JSON.stringify(inputs(Math.ceil(Math.sqrt(MIN_PARALLEL_ENTRIES)) + 20, 5, 8))};
      const net = (i) => stax.serial(stax.dense(64, { wStd: 1.5 }), stax.erf({ a: 1 + i / 8 }), stax.dense(64), stax.elementwise((v) => Math.tanh(v + i / 64)), stax.dense(1));
      const h = createHash('sha256');
      for (const i of [...Array.from({ length: 20 }, (_, i) => i), 0]) {
        const k = net(i).kernel(x);
        h.update(Buffer.from(k.ntk.data.buffer, k.ntk.data.byteOffset, k.ntk.data.byteLength));
      }
      console.log(h.digest('hex'));`;
    const digest = (threads: string) => {
      const r = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, TANGENT_LAB_THREADS: threads }, encoding: 'utf8', cwd: __dirname });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.trim();
    };
    assert.equal(digest('2'), digest('1'));
  });

  it('reject a bad TANGENT_LAB_THREADS', () => {
    const r = spawnSync(process.execPath, ['-e', "require('@tangent-lab/core').stax.serial(require('@tangent-lab/core').stax.dense(2)).kernel([[1]])"], {
      env: { ...process.env, TANGENT_LAB_THREADS: 'many' },
      encoding: 'utf8',
      cwd: __dirname,
    });
    assert.match(r.stderr, /TANGENT_LAB_THREADS=many: use a positive integer/);
  });
});
