import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { batch, empirical, InputError, KernelStore, predict, predictStored, random, stax, type BatchProgress, type StoreManifest } from '@tangent-lab/core';
import { inputs } from '../helpers/compare';

const root = mkdtempSync(join(tmpdir(), 'tangent-store-'));
after(() => rmSync(root, { recursive: true, force: true }));

const NET = `stax.serial(stax.dense(64, { wStd: 1.5, bStd: 0.05 }), stax.erf(), stax.dense(64, { wStd: Math.SQRT2, bStd: 0.1 }), stax.relu(),
  stax.dense(64, { wStd: Math.SQRT2, bStd: 0.1 }), stax.relu(), stax.dense(1))`;
// eslint-disable-next-line no-new-func
const net = new Function('stax', `return ${NET}`)(stax) as ReturnType<typeof stax.serial>;
const x1 = inputs(45, 5, 1);
const x2 = inputs(31, 5, 2);

describe('batch with a store: the kernel on disk, tile by tile', () => {
  it('reads back rows, blocks across tiles and below the diagonal, equal to the unbatched kernel bit for bit (0 and 2 workers)', async () => {
    for (const workers of [0, 2]) {
      for (const b of [x2, null]) {
        const dir = join(root, `k-${workers}-${b ? 'x2' : 'sym'}`);
        const stored = await batch(net.kernel, { batchSize: 8, workers, store: dir })(x1, b);
        const expected = net.kernel(x1, b);
        const cols = b ? b.length : x1.length;
        for (const name of ['nngp', 'ntk'] as const) {
          const reader = stored[name]!;
          assert.deepEqual([reader.rows, reader.cols], [45, cols]);
          assert.deepEqual(reader.toMatrix().data, expected[name]!.data, `${name}, ${workers} workers, whole`);
          const block = reader.readBlock(13, 40, 3, 29);
          for (let i = 13; i < 40; i++) {
            for (let j = 3; j < 29; j++) assert.equal(block.get(i - 13, j - 3), expected[name]!.get(i, j), `${name}[${i}, ${j}]`);
          }
          assert.deepEqual(reader.readRows(44, 45).data, expected[name]!.sliceRows(44, 45).data);
          assert.equal(reader.get(30, 2), expected[name]!.get(30, 2));
        }
        const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as StoreManifest;
        assert.deepEqual(manifest.kernel, { kind: 'stax', name: net.name, spec: net.spec });
        assert.deepEqual(manifest.grid, { n1: 45, n2: cols, batchSize: 8, symmetric: b === null });
        assert.deepEqual(manifest.inputs.x1.shape, [45, 5]);
        assert.match(manifest.inputs.x1.sha256, /^[0-9a-f]{64}$/);
        // ⌈45/8⌉ = 6 row blocks; x2: 4 column blocks → 24 tiles; symmetric: 6·7/2 = 21.
        assert.equal(readdirSync(join(dir, 'tiles')).filter((f) => f.endsWith('.npy')).length, 2 * (b ? 24 : 21));
      }
    }
  });

  it('get picks the stored kernels; a rerun finds the kernel finished and computes nothing', async () => {
    const dir = join(root, 'nngp-only');
    const nngp = await batch(net.kernel, { batchSize: 16, store: dir })(x1, x2, 'nngp');
    assert.deepEqual(nngp.toMatrix().data, net.kernel(x1, x2, 'nngp').data);
    const seen: BatchProgress[] = [];
    await batch(net.kernel, { batchSize: 16, store: dir, onProgress: (p) => seen.push(p) })(x1, x2, 'nngp');
    assert.deepEqual(seen, []);
    assert.deepEqual(KernelStore.open(dir).missing(), []);
  });

  it('refuses a store that holds another kernel, and says which part differs', async () => {
    const dir = join(root, 'other');
    await batch(net.kernel, { batchSize: 16, store: dir })(x1, x2);
    await assert.rejects(
      batch(net.kernel, { batchSize: 16, store: dir })(x2, x1),
      (e: Error) => e instanceof InputError && /holds other inputs/.test(e.message),
    );
    await assert.rejects(batch(net.kernel, { batchSize: 8, store: dir })(x1, x2), /holds another tile grid/);
    const other = stax.serial(stax.dense(8), stax.relu(), stax.dense(1));
    await assert.rejects(batch(other.kernel, { batchSize: 16, store: dir })(x1, x2), /holds another kernel function/);
  });

  it('a reader names missing tiles; toMatrix refuses what would not fit, before reading', async () => {
    const dir = join(root, 'holes');
    const stored = await batch(net.kernel, { batchSize: 16, store: dir })(x1, x2);
    unlinkSync(join(dir, 'tiles', 'ntk.1.0.npy'));
    assert.throws(() => stored.ntk!.readRows(16, 20), /tile \(1, 0\) is not in .* 1 of 6 tiles are missing; rerun the same batch/);
    assert.deepEqual(stored.ntk!.readBlock(0, 16, 0, 31).data, net.kernel(x1, x2, 'ntk').sliceRows(0, 16).data);
    assert.throws(() => stored.nngp.toMatrix({ maxBytes: 1000 }), /takes 0\.00 GiB, more than maxBytes .* read it in pieces with readRows/);
    assert.throws(() => stored.nngp.readBlock(0, 46, 0, 1), /outside the 45×31 kernel/);
  });

  it('resumes after the process was killed mid-run: only the missing tiles are computed', async () => {
    const dir = join(root, 'killed');
    const x = inputs(150, 5, 7);
    const script = `
      const { stax, batch } = require('@tangent-lab/core');
      const net = ${NET};
      batch(net.kernel, { batchSize: 10, store: ${JSON.stringify(dir)}, onProgress: (p) => console.log('done', p.done) })(${JSON.stringify(x)});`;
    const child = spawn(process.execPath, ['-e', script], { cwd: __dirname, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        if (/done 20\b/.test(d.toString())) child.kill('SIGKILL');
      });
      child.on('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child ended with ${code}: ${stderr}`))));
    });
    const total = (15 * 16) / 2;
    const mtimes = (f: string) => statSync(join(dir, 'tiles', f)).mtimeMs;
    const done = [...KernelStore.open(dir).finished()];
    const before = new Map(done.flatMap((t) => [`nngp.${t}.npy`, `ntk.${t}.npy`]).map((f) => [f, mtimes(f)]));
    const finished = done.length;
    assert.ok(finished >= 20 && finished < total, `${finished} tiles finished when the child was killed`);
    const seen: BatchProgress[] = [];
    const stored = await batch(net.kernel, { batchSize: 10, store: dir, onProgress: (p) => seen.push(p) })(x);
    assert.equal(seen.length, total - finished, 'one progress report per computed tile');
    assert.ok(seen.every((p) => p.skipped === finished && p.total === total));
    assert.equal(seen.at(-1)!.done, total);
    for (const [f, mtime] of before) assert.equal(mtimes(f), mtime, `${f} was finished before the kill and must not be recomputed`);
    const expected = net.kernel(x);
    assert.deepEqual(stored.nngp.toMatrix().data, expected.nngp.data);
    assert.deepEqual(stored.ntk!.toMatrix().data, expected.ntk!.data);
  });

  it('stores any kernel function: an empirical NTK with its params, identified by source and argument hashes', async () => {
    const dir = join(root, 'empirical');
    const fn = empirical.ntkFn(net.apply);
    const { params } = net.init(random.key(4), 5);
    const stored = await batch(fn, { batchSize: 16, store: dir })(x1, null, params);
    const expected = fn(x1, null, params);
    const got = stored.toMatrix();
    for (let i = 0; i < got.data.length; i++) assert.ok(Math.abs(got.data[i] - expected.data[i]) <= 1e-12 * Math.abs(expected.data[i]) + 1e-15);
    const manifest = KernelStore.open(dir).manifest;
    assert.equal(manifest.kernel.kind, 'function');
    assert.deepEqual(manifest.outputs, ['kernel']);
    const other = net.init(random.key(5), 5).params;
    await assert.rejects(batch(fn, { batchSize: 16, store: dir })(x1, null, other), /holds another kernel function/);
  });

  it('predictStored: train–train in memory, test rows streamed from the store, equals the in-memory prediction', async () => {
    const xTrain = inputs(40, 5, 21);
    const xTest = inputs(27, 5, 22);
    const yTrain = inputs(40, 2, 23);
    const train = await batch(net.kernel, { batchSize: 16, store: join(root, 'train') })(xTrain, null, 'ntk');
    const testTrain = await batch(net.kernel, { batchSize: 16, store: join(root, 'test') })(xTest, xTrain, 'ntk');
    const fn = predict.gradientDescentMse(train.toMatrix(), yTrain, { diagReg: 1e-4 });
    const rowsSeen: number[] = [];
    const streamed = predictStored(
      testTrain,
      (k, { i0 }) => {
        rowsSeen.push(i0);
        return fn(3, null, null, k).test!;
      },
      { rowsPerBlock: 10 },
    );
    assert.deepEqual(rowsSeen, [0, 10, 20]);
    const direct = fn(3, null, null, net.kernel(xTest, xTrain, 'ntk')).test!;
    assert.deepEqual([streamed.rows, streamed.cols], [27, 2]);
    for (let i = 0; i < direct.data.length; i++) assert.ok(Math.abs(streamed.data[i] - direct.data[i]) <= 1e-12 * Math.max(1, Math.abs(direct.data[i])));
  });
});
