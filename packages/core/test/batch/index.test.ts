import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batch, empirical, InputError, monteCarloKernelFn, random, stax, type BatchProgress, type Matrix } from '@tangent-lab/core';
import { threadIdProbe } from '../fixtures/thread-id-activation';
import { inputs, maxRelError } from '../helpers/compare';

const net = stax.serial(
  stax.dense(256, { wStd: 1.5, bStd: 0.05 }),
  stax.erf(),
  stax.dense(256, { wStd: Math.SQRT2, bStd: 0.1 }),
  stax.relu(),
  stax.fanOut(2),
  stax.parallel(stax.dense(8), stax.serial(stax.dense(8), stax.gelu(), stax.dense(8))),
  stax.fanInSum(),
  stax.relu(),
  stax.dense(1),
);

describe('batch: tiled kernels equal the untiled kernel exactly', () => {
  const x1 = inputs(53, 6, 1);
  const x2 = inputs(37, 6, 2);

  for (const workers of [0, 2]) {
    it(`${workers} workers, x1 ≠ x2 and x1 = x2, tile sizes that do not divide the data`, async () => {
      for (const batchSize of [7, 16, 100]) {
        const batched = batch(net.kernel, { batchSize, workers });
        for (const [a, b] of [
          [x1, x2],
          [x1, null],
        ] as const) {
          const expected = net.kernel(a, b);
          const got = await batched(a, b);
          assert.deepEqual(got.nngp.data, expected.nngp.data, `nngp, batchSize ${batchSize}`);
          assert.deepEqual(got.ntk!.data, expected.ntk!.data, `ntk, batchSize ${batchSize}`);
        }
      }
    });
  }

  it('reports progress tile by tile and honours get', async () => {
    const seen: number[] = [];
    const totals = new Set<number>();
    const batched = batch(net.kernel, {
      batchSize: 10,
      workers: 2,
      onProgress: ({ done, total }) => {
        seen.push(done);
        totals.add(total);
      },
    });
    const nngp = await batched(x1, null, 'nngp');
    assert.deepEqual(nngp.data, net.kernel(x1, null, 'nngp').data);
    // x1 = x1 with ⌈53/10⌉ = 6 row blocks: only the 6 + 5 + … + 1 = 21 tiles on or above the diagonal.
    assert.deepEqual([...totals], [21]);
    assert.deepEqual(
      seen,
      Array.from({ length: 21 }, (_, i) => i + 1),
    );
  });

  it('rebuilds self-contained elementwise activations in workers and refuses closures', async () => {
    const self = stax.serial(
      stax.dense(16),
      stax.elementwise((v: number) => Math.tanh(v), { degree: 24 }),
      stax.dense(1),
    );
    const got = await batch(self.kernel, { batchSize: 5, workers: 2 })(x2);
    assert.deepEqual(got.nngp.data, self.kernel(x2).nngp.data);
    const scale = 1.7;
    const closure = stax.serial(
      stax.dense(16),
      stax.elementwise((v: number) => Math.tanh(scale * v)),
      stax.dense(1),
    );
    assert.throws(
      () => batch(closure.kernel, { workers: 2 }),
      (e: Error) => e instanceof InputError && /refers to variables outside its own body/.test(e.message),
    );
    const inThread = await batch(closure.kernel, { batchSize: 5, workers: 0 })(x2, null, 'nngp');
    assert.deepEqual(inThread.data, closure.kernel(x2, null, 'nngp').data);
  });

  it('a throwing progress callback stops the job instead of hanging it', async () => {
    const batched = batch(net.kernel, {
      batchSize: 10,
      workers: 2,
      onProgress: () => {
        throw new Error('display closed');
      },
    });
    await assert.rejects(batched(x1), /display closed/);
  });

  it('a failed job settles only after every task posted ahead has returned: the next job on the same workers is whole', async () => {
    // Each worker has two tasks posted; a reply left over from the failed job would be taken for the next job's first tile.
    for (let round = 0; round < 3; round++) {
      let ticks = 0;
      const failing = batch(net.kernel, {
        batchSize: 4,
        workers: 2,
        onProgress: () => {
          if (++ticks === 1) throw new Error('stop');
        },
      });
      await assert.rejects(failing(x1), /stop/);
      const seen: number[] = [];
      const got = await batch(net.kernel, { batchSize: 4, workers: 2, onProgress: ({ done }) => seen.push(done) })(x2, null, 'nngp');
      assert.deepEqual(got.data, net.kernel(x2, null, 'nngp').data);
      // ⌈37/4⌉ = 10 row blocks: 55 tiles on or above the diagonal, each reported once, in order.
      assert.deepEqual(
        seen,
        Array.from({ length: 55 }, (_, i) => i + 1),
      );
    }
  });

  it('a job of as many tiles as workers runs on all of them (the tiles posted ahead only after each worker has its first)', async () => {
    const probe = stax.serial(stax.dense(4), threadIdProbe());
    // One row block against two column blocks: two tiles for two workers.
    const k = await batch(probe.kernel, { batchSize: 3, workers: 2 })(inputs(3, 2, 1), inputs(6, 2, 2), 'nngp');
    const left = new Set(k.toArray().flatMap((row) => row.slice(0, 3)));
    const right = new Set(k.toArray().flatMap((row) => row.slice(3)));
    assert.equal(left.size, 1);
    assert.equal(right.size, 1);
    const [a] = left;
    const [b] = right;
    assert.ok(a > 0 && b > 0, `tiles computed on worker threads, got thread ids ${a} and ${b}`);
    assert.notEqual(a, b, 'both tiles ran on one worker while the other idled');
  });

  it('rejects bad options and inputs before starting', async () => {
    assert.throws(() => batch(net.kernel, { batchsize: 3 } as never), /unknown option "batchsize". Did you mean "batchSize"/);
    assert.throws(() => batch(net.kernel, { batchSize: 0 }), /batchSize must be a positive integer/);
    assert.throws(() => batch(net.kernel, { workers: -1 }), /workers must be a non-negative integer/);
    assert.throws(() => batch(42 as never), /pass a kernel function/);
    await assert.rejects(batch((() => 42) as never)(x1), /must return a Matrix or a \{ nngp, ntk \} kernel/);
    await assert.rejects(batch(net.kernel)(x1, inputs(3, 2, 3)), /different example shapes \(\(6\) vs \(2\)\)/);
    await assert.rejects(batch(net.kernel)(x1, null, 'foo' as never), /get must be/);
  });
});

describe('batch: any kernel function, tiled on the calling thread', () => {
  const small = stax.serial(stax.dense(32, { wStd: 1.5, bStd: 0.1 }), stax.erf(), stax.dense(3, { wStd: 1.5, bStd: 0.1 }));
  const { params } = small.init(random.key(3), 4);
  const x1 = inputs(23, 4, 11);
  const x2 = inputs(17, 4, 12);

  it('empirical NTK and NNGP: (x1, x2, params) passes params through; equal to the unbatched kernel to round-off', async () => {
    for (const fn of [empirical.ntkFn(small.apply), empirical.nngpFn(small.apply)]) {
      const batched = batch(fn, { batchSize: 6 });
      for (const b of [x2, null]) {
        const expected = fn(x1, b, params);
        const got = await batched(x1, b, params);
        assert.equal(got.rows, expected.rows);
        assert.equal(got.cols, expected.cols);
        assert.ok(maxRelError(got.data, expected.data, 1e-6) < 1e-12, `max relative error ${maxRelError(got.data, expected.data, 1e-6)}`);
      }
    }
  });

  it('Monte Carlo kernels: (x1, x2, get) passes get through; a Kernel result is assembled field by field', async () => {
    const mc = monteCarloKernelFn(small.init, small.apply, random.key(5), 4, { inputDim: 4 });
    const expected = mc(x1, x2);
    const got = await batch(mc, { batchSize: 10 })(x1, x2);
    assert.ok(maxRelError(got.nngp.data, expected.nngp.data, 1e-6) < 1e-12);
    assert.ok(maxRelError(got.ntk!.data, expected.ntk!.data, 1e-6) < 1e-12);
    const ntk = await batch(mc, { batchSize: 10 })(x1, null, 'ntk');
    assert.ok(maxRelError(ntk.data, mc(x1, null, 'ntk').data, 1e-6) < 1e-12);
    // Destructured as NT's tuple, in the order of get, as the unbatched result.
    const [first, second] = await batch(mc, { batchSize: 10 })(x1, x2, ['ntk', 'nngp']);
    assert.ok(maxRelError(first.data, expected.ntk.data, 1e-6) < 1e-12 && maxRelError(second.data, expected.nngp.data, 1e-6) < 1e-12);
    const list = monteCarloKernelFn(small.init, small.apply, random.key(5), [1, 4], { inputDim: 4 });
    await assert.rejects(batch(list as never, { batchSize: 10 })(x1, x2), /returned a list of 2 results.*use one sample count/);
  });

  it("an analytic kernel batched destructures as NT's tuple, in the order of get", async () => {
    const [nngp, ntk] = await batch(small.kernel, { batchSize: 7 })(x1, x2);
    const expected = small.kernel(x1, x2);
    assert.deepEqual([nngp.data, ntk.data], [expected.nngp.data, expected.ntk.data]);
    const [ntkFirst, nngpSecond] = await batch(small.kernel, { batchSize: 7 })(x1, null, ['ntk', 'nngp']);
    assert.deepEqual([ntkFirst.data, nngpSecond.data], [small.kernel(x1, null, 'ntk').data, small.kernel(x1, null, 'nngp').data]);
  });

  it('reports progress with an ETA for any function, and refuses workers and queues for functions workers cannot rebuild', async () => {
    const seen: BatchProgress[] = [];
    await batch(empirical.ntkFn(small.apply), { batchSize: 5, onProgress: (p) => seen.push(p) })(x1, null, params);
    // ⌈23/5⌉ = 5 row blocks, symmetric: 15 tiles.
    assert.deepEqual(
      seen.map((p) => p.done),
      Array.from({ length: 15 }, (_, i) => i + 1),
    );
    assert.ok(seen.every((p) => p.total === 15 && p.skipped === 0 && p.eta !== undefined && p.eta >= 0 && p.elapsed >= 0));
    assert.equal(seen[14].eta, 0);
    assert.throws(
      () => batch(empirical.ntkFn(small.apply), { workers: 2 }),
      (e: Error) => e instanceof InputError && /worker threads can only compute analytic stax kernels/.test(e.message),
    );
    assert.throws(
      () => batch(empirical.ntkFn(small.apply), { store: '/tmp/x', queue: 'redis://127.0.0.1:1' }),
      /a job queue can only compute analytic stax kernels/,
    );
  });

  it('names a function that returns the wrong shape', async () => {
    const wrong = (a: Matrix | number[][]) => small.kernel(a, null, 'nngp');
    await assert.rejects(
      batch(wrong as never, { batchSize: 5 })(x1, x2),
      /returned a 3×3 'kernel' matrix for a 3×5 tile; it must return one row per row of x1 and one column per row of x2/,
    );
  });

  it('says when the function returns the full kernel of several outputs (traceAxes: [])', async () => {
    const net = stax.serial(stax.dense(8), stax.relu(), stax.dense(3));
    const { params } = net.init(random.key(0), 4);
    const full = empirical.ntkFn(net.apply, { traceAxes: [] });
    await assert.rejects(
      batch((a, b) => full(a, b, params), { batchSize: 4 })(inputs(6, 4, 1), inputs(5, 4, 2)),
      /full kernel of 3 outputs .*keep the default traceAxes/,
    );
  });
});
