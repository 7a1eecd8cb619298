/** Where a batched kernel computation stands, reported after every tile. */
export interface BatchProgress {
  /** Tiles finished, including those found already finished in a store. */
  done: number;
  /** Tiles in the kernel (for a symmetric kernel, those on or above the diagonal). */
  total: number;
  /** Tiles that were already in the store when this run started (resumed work). */
  skipped: number;
  /** Seconds since this run started. */
  elapsed: number;
  /**
   * Estimated seconds to go, from this run's rate so far (tiles are weighted
   * by their size); undefined until the first tile of this run is finished.
   */
  eta: number | undefined;
}

/** Called after each tile. */
export type ProgressFn = (progress: BatchProgress) => void;

/** Counts finished tiles of known sizes and estimates the time left. */
export class ProgressTracker {
  private done: number;
  private workDone = 0;
  private readonly start = performance.now();

  constructor(
    private readonly total: number,
    private readonly skipped: number,
    private readonly workLeft: number,
    private readonly onProgress: ProgressFn | undefined,
  ) {
    this.done = skipped;
  }

  /** Records a finished tile of `work` (its size) and reports. */
  tick(work: number): void {
    this.done++;
    this.workDone += work;
    const elapsed = (performance.now() - this.start) / 1000;
    const eta = this.workDone > 0 ? (elapsed * Math.max(0, this.workLeft - this.workDone)) / this.workDone : undefined;
    this.onProgress?.({ done: this.done, total: this.total, skipped: this.skipped, elapsed, eta });
  }
}

function seconds(s: number): string {
  if (s < 90) return `${s.toFixed(1)} s`;
  if (s < 5400) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** One line of progress, e.g. `tiles 12/55 (21.8 %), 3.1 s elapsed, ETA 10.4 s`. */
export function formatProgress(p: BatchProgress): string {
  const pct = p.total === 0 ? 100 : (100 * p.done) / p.total;
  const resumed = p.skipped > 0 ? `, ${p.skipped} from the store` : '';
  const eta = p.eta === undefined ? '' : `, ETA ${seconds(p.eta)}`;
  return `tiles ${p.done}/${p.total} (${pct.toFixed(1)} %${resumed}), ${seconds(p.elapsed)} elapsed${eta}`;
}

/**
 * A ready-made `onProgress` that prints {@link formatProgress} to stderr.
 *
 * @example
 * ```ts
 * await batch(net.kernel, { batchSize: 500, workers: 2, onProgress: logProgress })(x);
 * ```
 */
export function logProgress(p: BatchProgress): void {
  process.stderr.write(`batch: ${formatProgress(p)}\n`);
}
