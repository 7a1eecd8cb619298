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

/** Band 0's grid as native code reads it (see {@link nativeHeatShiftEnter}). */
export interface BandTable {
  /** By grid index minus `lowest`: the point's slot, or −1. */
  at: Int32Array;
  lowest: number;
  perOctave: number;
  /** The thresholds of `gridIndex` for `perOctave`. */
  thresholds: Float64Array;
  /** By slot: the point's variance, where its polynomials' pairs start in the arena's index, the last k with a polynomial, where its series ends (or ENDED). */
  q0: Float64Array;
  pairs: Int32Array;
  kmax: Int32Array;
  endedAt: Int32Array;
  /** Slots in use. */
  slots: number;
}

/** What {@link nativeHeatShiftJobs} lists: the jobs and cells of {@link nativeHeatShiftCells}, with room for each job's outcome. */
export interface BandJobs extends GrowthJobs {
  cells: Int32Array;
  /** Per expansion listed: the slot of its point of band 0 (−2: it enters band 0 in the call; −1 after it: the grid had no point for it). */
  slot: Int32Array;
  /** Per expansion listed: the length to grow it to (when growing to lengths). */
  targets: Int32Array;
  /** Scratch: a number per slot and one per expansion. */
  counts: Int32Array;
}

/**
 * Lists the expansions `ids` (the first `count`) in `work` as the jobs and
 * cells of {@link nativeHeatShiftCells} (`heat-shift.c`): to grow to
 * work.targets, or with `byReach` by their reach, each in the cell of its
 * point of `band`, work.slot[i] (those that hold no coefficient yet, slot
 * −2, enter band 0 there first, as `VarianceExpansions.enterBand` does; −1
 * after the call where the grid has no point for one). Returns the count
 * of cells. Call only where the native library runs.
 */
export function nativeHeatShiftJobs(
  memory: Float64Array,
  numbers: { data: Float64Array; header: Int32Array; bandEnd: Int32Array },
  ids: Int32Array,
  count: number,
  byReach: boolean,
  band: BandTable,
  first: number,
  bandLength: number,
  work: BandJobs,
): number {
  return nativeLibrary()!.heatShiftJobs(
    memory,
    numbers.data,
    numbers.header,
    numbers.bandEnd,
    ids,
    count,
    work.slot,
    byReach ? null : work.targets,
    band.at,
    band.lowest,
    band.at.length,
    band.perOctave,
    band.thresholds,
    band.slots,
    band.q0,
    band.pairs,
    band.kmax,
    band.endedAt,
    first,
    bandLength,
    work.counts,
    work.jobs,
    work.reach,
    work.cells,
  ) as number;
}
