import { nativeLibrary } from './library';

/**
 * Entries below which a pass stays in JavaScript: a native call costs about
 * as much as a JavaScript pass over a few thousand entries.
 */
const NATIVE_MIN_ENTRIES = 4096;

/** What `tl_symmetry_defect` finds in a square matrix (as `symmetryDefect` of `predict/inputs.ts`). */
export interface SymmetryDefect {
  /** max |a_ij − a_ji| (pairs whose difference is NaN aside). */
  asym: number;
  /** max |a_ij| (NaN entries aside). */
  maxAbs: number;
  /** Whether every entry is finite. */
  finite: boolean;
}

const defect = new Float64Array(3);

/** The symmetry defect of the n×n row-major `a` in native code, or null where it does not run (or `a` is small). */
export function nativeSymmetryDefect(a: Float64Array, n: number): SymmetryDefect | null {
  const lib = n * n >= NATIVE_MIN_ENTRIES ? nativeLibrary() : null;
  if (lib === null) return null;
  lib.symmetryDefect(a, n, defect);
  return { asym: defect[0], maxAbs: defect[1], finite: defect[2] === 0 };
}

/** Transposes the n×n row-major `a` in place in native code; false (nothing done) where it does not run. */
export function nativeTransposeInPlace(a: Float64Array, n: number): boolean {
  const lib = n * n >= NATIVE_MIN_ENTRIES ? nativeLibrary() : null;
  if (lib === null) return false;
  lib.transposeInPlace(a, n);
  return true;
}

/** Copies the upper triangle of the n×n row-major `a` onto its lower one in native code; false (nothing done) where it does not run. */
export function nativeMirrorUpper(a: Float64Array, n: number): boolean {
  const lib = n * n >= NATIVE_MIN_ENTRIES ? nativeLibrary() : null;
  if (lib === null) return false;
  lib.mirrorUpper(a, n);
  return true;
}

/** out = m·diag(w) for the rows×cols row-major `m`, in native code; false (nothing done) where it does not run. */
export function nativeScaleColumns(m: Float64Array, w: Float64Array, out: Float64Array, rows: number, cols: number): boolean {
  const lib = rows * cols >= NATIVE_MIN_ENTRIES ? nativeLibrary() : null;
  if (lib === null) return false;
  lib.scaleColumns(m, w, out, rows, cols);
  return true;
}

/** out = m·P (out[i, j] = m[i, piv[j]]) for the rows×cols row-major `m`, in native code; false (nothing done) where it does not run. */
export function nativePermuteColumns(m: Float64Array, piv: Int32Array, out: Float64Array, rows: number, cols: number): boolean {
  const lib = rows * cols >= NATIVE_MIN_ENTRIES ? nativeLibrary() : null;
  if (lib === null) return false;
  lib.permuteColumns(m, piv, out, rows, cols);
  return true;
}
