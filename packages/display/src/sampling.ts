import { InputError } from './errors';

/**
 * Draws from 𝒩(mean, cov) for plotting GP samples: `z ~ 𝒩(0, I)` from a
 * seeded generator, `mean + L z` with `L` the Cholesky factor of `cov`.
 * Posterior covariances are often singular (zero variance at training points),
 * so a small relative jitter is added on the diagonal when the plain factor
 * fails — only as much as needed, and at most 1e-6 of the mean variance.
 */

/** `count` standard normal vectors of length `n` from seed `seed` (mulberry32 + Box–Muller). */
export function standardNormals(count: number, n: number, seed: number): number[][] {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let r = Math.imul(state ^ (state >>> 15), 1 | state);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, () =>
    Array.from({ length: n }, () => {
      const u = 1 - uniform();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
    }),
  );
}

/** `mean + L z` for each `z`, where `L Lᵀ = cov` (+ jitter if needed). */
export function correlate(mean: number[], cov: number[][], zs: number[][], where: string): number[][] {
  const L = choleskyWithJitter(cov, where);
  return zs.map((z) =>
    mean.map((m, i) => {
      let s = m;
      for (let k = 0; k <= i; k++) s += L[i][k] * z[k];
      return s;
    }),
  );
}

function choleskyWithJitter(cov: number[][], where: string): number[][] {
  const n = cov.length;
  const meanVariance = cov.reduce((s, row, i) => s + row[i], 0) / n;
  if (meanVariance === 0) return cov.map((row) => row.map(() => 0));
  for (const relative of [0, 1e-12, 1e-10, 1e-8, 1e-6]) {
    const L = cholesky(cov, relative * meanVariance);
    if (L) return L;
  }
  throw new InputError(`${where}: cov is not positive semi-definite (its Cholesky factor fails even with 1e-6 relative jitter); pass a covariance matrix`);
}

function cholesky(a: number[][], jitter: number): number[][] | undefined {
  const n = a.length;
  const L = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    let d = a[j][j] + jitter;
    for (let k = 0; k < j; k++) d -= L[j][k] * L[j][k];
    if (!(d > 0)) return undefined;
    const ljj = Math.sqrt(d);
    L[j][j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = (a[i][j] + a[j][i]) / 2;
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      L[i][j] = s / ljj;
    }
  }
  return L;
}
