/**
 * Where a computation's time goes between BLAS and everything else: every
 * level-3 call it makes (routine and shape, seconds), and what OpenBLAS
 * reaches on exactly those products when each runs alone on preallocated
 * arrays — the ceiling for that computation if nothing but BLAS took time.
 */
import type { LinalgBackend } from '@tangent-lab/core/internal/linalg/backend-interface';
import { activeBackend } from '@tangent-lab/core/internal/linalg/backend';
import { gaussian } from './timing';

/** One BLAS product: the routine, its shape and the floating-point operations it performs. */
export interface BlasProduct {
  /** `gemm NT 256×1024×1024` or `syrkUpper 256×1024` (n×k). */
  label: string;
  flops: number;
  /** Runs the same product again on arrays of the right sizes. */
  replay(): () => void;
}

const SYMMETRIC = new Set(['syrk', 'syrkUpper', 'syrkUpdate']);

/** The product a backend call performs; null for routines that are not products (LAPACK, threads). */
function productOf(backend: LinalgBackend, routine: string, args: unknown[]): BlasProduct | null {
  if (routine === 'gemm') {
    const [transA, transB, m, n, k] = args as [boolean, boolean, number, number, number];
    return {
      label: `gemm ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} ${m}×${n}×${k}`,
      flops: 2 * m * n * k,
      replay: () => {
        const a = gaussian(m * k, 1);
        const b = gaussian(k * n, 2);
        const c = new Float64Array(m * n);
        return () => backend.gemm(transA, transB, m, n, k, 1, a, b, 0, c);
      },
    };
  }
  if (SYMMETRIC.has(routine)) {
    // dsyrk computes one triangle: n(n+1)/2 entries of 2k operations each.
    const [n, k] = args as [number, number];
    return {
      label: `${routine} ${n}×${k}`,
      flops: n * (n + 1) * k,
      replay: () => {
        const a = gaussian(n * k, 1);
        const c = new Float64Array(n * n);
        return routine === 'syrkUpdate' ? () => backend.syrkUpdate(n, k, 1, a, 0, c) : () => backend[routine as 'syrk' | 'syrkUpper'](n, k, a, c);
      },
    };
  }
  return null;
}

/** One traced run: each BLAS call with its seconds, and the run's wall time. */
export interface Trace {
  calls: { product: BlasProduct; seconds: number }[];
  total: number;
}

/** Runs `fn` once with every backend routine timed (the products among them recorded). */
export function trace(fn: () => unknown): Trace {
  const backend = activeBackend();
  const calls: Trace['calls'] = [];
  const saved = new Map<string, unknown>();
  const table = backend as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const [name, routine] of Object.entries(backend)) {
    if (typeof routine !== 'function' || name === 'info' || name === 'holdOneThread') continue;
    saved.set(name, routine);
    table[name] = (...args: unknown[]) => {
      const t0 = performance.now();
      const value = routine.apply(backend, args);
      const seconds = (performance.now() - t0) / 1000;
      const product = productOf(backend, name, args);
      if (product) calls.push({ product, seconds });
      return value;
    };
  }
  const t0 = performance.now();
  try {
    fn();
  } finally {
    for (const [name, routine] of saved) table[name] = routine as (...args: unknown[]) => unknown;
  }
  return { calls, total: (performance.now() - t0) / 1000 };
}

/** A product with how often a run makes it and its best time inside the run and alone. */
export interface ProductTime {
  label: string;
  count: number;
  flops: number;
  /** Seconds of all its calls in one run: each call's best over the traced runs, summed. */
  inRun: number;
  /** Best seconds of one call run alone on preallocated arrays. */
  alone: number;
}

/**
 * Traces `runs` runs of `fn` (same call sequence each time) and replays each
 * distinct product alone `repeats` times. Returns the products, the best wall
 * time of a traced run and the sum of the per-call best times.
 */
export function breakdown(fn: () => unknown, runs: number, repeats: number): { products: ProductTime[]; total: number; blas: number } {
  const traces = Array.from({ length: runs }, () => trace(fn));
  const first = traces[0].calls;
  const byLabel = new Map<string, ProductTime>();
  let blas = 0;
  first.forEach(({ product }, i) => {
    const best = Math.min(...traces.map((t) => t.calls[i].seconds));
    blas += best;
    const entry = byLabel.get(product.label);
    if (entry) {
      entry.count++;
      entry.inRun += best;
      return;
    }
    const run = product.replay();
    run();
    let alone = Infinity;
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      run();
      alone = Math.min(alone, (performance.now() - t0) / 1000);
    }
    byLabel.set(product.label, { label: product.label, count: 1, flops: product.flops, inRun: best, alone });
  });
  return { products: [...byLabel.values()], total: Math.min(...traces.map((t) => t.total)), blas };
}
