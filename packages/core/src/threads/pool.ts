/**
 * A small pool of worker threads that splits the rows of a kernel rule across
 * cores and waits for them synchronously (Atomics.wait), so `layer.kernel()`
 * stays an ordinary synchronous call. Threads share the kernel arrays through
 * SharedArrayBuffers; every entry is computed by the same code whichever thread
 * runs it, so results do not depend on the thread count.
 *
 * `TANGENT_LAB_THREADS` sets the number of threads (default: the cores
 * available; 1 disables the pool).
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { InputError } from '../errors';

export const THREADS_ENV = 'TANGENT_LAB_THREADS';

/** Below this many kernel entries a job is not worth splitting. */
export const MIN_PARALLEL_ENTRIES = 1 << 16;

let threads: number | undefined;

/** Threads a kernel rule may use, including the calling one. */
export function threadCount(): number {
  if (threads !== undefined) return threads;
  const env = process.env[THREADS_ENV];
  if (env !== undefined && env.trim() !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1) throw new InputError(`${THREADS_ENV}=${env}: use a positive integer (1 disables worker threads)`);
    threads = n;
  } else {
    threads = Math.max(1, availableParallelism());
  }
  return threads;
}

/** A Float64Array on shared memory when it is large enough to be split across threads. */
export function sharedFloat64(length: number): Float64Array {
  if (threadCount() > 1 && length >= MIN_PARALLEL_ENTRIES) {
    return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
  }
  return new Float64Array(length);
}

/** Worker threads started so far (diagnostics and tests). */
export function poolSize(): number {
  return pool.length;
}

export function isShared(a: Float64Array | null): boolean {
  return a === null || a.buffer instanceof SharedArrayBuffer;
}

/** What a worker is sent: a job description plus the row range it computes. */
export interface RowTask<J> {
  job: J;
  i0: number;
  i1: number;
  /** Int32 [finished, failed]; then UTF-8 bytes of an error message. */
  control: SharedArrayBuffer;
}

const WORKER_SCRIPT = join(__dirname, 'worker.js');
const CONTROL_BYTES = 8 + 1024;
const pool: Worker[] = [];

function workers(n: number): Worker[] {
  while (pool.length < n) {
    const w = new Worker(WORKER_SCRIPT);
    // The pool must never keep a process (a script, a test, a notebook kernel) alive.
    w.unref();
    pool.push(w);
  }
  return pool.slice(0, n);
}

/**
 * Runs `own(i0, i1)` for the first range on this thread and posts the other
 * ranges, with `job`, to pool workers; returns when all are done. A worker's
 * error is rethrown here.
 */
export function runRows<J>(job: J, ranges: readonly [number, number][], own: (i0: number, i1: number) => void): void {
  const control = new SharedArrayBuffer(CONTROL_BYTES);
  const state = new Int32Array(control, 0, 2);
  const others = ranges.slice(1);
  workers(others.length).forEach((w, t) => {
    const task: RowTask<J> = { job, i0: others[t][0], i1: others[t][1], control };
    w.postMessage(task);
  });
  const t0 = performance.now();
  own(ranges[0][0], ranges[0][1]);
  // Workers do the same amount of work; allow generously for their start-up.
  const patience = Math.max(10 * (performance.now() - t0), 10_000);
  const deadline = performance.now() + patience;
  let finished: number;
  while ((finished = Atomics.load(state, 0)) < others.length) {
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

/** Reports a finished task (and, when given, an error) to the waiting thread. */
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
