import { balancedRanges, isShared, runRows, threadsFor } from '../workers/pool';
import type { LayerImpl, LayerSpec } from './types';

/** What a kernel rule splits across threads: the shared arrays it reads and writes, and the rows. */
export interface RowsJob {
  readonly n1: number;
  readonly n2: number;
  /** Only blocks with j ≥ i are computed (symmetric kernels). */
  readonly symmetric: boolean;
  /** The arrays the job reads and writes; they must be on shared memory to be split. */
  readonly arrays: readonly (Float64Array | null)[];
}

/**
 * Runs `impl.rows(job, i0, i1)` over rows [0, n1) of a kernel: on this thread
 * alone for small kernels (fewer than MIN_PARALLEL_ENTRIES entries), for
 * layers that cannot be rebuilt on a worker, or when the arrays are not shared;
 * otherwise split into balanced ranges across the worker pool, each worker
 * rebuilding the layer from `spec`. Every range runs the same code, so the
 * result does not depend on the split.
 */
export function splitRows<J extends RowsJob>(impl: LayerImpl, spec: LayerSpec, job: J, entries: number): void {
  const rows = impl.rows as (job: J, i0: number, i1: number) => void;
  const parts = threadsFor(entries);
  if (parts > 1 && impl.localOnly === undefined && job.arrays.every(isShared)) {
    const modules = spec.module === undefined ? [] : [spec.module];
    runRows({ kind: 'rows', spec, modules, job }, balancedRanges(job.n1, job.n2, job.symmetric, parts), (i0, i1) => rows(job, i0, i1));
  } else {
    rows(job, 0, job.n1);
  }
}
