import type { DualJob } from '../stax/dual-rows';
import { stepNumbers, type NativeDual } from './dual-steps';
import { nativeLibrary } from './library';

/**
 * An activation's dual on every block of a kernel with spatial positions
 * (`stax/dual-rows.ts`, `dualRows`), in place, in native code on `threads`
 * threads (`spatial-duals.c`: the same bits). False (and nothing done) where
 * the native library does not run; the caller then computes the same
 * entries in JavaScript.
 */
export function nativeSpatialDuals(job: DualJob, n1: number, dual: NativeDual, threads: number): boolean {
  const lib = nativeLibrary();
  if (lib === null) return false;
  const { nngp, ntk, var1, var2, n2, positions, diagonal, symmetric, pending } = job;
  lib.spatialDuals(nngp, ntk, var1, var2, n1, n2, positions, diagonal ? 1 : 0, symmetric ? 1 : 0, Float64Array.from(stepNumbers(pending, dual)), threads);
  return true;
}
