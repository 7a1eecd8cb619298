import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { InputError, Matrix, batch, io, stax, type KernelFn } from '@tangent-lab/core';
import { runPython } from '../helpers/python';

const root = mkdtempSync(join(tmpdir(), 'tangent-cache-'));
after(() => rmSync(root, { recursive: true, force: true }));

const makeNet = (wStd = 1.5) => stax.serial(stax.dense(512, { wStd, bStd: 0.05 }), stax.relu(), stax.dense(1, { wStd, bStd: 0.05 }));
const x = [
  [0.1, 0.2],
  [0.5, -0.3],
  [1, 0.7],
];
const x2 = [
  [0.3, 0.3],
  [-1, 2],
];

/** net.kernel, counting how often it really runs. */
function counting(kernel: KernelFn): { fn: KernelFn; calls: () => number } {
  let calls = 0;
  const fn = Object.assign(
    (...args: Parameters<KernelFn>) => {
      calls++;
      return kernel(...args);
    },
    { layer: kernel.layer },
  ) as KernelFn;
  return { fn, calls: () => calls };
}

describe('io.cachedKernel', () => {
  it('a second run (a new cache on the same folder) reads the kernel back bit for bit instead of recomputing', () => {
    const dir = join(root, 'a');
    const first = counting(makeNet().kernel);
    const k1 = io.cachedKernel(dir, first.fn)(x, x2);
    assert.equal(first.calls(), 1);
    const second = counting(makeNet().kernel); // the notebook's second run: a new but equal network
    const cached = io.cachedKernel(dir, second.fn);
    const k2 = cached(Matrix.from(x), x2); // same content, another form
    assert.equal(second.calls(), 0, 'not recomputed');
    assert.deepEqual(cached.stats, { hits: 1, misses: 0 });
    assert.deepEqual(k2.nngp.data, k1.nngp.data);
    assert.deepEqual(k2.ntk!.data, k1.ntk!.data);
    assert.ok(k2.nngp instanceof Matrix);
  });

  it("a kernel read back destructures as NT's tuple in the order it was asked for, as the computed one", () => {
    const dir = join(root, 'order');
    const kernelFn = io.cachedKernel(dir, makeNet().kernel);
    const computed = kernelFn(x, x2, ['ntk', 'nngp']);
    const [ntk, nngp] = kernelFn(x, x2, ['ntk', 'nngp']) as Iterable<Matrix>;
    assert.equal(kernelFn.stats.hits, 1);
    assert.deepEqual([ntk.data, nngp.data], [computed.ntk!.data, computed.nngp.data]);
  });

  it('recomputes for changed inputs, a changed network, or another get', () => {
    const dir = join(root, 'b');
    const net = counting(makeNet().kernel);
    const cached = io.cachedKernel(dir, net.fn);
    cached(x, null, 'ntk');
    cached(x, null, 'ntk');
    assert.equal(net.calls(), 1);
    cached(
      [
        [0.1, 0.2],
        [0.5, -0.3],
        [1, 0.70000001],
      ],
      null,
      'ntk',
    );
    assert.equal(net.calls(), 2, 'changed inputs recompute');
    cached(x, null, 'nngp');
    assert.equal(net.calls(), 3, 'another get recomputes');
    cached(x, x, 'ntk');
    assert.equal(net.calls(), 4, 'x2 given is another call than x2 = null');
    const other = counting(makeNet(1.4).kernel);
    const otherK = io.cachedKernel(dir, other.fn)(x, null, 'ntk');
    assert.equal(other.calls(), 1, 'a changed wStd recomputes');
    assert.notDeepEqual(otherK.data, cached(x, null, 'ntk').data);
    const deeper = counting(stax.serial(makeNet(), stax.relu(), stax.dense(1)).kernel);
    io.cachedKernel(dir, deeper.fn)(x, null, 'ntk');
    assert.equal(deeper.calls(), 1, 'a changed architecture recomputes');
    assert.deepEqual(cached.stats, { hits: 2, misses: 4 });
  });

  it('stores .npy files numpy reads, and a manifest with the spec', () => {
    const dir = join(root, 'c');
    const k = io.cachedKernel(dir, makeNet().kernel)(x, x2);
    const [entry] = readdirSync(dir);
    assert.match(entry, /^[0-9a-f]{64}$/);
    assert.deepEqual(readdirSync(join(dir, entry)).sort(), ['cov1.npy', 'cov2.npy', 'manifest.json', 'nngp.npy', 'ntk.npy']);
    // The whole Kernel comes back (cov1, cov2, x1IsX2), so a cached kernel can be continued.
    const again = io.cachedKernel(dir, makeNet().kernel)(x, x2);
    assert.equal(again.x1IsX2, false);
    assert.deepEqual(stax.relu().kernel(again).nngp.data, stax.relu().kernel(k).nngp.data);
    const manifest = JSON.parse(readFileSync(join(dir, entry, 'manifest.json'), 'utf8'));
    assert.equal(manifest.spec.type, 'serial');
    const [nngp] = runPython<{ values: number[] }[]>('npy_reference.py', { op: 'load', paths: [join(dir, entry, 'nngp.npy')] });
    assert.deepEqual(nngp.values, Array.from(k.nngp.data));
  });

  it('caches asynchronous batched kernels given the network as spec', async () => {
    const dir = join(root, 'd');
    const net = makeNet();
    let computed = 0;
    const batched = batch(net.kernel, {
      batchSize: 2,
      onProgress: () => {
        computed++;
      },
    });
    const cached = io.cachedKernel(dir, batched, { spec: net });
    const a = await cached(x, null, 'ntk');
    const tiles = computed;
    const b = await cached(x, null, 'ntk');
    assert.equal(computed, tiles, 'the second call computes no tile');
    assert.deepEqual(b.data, a.data);
    assert.deepEqual(a.data, net.kernel(x, null, 'ntk').data);
    assert.throws(
      () => io.cachedKernel(dir, batched),
      (e: Error) => e instanceof InputError && /carries no layer.*pass \{ spec: net \}/.test(e.message),
    );
  });

  it('leaves no temporary folder behind', () => {
    for (const d of readdirSync(root))
      assert.deepEqual(
        readdirSync(join(root, d)).filter((f) => f.startsWith('.')),
        [],
      );
    assert.ok(existsSync(root));
  });
});
