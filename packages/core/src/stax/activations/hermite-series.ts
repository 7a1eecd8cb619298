import { InputError } from '../../errors';
import { mehlerDual } from '../../special/mehler-series';
import { VarianceExpansions, type Expansion, type Parity } from '../../special/variance-expansions';
import type { Activation } from '../activation';

/** The default `tol` of smooth numerical activations: relative error of their NNGP and NTK. */
export const DEFAULT_TOL = 1e-10;

/**
 * Share of `tol` each dual evaluation may use. Errors of successive layers
 * add up, but the bound each series is summed to (Cauchy–Schwarz on the whole
 * tail) is far above the error it leaves: measured, two layers at tol = 1e−10
 * stay below 3e−11 (see the activations benchmark and elementwise tests).
 */
const PER_LAYER = 1;

/** Checks a `tol` option: a relative accuracy between 1e−14 and 1e−2. */
export function checkTol(where: string, tol: unknown): number {
  if (typeof tol !== 'number' || !(tol >= 1e-14 && tol <= 1e-2)) {
    throw new InputError(`${where}: tol must be a number between 1e-14 and 1e-2 (the relative accuracy of the kernels), got ${String(tol)}`);
  }
  return tol;
}

/**
 * The dual of a smooth activation by Mehler's formula (see
 * `special/mehler-series.ts`): the Hermite coefficients of φ(√q z) and
 * φ′(√q z) are computed once per distinct variance q (see
 * `special/variance-expansions.ts`), after which each kernel entry is a short
 * series in the correlation ρ = q12/√(q11 q22) — tens to a few hundred terms
 * instead of the degree² evaluations of φ of 2-D quadrature. Series lengths
 * and quadrature steps follow from `tol`: each 𝒯 and 𝒯̇ is within tol of
 * the exact value relative to √(𝒯(q11)𝒯(q22)) (resp. 𝒯̇), by the
 * Cauchy–Schwarz bound on the neglected terms.
 *
 * The dual depends on its arguments alone (caches only remember results), so
 * tiled and untiled kernels agree bit for bit. It is entry-wise: a spatial
 * version applies it per pair of positions with each position's variance,
 * and the per-variance expansions serve every position alike.
 */
export function hermiteSeriesActivation(name: string, fn: (x: number) => number, grad: (x: number) => number, tol: number): Omit<Activation, 'localOnly'> {
  const tau = PER_LAYER * tol;
  const expansions = new VarianceExpansions(fn, grad, parityOf(fn), name);
  let rowQ = NaN;
  let row: Expansion | null = null;
  let column: Expansion | null = null;
  return {
    name,
    fn,
    grad,
    dual(q11, q12, q22, out, wantDot) {
      // q11 is fixed along a row of the kernel: remember its expansion.
      if (q11 !== rowQ) {
        row = expansions.at(q11);
        rowQ = q11;
      }
      const e1 = row as Expansion;
      if (q11 === q22 && q12 >= q11) {
        // The diagonal: E[φ(u)²] and E[φ′(u)²], known to the expansion.
        out[0] = e1.normA;
        if (wantDot) out[1] = e1.normB;
        return;
      }
      // Along a row q22 runs through the columns' variances in the order of the row before.
      const e2 = q22 === q11 ? e1 : column === null ? expansions.at(q22) : expansions.after(column, q22);
      column = e2;
      const root = Math.sqrt(q11 * q22);
      const rho = root > 0 ? Math.min(1, Math.max(-1, q12 / root)) : 0;
      mehlerDual(e1, e2, rho, tau, out, wantDot);
    },
  };
}

/** Points at which φ must be exactly odd (or even) to have only odd (or even) Hermite coefficients. */
const PARITY_PROBES = Array.from({ length: 200 }, (_, i) => 0.0371 * (i + 1) ** 1.5);

/**
 * Whether φ is odd or even, judged on 200 points out to |x| ≈ 105: then half
 * of its Hermite coefficients vanish and the series are sums in ρ². A
 * function of φ alone, so every thread decides the same.
 */
export function parityOf(fn: (x: number) => number): Parity {
  if (PARITY_PROBES.every((x) => fn(-x) === -fn(x)) && fn(0) === 0) return 'odd';
  if (PARITY_PROBES.every((x) => fn(-x) === fn(x))) return 'even';
  return 'none';
}
