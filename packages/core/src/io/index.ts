/**
 * Files in and out: NumPy `.npy` (through `npyjs`), CSV (through
 * `csv-parse`), and an on-disk kernel cache.
 * @packageDocumentation
 */
export { readNpy, writeNpy, type ReadNpyOptions, type WriteNpyOptions } from './npy';
export { readCsv, type ReadCsvOptions } from './csv';
export { Table, type Cell } from './table';
export { cachedKernel, type CachedKernelFn, type CachedKernelOptions } from './kernel-cache';
