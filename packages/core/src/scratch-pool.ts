/**
 * Large temporaries lent from one call to the next: LAPACK's work arrays
 * (dsyevd's is 1 + 6n + 2n² doubles, 64 MB at n = 2000) and the n×n
 * intermediates of the predictors, which no result keeps.
 *
 * Why: a fresh Float64Array of megabytes is zero pages until first written,
 * and writing them costs a page fault per 4 KiB — on a 2-core VM measured at
 * 2–15 µs each, a quarter of a second for the ~160 MB that one
 * `gradientDescentMseEnsemble` benchmark run allocated (numpy reuses its
 * freed temporaries through malloc instead). Arrays given back here are lent
 * again to the next caller, already mapped.
 *
 * Lent arrays hold stale values: a borrower writes every entry it reads
 * ({@link zeroedFloat64} zeroes them). The
 * pool keeps at most {@link RETAIN_BYTES} and empties itself once nothing has
 * been borrowed for {@link IDLE_MS} (an unref'd timer, which never keeps a
 * process alive), so an idle notebook does not hold the memory of its last
 * large prediction. Each thread has its own pool.
 */

/** The most the pool keeps between calls (larger arrays are dropped when given back). */
export const RETAIN_BYTES = 512 * 2 ** 20;
/** Milliseconds without a borrow after which the pool lets its arrays go. */
export const IDLE_MS = 2000;

const free: Float64Array[] = [];
/** The whole array behind each lent view. */
const lent = new Map<ArrayBufferLike, Float64Array>();
let timer: ReturnType<typeof setTimeout> | undefined;

function armIdleRelease(): void {
  if (timer !== undefined) {
    timer.refresh();
    return;
  }
  timer = setTimeout(() => {
    releasePool();
    timer = undefined;
  }, IDLE_MS);
  timer.unref?.();
}

/**
 * `length` float64 values (stale, not zeroed) for a temporary that no
 * result keeps: the smallest free array that is large enough, else a new
 * one. Give it back with {@link giveBack} (or use {@link withScratch}).
 */
export function borrow(length: number): Float64Array {
  armIdleRelease();
  let best = -1;
  for (let i = 0; i < free.length; i++) {
    if (free[i].length >= length && (best < 0 || free[i].length < free[best].length)) best = i;
  }
  const whole = best >= 0 ? free.splice(best, 1)[0] : new Float64Array(length);
  const view = whole.length === length ? whole : whole.subarray(0, length);
  lent.set(view.buffer, whole);
  return view;
}

/** Returns an array from {@link borrow}; it must not be used afterwards. */
export function giveBack(a: Float64Array): void {
  const whole = lent.get(a.buffer);
  if (whole === undefined) throw new Error('scratch pool: giveBack of an array that was not borrowed (or was given back already)');
  lent.delete(a.buffer);
  if (pooledBytes() + whole.byteLength <= RETAIN_BYTES) free.push(whole);
  armIdleRelease();
}

/** Runs `fn` on a borrowed array of `length` values and gives it back, also when `fn` throws. */
export function withScratch<T>(length: number, fn: (a: Float64Array) => T): T {
  const a = borrow(length);
  try {
    return fn(a);
  } finally {
    giveBack(a);
  }
}

/** Arrays lent by {@link zeroedFloat64} while {@link lendingZeroed} runs on this thread, to give back at its end. */
let lending: Float64Array[] | null = null;

/**
 * A zeroed array of `length` (the kernels' fresh outputs): lent from the pool
 * while {@link lendingZeroed} runs on this thread, else a new one.
 */
export function zeroedFloat64(length: number): Float64Array {
  if (lending === null) return new Float64Array(length);
  const a = borrow(length);
  a.fill(0);
  lending.push(a);
  return a;
}

/**
 * Runs `compute` with its {@link zeroedFloat64} arrays lent, then `use` on its
 * value, then gives every lent array back: for work whose arrays nothing
 * keeps once `use` has read them — a tile of a kernel, copied into the whole
 * kernel or a file. Worker threads collect garbage rarely, so without this
 * each tile's arrays were fresh memory, faulted in page by page.
 */
export function lendingZeroed<T>(compute: () => T, use: (value: T) => void): void {
  const outer = lending;
  const mine: Float64Array[] = [];
  lending = mine;
  try {
    const value = compute();
    lending = outer;
    use(value);
  } finally {
    lending = outer;
    for (const a of mine) giveBack(a);
  }
}

/** Lets go of every array the pool keeps now, rather than after {@link IDLE_MS}. */
export function releasePool(): void {
  free.length = 0;
}

/** Arrays the pool keeps now, in bytes (tests, diagnostics). */
export function pooledBytes(): number {
  return free.reduce((s, a) => s + a.byteLength, 0);
}
