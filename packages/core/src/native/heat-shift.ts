import { cpuFlags } from '../cpu-flags';
import { nativeLibrary } from './library';

/** Ints per job of {@link nativeHeatShiftCells}. */
export const JOB = 4;

/** What {@link nativeHeatShiftCells} stopped a job at (`status` of `heat-shift.c`). */
export const GROWN = 0;
export const NEEDS_POLYNOMIALS = 1;
export const NEEDS_BLOCKS = 2;

/** Ints per cell of {@link nativeHeatShiftCells}. */
export const CELL = 5;

/** The shift polynomials of every cell (`ShiftArena`): their terms, and pairs (start, size) by k. */
export interface ShiftTables {
  terms: Float64Array;
  index: Int32Array;
}

/** What the cells of one call share: the indices of their coefficients, and what stops the growth by reach. */
export interface ShiftSettings {
  /** Coefficient j has Hermite index first + stride·j. */
  first: number;
  stride: number;
  /** The reach's bound, and the tails' floors (`Expansion.header`). */
  bound: number;
  floorA: number;
  floorB: number;
}

/** The expansions to grow: JOB ints each in `jobs` (see {@link nativeHeatShiftCells}), a reach each, and room for each one's outcome. */
export interface GrowthJobs {
  jobs: Int32Array;
  reach: Float64Array;
  status: Int32Array;
}

/**
 * Grows the expansions of `count` grid cells in native code
 * (`heat-shift.c`), a cell at a time on each of `threads` threads (this one
 * and pooled native ones), each expansion to its reach
 * (`Expansion.growToReach`) or to a length: `cells` holds CELL ints per
 * cell (its first job, its count of jobs, the index in `tables.index` of
 * its polynomials' pair for k = 0, the last k with a polynomial, and the k
 * where its series ends, or ENDED); `jobs` JOB ints per expansion (its
 * header's byte address in `memory`, the index of its first number in
 * `numbers`, the blocks it has room for, the length to grow it to or 0 to
 * grow it by its reach), `reach` one number. Writes each job's outcome to
 * `status` (GROWN, NEEDS_POLYNOMIALS, NEEDS_BLOCKS). With AVX-512, eight
 * consecutive jobs of a cell that hold no coefficient yet grow together, a
 * lane each: list those first. Call only where the native library runs.
 */
export function nativeHeatShiftCells(
  memory: Float64Array,
  numbers: Float64Array,
  tables: ShiftTables,
  cells: Int32Array,
  count: number,
  settings: ShiftSettings,
  work: GrowthJobs,
  threads: number,
): void {
  nativeLibrary()!.heatShiftCells(
    cpuFlags().has('avx512f') ? 8 : 1,
    threads,
    memory,
    numbers,
    tables.terms,
    tables.index,
    cells,
    count,
    settings.first,
    settings.stride,
    work.jobs,
    work.reach,
    settings.bound,
    settings.floorA,
    settings.floorB,
    work.status,
  );
}
