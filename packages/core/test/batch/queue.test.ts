import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { batch, stax } from '@tangent-lab/core';
import { inputs } from '../helpers/compare';

const BIN = join(__dirname, '..', '..', '..', '..', 'kernel-ext', 'bin', 'tangent-lab.mjs');
const redisServer = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
const children: ChildProcess[] = [];
const root = mkdtempSync(join(tmpdir(), 'tangent-queue-'));
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** A throw-away Redis on loopback: no persistence, gone with the test. */
async function startRedis(): Promise<string> {
  const port = await freePort();
  const redis = spawn(redisServer, ['--port', `${port}`, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', root], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(redis);
  await new Promise<void>((resolve, reject) => {
    let out = '';
    redis.stdout!.on('data', (d) => {
      out += d;
      if (/Ready to accept connections/.test(out)) resolve();
    });
    redis.on('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
  });
  return `redis://127.0.0.1:${port}`;
}

interface Worker {
  child: ChildProcess;
  lines: string[];
  exited: Promise<void>;
}

function startWorker(url: string, store: string, name: string): Worker {
  const child = spawn(process.execPath, [BIN, 'worker', '--queue', url, '--store', store, '--threads', '1', '--name', name, '--lock-duration', '1500'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: string[] = [];
  let buffered = '';
  child.stdout!.on('data', (d) => {
    buffered += d;
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.on('data', (d) => lines.push(`stderr: ${d}`));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, lines, exited };
}

const NET = stax.serial(
  stax.dense(32, { wStd: 1.5, bStd: 0.05 }),
  stax.elementwise((v: number) => Math.tanh(v), { degree: 24 }),
  stax.dense(32, { wStd: 1.5, bStd: 0.05 }),
  stax.relu(),
  stax.dense(1),
);

describe(
  'batch across machines: BullMQ on a local Redis, worker processes',
  { skip: redisServer === '' && "redis-server is not installed (npm test installs Debian's redis-server as root; apt-get install redis-server)" },
  () => {
    it('a worker killed mid-tile: its tile is retried by another, and the kernel equals the single-machine one bit for bit', { timeout: 240_000 }, async () => {
      const url = await startRedis();
      const store = join(root, 'kernel');
      const x = inputs(160, 6, 3);
      const name = `test-${process.pid}`;
      const workers = [0, 1, 2].map(() => startWorker(url, store, name));
      let killed: { tile: string; pid: number; filesAtKill: boolean } | undefined;
      const victim = workers[0];
      const watcher = setInterval(() => {
        const started = victim.lines.find((l) => /^tile \d+,\d+ started/.test(l));
        if (started && !killed) {
          const tile = /^tile (\d+,\d+)/.exec(started)![1];
          victim.child.kill('SIGKILL');
          const [r, c] = tile.split(',');
          killed = { tile, pid: victim.child.pid!, filesAtKill: existsSync(join(store, 'tiles', `ntk.${r}.${c}.npy`)) };
        }
      }, 5);
      const progress: number[] = [];
      const stored = await batch(NET.kernel, { batchSize: 40, store, queue: url, queueName: name, onProgress: (p) => progress.push(p.done) })(x);
      clearInterval(watcher);
      assert.ok(killed, 'the first worker never started a tile');
      assert.equal(killed.filesAtKill, false, 'the worker was killed after its tile was written, not mid-tile');
      await victim.exited;
      const others = workers.slice(1).flatMap((w) => w.lines);
      assert.ok(
        others.some((l) => l.startsWith(`tile ${killed!.tile} done on`)),
        `tile ${killed.tile} was not retried elsewhere:\n${others.join('\n')}`,
      );
      // 4 row blocks, symmetric: 10 tiles, each reported once.
      assert.deepEqual(
        progress,
        Array.from({ length: 10 }, (_, i) => i + 1),
      );
      const single = NET.kernel(x);
      assert.deepEqual(stored.nngp.toMatrix().data, single.nngp.data);
      assert.deepEqual(stored.ntk!.toMatrix().data, single.ntk!.data);
      for (const w of workers.slice(1)) w.child.kill('SIGTERM');
      await Promise.all(workers.slice(1).map((w) => w.exited));
    });

    it('the worker command explains bad arguments', () => {
      const r = spawnSync(process.execPath, [BIN, 'worker', '--store', root], { encoding: 'utf8' });
      assert.equal(r.status, 2);
      assert.match(r.stderr, /--queue is required/);
      const bad = spawnSync(process.execPath, [BIN, 'worker', '--queue', 'http://x', '--store', root], { encoding: 'utf8' });
      assert.notEqual(bad.status, 0);
      assert.match(bad.stderr, /queue must be a Redis URL like 'redis:\/\/host:6379'/);
    });
  },
);
