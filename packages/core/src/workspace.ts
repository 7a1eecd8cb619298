import { simdArena } from './simd/passes';

/**
 * Arrays reused across the runs of one computation that makes the same
 * sequence of large temporaries every time (the structured empirical NTK's
 * forward and backward passes). A fresh Float64Array of megabytes costs page
 * faults and zeroing when it is first written, and garbage collection later:
 * on a 2-core VM that was ~10% of the NTK's time. Layers ask {@link scratch}
 * for their outputs; outside a workspace that is a new array, inside one it
 * is the array the same step got last time.
 *
 * Arrays from {@link scratch} may hold stale values: a caller must write every
 * entry before reading it. And nothing may keep them beyond the computation
 * run by {@link Workspace.run}: its result must be built in arrays of its own,
 * and a cache that outlives it computes its arrays in {@link outsideWorkspace}.
 *
 * After a run that made new arrays, the kept ones are laid out again in one
 * WebAssembly memory (`simd/passes`, when SIMD runs here), so that from the
 * next run on the elementwise passes between BLAS products (activations and
 * their derivatives) run on SIMD in place, with nothing copied.
 */
export class Workspace {
  private readonly arrays: Float64Array[] = [];
  private next = 0;
  /** Whether the kept arrays have been laid out (in an arena, or found not to need one) since one was last made. */
  private packed = true;

  /**
   * @param retainBytes - arrays are kept between runs while they total at
   *   most this many bytes (default 64 MiB); above it they are dropped after
   *   each run, so a large computation does not hold its temporaries.
   */
  constructor(private readonly retainBytes = 64 * 2 ** 20) {}

  /** Runs `fn` with {@link scratch} drawing from this workspace, in the same order as last time. */
  run<T>(fn: () => T): T {
    const previous = active;
    active = (length) => this.take(length);
    this.next = 0;
    try {
      return fn();
    } finally {
      active = previous;
      this.arrays.length = Math.min(this.arrays.length, this.next);
      if (this.arrays.reduce((s, a) => s + a.byteLength, 0) > this.retainBytes) this.arrays.length = 0;
      else if (!this.packed) this.pack();
    }
  }

  /** Moves the kept arrays into one arena (their values are not kept: the next run writes before it reads). */
  private pack(): void {
    this.packed = true;
    const arena = simdArena(this.arrays.map((a) => a.length));
    if (arena !== null) this.arrays.splice(0, arena.length, ...arena);
  }

  /** The array of this step: last run's when the length matches, else a new one in its place. */
  take(length: number): Float64Array {
    const i = this.next++;
    const kept = this.arrays[i];
    if (kept !== undefined && kept.length === length) return kept;
    const fresh = new Float64Array(length);
    this.arrays[i] = fresh;
    this.packed = false;
    return fresh;
  }
}

/** The running workspace's {@link Workspace.take}, or null. */
let active: ((length: number) => Float64Array) | null = null;

/**
 * Runs `fn` with {@link scratch} giving new arrays, for work whose arrays are
 * kept beyond the running computation (a cache across calls).
 */
export function outsideWorkspace<T>(fn: () => T): T {
  const previous = active;
  active = null;
  try {
    return fn();
  } finally {
    active = previous;
  }
}

/**
 * An array of `length` for an intermediate result: from the running
 * {@link Workspace} (possibly holding stale values), or a new zeroed one.
 */
export function scratch(length: number): Float64Array {
  return active === null ? new Float64Array(length) : active(length);
}
