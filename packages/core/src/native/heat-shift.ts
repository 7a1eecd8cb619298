import { cpuFlags } from '../cpu-flags';
import { nativeLibrary } from './library';

/** Ints per job of {@link nativeHeatShiftGrow}. */
export const JOB = 4;

/** What {@link nativeHeatShiftGrow} stopped a job at (`status` of `heat-shift.c`). */
export const GROWN = 0;
export const NEEDS_POLYNOMIALS = 1;
export const NEEDS_BLOCKS = 2;

/** The shift polynomials of one grid cell, as `ShiftPolynomials.table` gives them. */
export interface ShiftTable {
  terms: Float64Array;
  start: Int32Array;
  size: Int32Array;
}

/**
 * Grows the expansions of one grid cell in native code (`heat-shift.c`),
 * each to its reach (`Expansion.growToReach`) or to a length: `jobs` holds
 * JOB ints per expansion (its header's byte address in `memory`, the index
 * of its first number in `numbers`, the blocks it has room for, the length
 * to grow it to or 0 to grow it by its reach), `reach` one number.
 * Coefficient j has Hermite index first + stride·j; polynomials exist up
 * to kmax; the series ends at endedAt. Writes each job's outcome to
 * `status` (GROWN, NEEDS_POLYNOMIALS, NEEDS_BLOCKS). With AVX-512, eight
 * consecutive jobs that hold no coefficient yet grow together, a lane
 * each: list those first. Call only where the native library runs.
 */
export function nativeHeatShiftGrow(
  memory: Float64Array,
  numbers: Float64Array,
  table: ShiftTable,
  first: number,
  stride: number,
  kmax: number,
  endedAt: number,
  jobs: Int32Array,
  reach: Float64Array,
  count: number,
  bound: number,
  floorA: number,
  floorB: number,
  status: Int32Array,
): void {
  nativeLibrary()!.heatShiftGrow(
    cpuFlags().has('avx512f') ? 8 : 1,
    memory,
    numbers,
    table.terms,
    table.start,
    table.size,
    first,
    stride,
    kmax,
    endedAt,
    jobs,
    reach,
    count,
    bound,
    floorA,
    floorB,
    status,
  );
}
