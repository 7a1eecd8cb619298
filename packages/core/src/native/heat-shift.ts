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

/** One grid cell's growth: its polynomials, the indices of its coefficients, and what stops the growth by reach. */
export interface ShiftCell {
  table: ShiftTable;
  /** Coefficient j has Hermite index first + stride·j. */
  first: number;
  stride: number;
  /** The last index with a polynomial, and where the series ends. */
  kmax: number;
  endedAt: number;
  /** The reach's bound, and the tails' floors (`Expansion.header`). */
  bound: number;
  floorA: number;
  floorB: number;
}

/** The expansions to grow: JOB ints each in `jobs` (see {@link nativeHeatShiftGrow}), a reach each, and room for each one's outcome. */
export interface GrowthJobs {
  jobs: Int32Array;
  reach: Float64Array;
  status: Int32Array;
  count: number;
}

/**
 * Grows the expansions of one grid cell in native code (`heat-shift.c`),
 * each to its reach (`Expansion.growToReach`) or to a length: `jobs` holds
 * JOB ints per expansion (its header's byte address in `memory`, the index
 * of its first number in `numbers`, the blocks it has room for, the length
 * to grow it to or 0 to grow it by its reach), `reach` one number. Writes
 * each job's outcome to `status` (GROWN, NEEDS_POLYNOMIALS, NEEDS_BLOCKS).
 * With AVX-512, eight consecutive jobs that hold no coefficient yet grow
 * together, a lane each: list those first. Call only where the native
 * library runs.
 */
export function nativeHeatShiftGrow(memory: Float64Array, numbers: Float64Array, cell: ShiftCell, work: GrowthJobs): void {
  const { table } = cell;
  nativeLibrary()!.heatShiftGrow(
    cpuFlags().has('avx512f') ? 8 : 1,
    memory,
    numbers,
    table.terms,
    table.start,
    table.size,
    cell.first,
    cell.stride,
    cell.kmax,
    cell.endedAt,
    work.jobs,
    work.reach,
    work.count,
    cell.bound,
    cell.floorA,
    cell.floorB,
    work.status,
  );
}
