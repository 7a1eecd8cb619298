/**
 * Tiles across machines on BullMQ (a maintained Redis job queue): `batch`
 * puts one job per missing tile on the queue; `tangent-lab worker` processes
 * on any number of machines take jobs, compute the tile on their own worker
 * threads and write it into the shared store. A worker that dies mid-tile
 * stops renewing its job's lock; after `lockDuration` BullMQ hands the job to
 * another worker. Tiles are written atomically and computed by the same code
 * everywhere, so a tile computed twice is written twice with the same bytes.
 *
 * BullMQ and ioredis are loaded only when a queue is used.
 */
import { availableParallelism, hostname } from 'node:os';
import { join } from 'node:path';
import { existsSync, readdirSync } from 'node:fs';
import { InputError } from '../errors';
import { fromSpec } from '../stax/registry';
import { specModules } from '../stax/registry';
import type { Layer } from '../stax/types';
import { runTasks, type WorkerTask } from '../workers/pool';
import { KernelStore, MANIFEST } from './store';
import type { TileJob } from './tile-job';
import { batchShape, type Examples } from '../examples';
import type { SharedBatch, Tile } from './tiles';

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
type Bull = typeof import('bullmq');

function load(): { bull: Bull; Redis: any } {
  try {
    return { bull: require('bullmq') as Bull, Redis: require('ioredis') };
  } catch (error) {
    throw new InputError(`batch: the queue needs the npm packages bullmq and ioredis (${(error as Error).message})`);
  }
}

/** Validates a queue URL before any work starts. */
export function checkQueueUrl(where: string, url: unknown): void {
  if (typeof url !== 'string' || !/^rediss?:\/\/[^\s]+$/.test(url)) {
    throw new InputError(`${where}: queue must be a Redis URL like 'redis://host:6379', got ${JSON.stringify(url)}`);
  }
}

function connect(Redis: any, url: string): any {
  // BullMQ needs maxRetriesPerRequest: null for its blocking commands.
  return new Redis(url, { maxRetriesPerRequest: null });
}

/** What one queue job carries: the store's id (so a worker finds the store) and the tile. */
interface TileJobData {
  store: string;
  dir: string;
  tile: Tile;
}

function jobId(storeId: string, tile: Tile): string {
  return `${storeId}-${tile.r}-${tile.c}`;
}

/**
 * Enqueues `tiles` of `store` and resolves once every tile is in the store.
 * Progress comes from the queue's completion events, and the store itself is
 * checked every few seconds (it is the truth: a tile counts once its files
 * are there). Rejects when a tile fails on every attempt.
 */
export async function computeOnQueue(
  store: KernelStore,
  tiles: readonly Tile[],
  queue: { url: string; name: string },
  onTile: (tile: Tile) => void,
): Promise<void> {
  if (tiles.length === 0) return;
  const { bull, Redis } = load();
  const connection = connect(Redis, queue.url);
  const eventsConnection = connect(Redis, queue.url);
  const q = new bull.Queue(queue.name, { connection });
  const events = new bull.QueueEvents(queue.name, { connection: eventsConnection });
  const pending = new Map(tiles.map((t) => [jobId(store.manifest.id, t), t]));
  let timer: NodeJS.Timeout | undefined;
  try {
    await events.waitUntilReady();
    await new Promise<void>((resolve, reject) => {
      const finish = (id: string) => {
        const tile = pending.get(id);
        if (!tile) return;
        pending.delete(id);
        try {
          onTile(tile);
        } catch (error) {
          reject(error);
          return;
        }
        if (pending.size === 0) resolve();
      };
      events.on('completed', ({ jobId: id }) => finish(id));
      events.on('failed', ({ jobId: id, failedReason }) => {
        if (pending.has(id)) reject(new Error(`batch: tile job ${id} failed on every attempt: ${failedReason}`));
      });
      timer = setInterval(() => {
        const done = store.finished();
        for (const [id, t] of pending) if (done.has(`${t.r}.${t.c}`)) finish(id);
      }, 3000);
      (async () => {
        // A job left failed by an earlier run keeps its id: remove it so the tile is queued again.
        for (const id of pending.keys()) {
          const old = await q.getJob(id);
          if (old && (await old.isFailed())) await old.remove();
        }
        await q.addBulk(
          [...pending].map(([id, tile]) => ({
            name: 'tile',
            data: { store: store.manifest.id, dir: store.dir, tile } satisfies TileJobData,
            opts: { jobId: id, attempts: 5, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: true, removeOnFail: false },
          })),
        );
      })().catch(reject);
    });
  } finally {
    if (timer) clearInterval(timer);
    await events.close();
    await q.close();
    connection.disconnect();
    eventsConnection.disconnect();
  }
}

export interface QueueWorkerOptions {
  /** The Redis URL, e.g. `redis://queue-host:6379`. */
  queue: string;
  /**
   * This machine's path to the shared store: the store itself, or a folder
   * holding stores in subfolders (found by the id each job carries).
   */
  store: string;
  /** Tiles computed at once, each on its own thread (default: the cores). */
  threads?: number;
  /** The queue's name (default `'tangent-lab-tiles'`, as in `batch`). */
  name?: string;
  /** Milliseconds without a lock renewal after which a job is given to another worker (default 30000). */
  lockDuration?: number;
  /** Called with one line per event (tile started, done, failed); default: none. */
  log?: (line: string) => void;
}

/** A running queue worker. */
export interface QueueWorker {
  /** Stops taking jobs, waits for the tiles in progress, disconnects. */
  close(): Promise<void>;
}

interface LoadedStore {
  store: KernelStore;
  layer: Layer;
  x1: SharedBatch;
  x2: SharedBatch;
}

function shared(m: Examples): SharedBatch {
  const buffer = new SharedArrayBuffer(m.data.byteLength);
  new Float64Array(buffer).set(m.data);
  return { shape: batchShape(m), buffer };
}

/** The store with `id` under `root`: root itself or one of its subfolders. */
function findStore(root: string, id: string): KernelStore {
  const candidates = [
    root,
    ...(existsSync(root)
      ? readdirSync(root, { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => join(root, e.name))
      : []),
  ];
  for (const dir of candidates) {
    if (!existsSync(join(dir, MANIFEST))) continue;
    const store = KernelStore.open(dir);
    if (store.manifest.id === id) return store;
  }
  throw new Error(`no kernel store with id ${id} in ${root} or its subfolders (is the shared store mounted here?)`);
}

/**
 * Takes tile jobs from the queue and writes the tiles into the shared store,
 * until closed — what `tangent-lab worker --queue URL --store DIR` runs.
 * Each tile is computed on a pool thread, so this thread stays free to renew
 * the job's lock with Redis however long the tile takes.
 */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<QueueWorker> {
  const { queue, store: root, threads = availableParallelism(), name = 'tangent-lab-tiles', lockDuration = 30_000, log = () => {} } = options;
  checkQueueUrl('tangent-lab worker', queue);
  if (!Number.isInteger(threads) || threads < 1) throw new InputError(`tangent-lab worker: threads must be a positive integer, got ${threads}`);
  if (!Number.isInteger(lockDuration) || lockDuration < 100)
    throw new InputError(`tangent-lab worker: lockDuration must be an integer number of milliseconds ≥ 100, got ${lockDuration}`);
  const { bull, Redis } = load();
  const stores = new Map<string, LoadedStore>();
  const open = (id: string): LoadedStore => {
    let s = stores.get(id);
    if (!s) {
      const store = findStore(root, id);
      if (store.manifest.kernel.kind !== 'stax') throw new Error(`store ${store.dir} holds a kernel that is not an analytic stax kernel`);
      const { x1, x2 } = store.inputs();
      const a = shared(x1);
      s = { store, layer: fromSpec(store.manifest.kernel.spec), x1: a, x2: store.manifest.inputs.x2 ? shared(x2) : a };
      stores.set(id, s);
    }
    return s;
  };
  const me = `${hostname()}:${process.pid}`;
  const connection = connect(Redis, queue);
  const worker = new bull.Worker<TileJobData>(
    name,
    async (job) => {
      const { store: id, tile } = job.data;
      const s = open(id);
      if (s.store.finished().has(`${tile.r}.${tile.c}`)) {
        log(`tile ${tile.r},${tile.c} already in the store`);
        return 'present';
      }
      log(`tile ${tile.r},${tile.c} started on ${me}`);
      const t0 = performance.now();
      const { grid } = s.store.manifest;
      const task: WorkerTask<'tile', TileJob> = {
        kind: 'tile',
        spec: s.layer.spec,
        modules: [...specModules(s.layer.spec)],
        job: {
          x1: s.x1,
          x2: s.x2,
          symmetric: grid.symmetric,
          get: s.store.manifest.outputs as TileJob['get'],
          tile,
          sink: { kind: 'store', dir: s.store.dir },
        },
      };
      await runTasks([task], 1, () => {});
      log(`tile ${tile.r},${tile.c} done on ${me} in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
      return 'computed';
    },
    { connection, concurrency: threads, lockDuration, stalledInterval: lockDuration, maxStalledCount: 5 },
  );
  worker.on('failed', (job, error) => log(`tile job ${job?.id} failed on ${me}: ${error.message}`));
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
