import type { LinalgBackend } from './backend-interface';
import { activeBackend, withBackend } from './backend';

/** Where the time of a computation went. */
export interface LinalgProfile<T> {
  /** What `fn` returned. */
  value: T;
  /** Wall time of the whole call, in seconds. */
  total: number;
  /** Seconds inside each backend routine (`gemm`, `syevd`, `syrkUpdate`, …), summed over calls. */
  seconds: Record<string, number>;
  /** Calls of each routine. */
  calls: Record<string, number>;
}

/**
 * Runs `fn` and measures the time spent in each linear-algebra routine
 * (BLAS/LAPACK or the TypeScript fallback); `total` minus their sum is the
 * time spent elsewhere (TypeScript loops, allocation, kernel functions).
 * Synchronous work only.
 *
 * @example
 * ```ts
 * const { value, seconds, total } = linalg.profile(() => linalg.eigh([[2, 1], [1, 2]]));
 * seconds.syevd <= total; // true
 * ```
 */
export function profile<T>(fn: () => T): LinalgProfile<T> {
  const base = activeBackend();
  const seconds: Record<string, number> = {};
  const calls: Record<string, number> = {};
  const timed = { ...base } as Record<string, unknown>;
  for (const [name, routine] of Object.entries(base)) {
    if (typeof routine !== 'function' || name === 'info') continue;
    timed[name] = (...args: unknown[]) => {
      const start = performance.now();
      try {
        return (routine as (...a: unknown[]) => unknown).apply(base, args);
      } finally {
        seconds[name] = (seconds[name] ?? 0) + (performance.now() - start) / 1000;
        calls[name] = (calls[name] ?? 0) + 1;
      }
    };
  }
  const start = performance.now();
  const value = withBackend(timed as unknown as LinalgBackend, fn);
  return { value, total: (performance.now() - start) / 1000, seconds, calls };
}
