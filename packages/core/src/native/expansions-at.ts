import { nativeLibrary } from './library';

/** The cache of an activation's expansions, as `native/expansions-at.c` reads and writes it (`VarianceTable`). */
export interface CacheSlots {
  keys: Float64Array;
  values: Int32Array;
  mask: number;
}

/** Where expansions' numbers are, by index (`ExpansionNumbers`). */
export interface NumbersByIndex {
  data: Float64Array;
  header: Int32Array;
  bandEnd: Int32Array;
  next: Int32Array;
}

/** The points of the norm grid as native code reads them, and which variances it serves. */
export interface NormTable {
  /** Per point: q₀, the sizes of the shift polynomials of φ² and φ′² at coefficient 0, then their terms. */
  terms: Float64Array;
  /** By grid index minus `lowest`: the point's offset in `terms`, or −1. */
  at: Int32Array;
  lowest: number;
  /** The thresholds of `gridIndex` for the norm grid's points per octave. */
  thresholds: Float64Array;
  /** The smallest variance shifted from the grids (smaller ones are integrated at q). */
  directBelow: number;
}

/**
 * Looks up q[k], k < n, in `cache` (`native/expansions-at.c`): heads[k] is
 * the header of the expansion found, or −2 − m where the variance is entered
 * as the m-th new expansion (index id0 + m, its variance in `numbers`), or
 * −1 where it is left to JavaScript (a tiny variance, or one whose norm point
 * `norms` lacks). Returns how many it entered, for
 * {@link nativeExpansionsLayOut}. Call only where the native library runs,
 * with room for n more in the cache and the numbers.
 */
export function nativeExpansionsEnter(
  cache: CacheSlots,
  q: Float64Array,
  n: number,
  heads: Int32Array,
  numbers: NumbersByIndex,
  id0: number,
  norms: NormTable,
): number {
  return nativeLibrary()!.expansionsEnter(
    cache.keys,
    cache.values,
    cache.mask,
    q,
    n,
    heads,
    numbers.data,
    numbers.header,
    id0,
    norms.at,
    norms.lowest,
    norms.at.length,
    norms.thresholds,
    norms.directBelow,
  ) as number;
}

/**
 * Lays out the `count` expansions {@link nativeExpansionsEnter} entered from
 * index id0, as `layOut` does, the m-th at byte region + m·(header and
 * `blocks` blocks) of `memory`.
 */
export function nativeExpansionsLayOut(
  memory: Float64Array,
  numbers: NumbersByIndex,
  id0: number,
  count: number,
  region: number,
  blocks: number,
  norms: NormTable,
): void {
  nativeLibrary()!.expansionsLayOut(
    memory,
    numbers.data,
    numbers.header,
    numbers.bandEnd,
    numbers.next,
    id0,
    count,
    region,
    blocks,
    norms.terms,
    norms.at,
    norms.lowest,
    norms.at.length,
    norms.thresholds,
    norms.directBelow,
  );
}
