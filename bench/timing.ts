/** What every benchmark shares: the best wall time of repeated runs, and reproducible Gaussian data. */

/** The best (smallest) wall time of `repeats` runs of `fn`, in seconds. */
export async function best(repeats: number, fn: () => unknown | Promise<unknown>): Promise<number> {
  let t = Infinity;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await fn();
    t = Math.min(t, (performance.now() - t0) / 1000);
  }
  return t;
}

/** `size` standard normal draws: Box–Muller from a fixed LCG, the same kind of data as the numpy baselines. */
export function gaussian(size: number, seed: number): Float64Array {
  let s = seed;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  return Float64Array.from({ length: size }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}

/** n rows of d standard normal draws (see {@link gaussian}). */
export function gaussianRows(n: number, d: number, seed: number): number[][] {
  const flat = gaussian(n * d, seed);
  return Array.from({ length: n }, (_, i) => Array.from(flat.subarray(i * d, (i + 1) * d)));
}
