import type { DeferredJob } from '../stax/deferred-duals';
import { startsFromZeroTheta } from '../stax/zero-theta';
import { STEP_SIZE, stepNumbers, type NativeDual } from './dual-steps';
import { nativeLibrary } from './library';

function stepParams(steps: DeferredJob['steps'], duals: readonly NativeDual[]): Float64Array {
  const params = new Float64Array(steps.length * STEP_SIZE);
  steps.forEach(({ affine }, s) => params.set(stepNumbers(affine, duals[s]), s * STEP_SIZE));
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
    startsFromZeroTheta(job) ? 1 : 0,
    threads,
  );
  return true;
}
