import type { DeferredJob } from '../stax/deferred-duals';
import { nativeLibrary } from './library';

/**
 * An activation's dual as one of the closed forms of `deferred-duals.c`,
 * with the parameters its `dual` uses; the native code computes exactly
 * `dual`'s values from them.
 */
export type NativeDual =
  | { readonly kind: 'abRelu'; readonly factor: number; readonly half: number }
  | { readonly kind: 'erf'; readonly twoB2: number; readonly scale: number; readonly shift: number; readonly dotScale: number };

/** The layout of `deferred-duals.c`'s per-step numbers. */
const STEP_SIZE = 10;
const KINDS = { abRelu: 0, erf: 1 } as const;

function stepParams(steps: DeferredJob['steps'], duals: readonly NativeDual[]): Float64Array {
  const params = new Float64Array(steps.length * STEP_SIZE);
  steps.forEach(({ affine }, s) => {
    const dual = duals[s];
    const { a, b, c, d, e } = affine ?? { a: 1, b: 0, c: 1, d: 0, e: 0 };
    const own = dual.kind === 'abRelu' ? [dual.factor, dual.half, 0, 0] : [dual.twoB2, dual.scale, dual.shift, dual.dotScale];
    params.set([a, b, c, d, e, KINDS[dual.kind], ...own], s * STEP_SIZE);
  });
  return params;
}

/** The steps' variances one after the other: steps × count numbers. */
function stacked(rows: readonly Float64Array[], count: number): Float64Array {
  const out = new Float64Array(rows.length * count);
  rows.forEach((row, s) => out.set(row.subarray(0, count), s * count));
  return out;
}

/**
 * The deferred duals of `job` (`stax/deferred-duals.ts`) over all n1 rows, in
 * place, in native code on `threads` threads, `duals[s]` being step s's
 * closed form. False (and nothing done) where the native library does not
 * run; the caller then computes the same rows on WebAssembly.
 */
export function nativeDeferredRows(job: DeferredJob, duals: readonly NativeDual[], n1: number, threads: number): boolean {
  const lib = nativeLibrary();
  if (lib === null) return false;
  const { nngp, ntk, n2, symmetric, steps, tail, fillLower } = job;
  lib.deferredRows(
    nngp,
    ntk,
    n1,
    n2,
    symmetric ? 1 : 0,
    fillLower ? 1 : 0,
    steps.length,
    stepParams(steps, duals),
    stacked(
      steps.map((s) => s.var1),
      n1,
    ),
    stacked(
      steps.map((s) => s.var2),
      n2,
    ),
    tail === null ? null : Float64Array.of(tail.a, tail.b, tail.c, tail.d, tail.e),
    0,
    n1,
    threads,
  );
  return true;
}
