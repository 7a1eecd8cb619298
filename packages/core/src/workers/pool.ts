/**
 * The one pool of worker threads. Two kinds of work run on it:
 *
 * - **rows**: a kernel rule (or a run of deferred activation duals) splits the
 *   rows of a large kernel across cores and waits for them synchronously
 *   (Atomics.wait), so `layer.kernel()` stays an ordinary synchronous call;
 *   only idle workers take rows.
 * - **tiles**: `batch` hands out tiles of a kernel one at a time and awaits
 *   them, so the caller's event loop keeps running.
 *
 * Threads share inputs and outputs through SharedArrayBuffers and rebuild
 * layers from their specs; every entry is computed by the same code whichever
 * thread runs it, so results do not depend on the thread count.
 *
 * One rule decides what may run on a worker: a layer whose `impl.localOnly`
 * is set cannot be rebuilt from its spec there ({@link workerProblem}).
 * Work the user sends to workers explicitly (`batch({ workers })`) then fails
 * before it starts, with that reason; the automatic row splitting, an
 * optimisation the user never asked for, keeps such a layer on the calling
 * thread instead, which gives the same numbers.
 *
 * `TANGENT_LAB_THREADS` sets the number of threads rows are split across
 * (default: the cores available; 1 disables the splitting). A worker never
 * splits further: inside a worker the count is 1.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { isMainThread, Worker } from 'node:worker_threads';
import { InputError } from '../errors';
import { activeBackend } from '../linalg/backend';
import { zeroedFloat64 } from '../scratch-pool';
import type { Layer, LayerSpec } from '../stax/types';

export const THREADS_ENV = 'TANGENT_LAB_THREADS';

/** Below this many kernel entries a job is not worth splitting. */
export const MIN_PARALLEL_ENTRIES = 1 << 16;

let threads: number | undefined;

/** Threads a kernel rule may use, including the calling one (1 inside a worker). */
export function threadCount(): number {
  if (threads !== undefined) return threads;
  const env = process.env[THREADS_ENV];
  if (!isMainThread) {
    threads = 1;
  } else if (env !== undefined && env.trim() !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1) throw new InputError(`${THREADS_ENV}=${env}: use a positive integer (1 disables worker threads)`);
    threads = n;
  } else {
    threads = Math.max(1, availableParallelism());
  }
  return threads;
}

/** Threads for a kernel rule over `entries` entries: all of {@link threadCount} when that many are worth splitting, else 1. */
export function threadsFor(entries: number): number {
  const parts = threadCount();
  return parts > 1 && entries >= MIN_PARALLEL_ENTRIES ? parts : 1;
}

/** A Float64Array on shared memory when it is large enough to be split across threads. */
export function sharedFloat64(length: number): Float64Array {
  if (threadsFor(length) > 1) {
    return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
  }
  return zeroedFloat64(length);
}

export function isShared(a: Float64Array | null): boolean {
  return a === null || a.buffer instanceof SharedArrayBuffer;
}

/**
 * Why `layer` cannot run on worker threads, or undefined when it can: the
 * one rule every worker path applies.
 */
export function workerProblem(layer: Layer): string | undefined {
  return layer.impl.localOnly;
}

/** A task for the pool: rebuild the layer of `spec` (loading `modules` first) and run `kind` on it. */
export interface WorkerTask<K extends string, J> {
  kind: K;
  spec: LayerSpec;
  modules: readonly string[];
  job: J;
}

/** What a rows task adds: the row range and where to report (Int32 [finished, failed], then an error message). */
export interface RowsMessage<J> extends WorkerTask<'rows', J> {
  i0: number;
  i1: number;
  control: SharedArrayBuffer;
}

/**
 * Rows of deferred activation duals (`stax/deferred-duals`): the activations
 * are rebuilt from `specs`, in order, after loading `modules`.
 */
export interface DeferredTask<J> {
  kind: 'deferred';
  specs: readonly LayerSpec[];
  modules: readonly string[];
  job: J;
}

/** What a deferred task adds, as a rows task does. */
export interface DeferredMessage<J> extends DeferredTask<J> {
  i0: number;
  i1: number;
  control: SharedArrayBuffer;
}

/** A tile task's reply. */
export interface TileReply {
  ok: boolean;
  message?: string;
}

const WORKER_SCRIPT = join(__dirname, 'worker.js');
const CONTROL_BYTES = 8 + 1024;
const pool: Worker[] = [];
const busy = new Set<Worker>();

/**
 * Starts `n` pool threads ahead of their first task, so that their start-up
 * (a fresh V8 isolate loading this package, ~0.1–0.5 s) overlaps with the
 * caller's own preparations.
 */
export function warmUp(n: number): void {
  grow(n);
}

/** Worker threads started so far (diagnostics and tests). */
export function poolSize(): number {
  return pool.length;
}

function grow(n: number): void {
  while (pool.length < n) {
    const w = new Worker(WORKER_SCRIPT);
    // The pool must never keep a process (a script, a test, a notebook kernel) alive.
    w.unref();
    w.on('error', () => {
      const i = pool.indexOf(w);
      if (i >= 0) pool.splice(i, 1);
      busy.delete(w);
    });
    pool.push(w);
  }
}

/**
 * Runs `own(i0, i1)` for the first range on this thread and posts the other
 * ranges to idle pool workers (ranges no worker is free for run here too);
 * returns when all are done. A worker's error is rethrown here.
 */
export function runRows<J>(task: WorkerTask<'rows', J> | DeferredTask<J>, ranges: readonly [number, number][], own: (i0: number, i1: number) => void): void {
  grow(ranges.length - 1);
  const idle = pool.filter((w) => !busy.has(w)).slice(0, ranges.length - 1);
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const state = new Int32Array(control, 0, 2);
  const posted = ranges.slice(1, 1 + idle.length);
  idle.forEach((w, t) => {
    const message: RowsMessage<J> | DeferredMessage<J> = { ...task, i0: posted[t][0], i1: posted[t][1], control };
    w.postMessage(message);
  });
  const t0 = performance.now();
  own(ranges[0][0], ranges[0][1]);
  for (const [i0, i1] of ranges.slice(1 + idle.length)) own(i0, i1);
  // Workers do the same amount of work; allow generously for their start-up.
  const patience = Math.max(10 * (performance.now() - t0), 10_000);
  const deadline = performance.now() + patience;
  let finished: number;
  while ((finished = Atomics.load(state, 0)) < posted.length) {
    const left = deadline - performance.now();
    if (left <= 0) {
      throw new Error(`kernel worker threads did not finish within ${Math.round(patience)} ms; set ${THREADS_ENV}=1 to compute on one thread`);
    }
    Atomics.wait(state, 0, finished, left);
  }
  if (Atomics.load(state, 1) !== 0) {
    const bytes = new Uint8Array(control, 8);
    const end = bytes.indexOf(0);
    throw new Error(`a kernel worker thread failed: ${new TextDecoder().decode(bytes.slice(0, end < 0 ? bytes.length : end))}`);
  }
}

/** Reports a finished rows task (and, when given, an error) to the waiting thread. */
export function reportDone(control: SharedArrayBuffer, error?: string): void {
  const state = new Int32Array(control, 0, 2);
  if (error !== undefined) {
    const encoded = new TextEncoder().encode(error).slice(0, CONTROL_BYTES - 9);
    new Uint8Array(control, 8).set(encoded);
    Atomics.store(state, 1, 1);
  }
  Atomics.add(state, 0, 1);
  Atomics.notify(state, 0);
}

/** Tasks posted ahead to each worker: it starts the next as soon as it replies, without waiting for the reply's round trip. */
const IN_FLIGHT = 2;

/**
 * Runs `tasks` on `workers` pool threads, each taking the next task when it
 * finishes one (so uneven tasks balance themselves); `done(i)` is called
 * after task i. Each worker has up to IN_FLIGHT tasks posted, which it runs
 * in order, so it never idles while its reply travels and the next task is
 * posted (measured: 0.7–1 ms per tile). Resolves when all are done; rejects
 * on the first failure.
 */
export async function runTasks<J>(tasks: readonly WorkerTask<'tile', J>[], workers: number, done: (index: number) => void): Promise<void> {
  const count = Math.min(workers, tasks.length);
  grow(count);
  const chosen = pool.filter((w) => !busy.has(w)).slice(0, count);
  if (chosen.length < count) {
    grow(pool.length + count - chosen.length);
    chosen.push(...pool.filter((w) => !busy.has(w) && !chosen.includes(w)).slice(0, count - chosen.length));
  }
  let next = 0;
  let failure: unknown = null;
  // The workers are the parallelism: BLAS runs on one thread in each, and the
  // process-wide BLAS thread count stays at one while they work.
  const release = activeBackend().holdOneThread();
  const listeners: { w: Worker; message: (r: TileReply) => void; error: (e: Error) => void }[] = [];
  try {
    // Each worker settles once every task posted to it has returned, so that
    // after a failure no worker is left computing into the caller's buffers.
    const sends: (() => void)[] = [];
    const settled = Promise.all(
      chosen.map(
        (w) =>
          new Promise<void>((resolve) => {
            busy.add(w);
            w.ref();
            // The tasks posted to this worker and not yet replied to, in the order it runs them.
            const posted: number[] = [];
            const send = () => {
              if (failure === null && next < tasks.length) {
                posted.push(next);
                w.postMessage(tasks[next++]);
              }
            };
            const message = (reply: TileReply) => {
              const current = posted.shift() as number;
              if (!reply.ok) {
                failure ??= new Error(`a worker failed: ${reply.message}`);
              } else {
                try {
                  done(current);
                } catch (error) {
                  failure ??= error;
                }
              }
              send();
              if (posted.length === 0) resolve();
            };
            const error = (e: Error) => {
              failure ??= e;
              resolve();
            };
            listeners.push({ w, message, error });
            w.on('message', message);
            w.on('error', error);
            send();
            sends.push(send);
          }),
      ),
    );
    // The tasks posted ahead only once every worker has its first (count ≤ tasks.length), so that a job of as many tasks as workers runs on all of them.
    for (let k = 1; k < IN_FLIGHT; k++) for (const send of sends) send();
    await settled;
  } finally {
    release();
    for (const { w, message, error } of listeners) {
      w.off('message', message);
      w.off('error', error);
      w.unref();
      busy.delete(w);
    }
  }
  if (failure !== null) throw failure;
}

/**
 * Splits rows [0, n1) into `parts` ranges of about equal work; for a symmetric
 * kernel row i costs n2 − i entries (upper triangle only).
 */
export function balancedRanges(n1: number, n2: number, symmetric: boolean, parts: number): [number, number][] {
  const cost = (i: number) => (symmetric ? n2 - i : n2);
  let total = 0;
  for (let i = 0; i < n1; i++) total += cost(i);
  const ranges: [number, number][] = [];
  let start = 0;
  let acc = 0;
  for (let i = 0; i < n1 && ranges.length < parts - 1; i++) {
    acc += cost(i);
    if (acc >= (total * (ranges.length + 1)) / parts) {
      ranges.push([start, i + 1]);
      start = i + 1;
    }
  }
  ranges.push([start, n1]);
  return ranges.filter(([a, b]) => b > a);
}
