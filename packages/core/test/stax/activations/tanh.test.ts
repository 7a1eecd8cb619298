import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batch, InputError, stax } from '@tangent-lab/core';
import { runNode } from '../../helpers/child-node';
import { inputs } from '../../helpers/compare';
import {
  assertActsPerPosition,
  assertMatchesNumpy,
  assertNngpWithinSamplingError,
  assertTrainsOnBothEngines,
  checkDerivatives,
  pyDense,
} from '../../helpers/layer-checks';

describe('stax.tanh', () => {
  it('equals the numpy reference (2-D quadrature of eq. S1) to its accuracy', () => {
    assertMatchesNumpy([pyDense(8, 1.5, 0.05), ['tanh'], pyDense(8, 1.5, 0.05), ['tanh'], pyDense(1, 1.5, 0.05)], 1e-9);
  });

  it('is stax.elementwise(Math.tanh) with the exact derivative, bit for bit', () => {
    const x = inputs(7, 3, 9);
    const net = (a: ReturnType<typeof stax.tanh>) => stax.serial(stax.dense(8, { wStd: 1.5, bStd: 0.05 }), a, stax.dense(1));
    const a = net(stax.tanh()).kernel(x);
    const b = net(stax.elementwise(Math.tanh, { grad: (v) => 1 - Math.tanh(v) ** 2 })).kernel(x);
    assert.deepEqual(Array.from(a.nngp.data), Array.from(b.nngp.data));
    assert.deepEqual(Array.from(a.ntk!.data), Array.from(b.ntk!.data));
  });

  it('backward and JVP equal finite differences', () => checkDerivatives(stax.serial(stax.dense(5), stax.tanh())));

  it('the NNGP agrees with Monte Carlo over 100 random nets of width 512', () => {
    assertNngpWithinSamplingError(stax.serial(stax.dense(512, { wStd: 1.5, bStd: 0.1 }), stax.tanh(), stax.dense(10)), 512, 100);
  });

  it('tiles on worker threads equal the untiled kernel bit for bit', async () => {
    const net = stax.serial(stax.dense(16, { wStd: 1.5, bStd: 0.05 }), stax.tanh(), stax.dense(16, { wStd: 1.5 }), stax.tanh(), stax.dense(1));
    const x = inputs(40, 3, 2);
    const tiled = await batch(net.kernel, { batchSize: 7, workers: 2 })(x);
    const whole = net.kernel(x);
    assert.deepEqual(Array.from(tiled.nngp.data), Array.from(whole.nngp.data));
    assert.deepEqual(Array.from(tiled.ntk!.data), Array.from(whole.ntk!.data));
  });

  it('trains on the float64 and tfjs engines, which agree to float32 accuracy', async () => {
    await assertTrainsOnBothEngines(() => stax.serial(stax.dense(32, { bStd: 0.1 }), stax.tanh(), stax.dense(1)));
  });

  it("layers share their expansions on a thread: 200 networks built in a synchronous loop keep one cache, with the first network's bits", () => {
    // One cache per layer kept every network's until it was collected and the event loop turned: 256 MiB here.
    const script = `
      const { stax } = require('@tangent-lab/core');
      const { seriesMemoryBytes } = require('@tangent-lab/core/internal/simd/series');
      const x = Array.from({ length: 200 }, (_, i) => [Math.sin(i), Math.cos(3 * i), (i % 7) / 7 - 0.5]);
      const net = (tol) => stax.serial(stax.dense(64, { wStd: 1.5, bStd: 0.1 }), stax.tanh({ tol }), stax.dense(64, { wStd: 1.3 }), stax.tanh({ tol }), stax.dense(1));
      const first = net(1e-10).kernel(x);
      const loose = net(1e-6).kernel(x);
      for (let r = 0; r < 200; r++) net(1e-10).kernel(x);
      const last = net(1e-10).kernel(x);
      const same = (a, b) => Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength).equals(Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength));
      console.log(JSON.stringify({ bytes: seriesMemoryBytes(), nngp: same(first.nngp, last.nngp), ntk: same(first.ntk, last.ntk), tol: same(first.ntk, loose.ntk) }));`;
    const out = runNode(script, { TANGENT_LAB_THREADS: '1' });
    assert.equal(out.status, 0, out.stderr);
    const r = JSON.parse(out.stdout) as { bytes: number; nngp: boolean; ntk: boolean; tol: boolean };
    assert.ok(r.bytes <= 8 * 2 ** 20, `the series stores grew to ${(r.bytes / 2 ** 20).toFixed(0)} MiB`);
    assert.ok(r.nngp && r.ntk, 'a later network on the same inputs gave other bits than the first');
    assert.ok(!r.tol, 'a looser tol gave the same bits: the layers of another tol must not share the sums');
  });

  it('takes tol and rejects other options', () => {
    assert.deepEqual(stax.tanh({ tol: 1e-6 }).spec, { type: 'tanh', args: [{ tol: 1e-6 }] });
    assert.throws(
      () => stax.tanh({ tol: 0 }),
      (e: Error) => e instanceof InputError && /tol must be a number between/.test(e.message),
    );
    assert.throws(() => stax.tanh({ degree: 4 } as never), /unknown option "degree"/);
  });

  it('acts per position on images: apply and both readouts’ kernels equal the per-position kernels of the positions as examples', () => {
    assertActsPerPosition(() => stax.tanh());
  });
});
