import { nativeDeferredRows } from '../native/deferred-rows';
import { nativeLibrary } from '../native/library';
import type { NativeDual } from '../native/dual-steps';
import { affineRow as simdAffineRow, scaleRow, simdRowBuffers } from '../simd/rows';
import { balancedRanges, isShared, runRows, threadsFor } from '../workers/pool';
import type { Activation } from './activation';
import { rowOf, type DualMatrix, type DualRow } from './dual-rows';
import type { KernelAffine } from './kernel-state';
import type { LayerSpec } from './types';
import { startsFromZeroTheta } from './zero-theta';

/**
 * An activation's kernel rule on the entries of a kernel without spatial
 * axes, deferred until the entries are next read: 𝒦′ = 𝒯(𝒦), Θ′ = Θ ⊙ 𝒯̇(𝒦)
 * (Lee et al. 2019, eqs. S3, S6), after the dense map that was pending
 * before it.
 *
 * Why defer: each of these rules touches every entry once and does little
 * arithmetic per entry, so a deep network's kernel, computed layer after
 * layer, is limited by reading and writing its two n1×n2 arrays once per
 * layer. Kept as a list, all the layers run on one row at a time while the
 * row is in cache: one pass over memory for the whole depth. The arithmetic
 * per entry is the same as layer after layer, so are the bits.
 */
export interface DeferredDual {
  /** The dense map 𝒦 ← a𝒦 + b, Θ ← cΘ + d𝒦 + e applied just before the dual (null: none). */
  readonly affine: KernelAffine | null;
  readonly activation: Activation;
  /** The activation's spec, to rebuild it on a worker thread, and the modules that register its type. */
  readonly spec: LayerSpec;
  readonly modules: readonly string[];
  /** Why a worker cannot rebuild it, if it cannot (then every row runs on the calling thread). */
  readonly localOnly: string | undefined;
  /** 𝒦(x, x) of each example of x1 and of x2 at the dual's input (after `affine`). */
  readonly var1: Float64Array;
  readonly var2: Float64Array;
}

/** What the threads share to run deferred duals over rows of a kernel. */
export interface DeferredJob {
  nngp: Float64Array;
  ntk: Float64Array | null;
  n2: number;
  symmetric: boolean;
  steps: { affine: KernelAffine | null; var1: Float64Array; var2: Float64Array }[];
  /** The dense map pending after the last dual. */
  tail: KernelAffine | null;
  /** Also copy each computed entry (i, j), j > i, to (j, i) (symmetric kernels, when the whole kernel is wanted next). */
  fillLower: boolean;
}

/**
 * Below this many entries a kernel whose activations are all numerical
 * (`Activation.dualMatrix`) runs natively on the calling thread, layer after
 * layer, even where worker threads are available. Split over workers, each
 * worker computes the expansions of every column's variance again, and the
 * rows pay a round trip per layer: on 2 cores (tanh, 2 layers, best of 7,
 * two runs) a first call on N inputs took 5.6–6.2 against 10.5–13.9 ms at
 * N = 400, 18.8–19.9 against 23.1–27.1 ms at 800, 30–31 against 45.5 ms at
 * 1100; a second call 2.1–3.1 against 3.4–3.8 ms at 400, 9.4–9.6 against
 * 12.4–13.9 ms at 800, and only at 1100 did the workers win it (15.5–19.1
 * against 19.4–19.7 ms).
 */
let seriesParallelEntries = 1 << 20;

/** Internal, for tests: sets the threshold above (0: numerical activations split over workers as other rules do). */
export function useSeriesParallelEntries(entries: number): void {
  seriesParallelEntries = entries;
}

/** Rows computed before their mirror images are written: the writes to one row j then fill consecutive entries. */
const MIRROR_GROUP = 16;

const IDENTITY: KernelAffine = { a: 1, b: 0, c: 1, d: 0, e: 0 };

/** The affine map on a row of both kernels, Θ first (it reads 𝒦 before the map); `simd/rows` has the same arithmetic. */
function affineRow(map: KernelAffine, k: Float64Array, theta: Float64Array | null, n: number): void {
  const { a, b, c, d, e } = map;
  if (theta !== null) for (let j = 0; j < n; j++) theta[j] = c * theta[j] + d * k[j] + e;
  for (let j = 0; j < n; j++) k[j] = a * k[j] + b;
}

function scale(theta: Float64Array, dot: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) theta[j] *= dot[j];
}

/**
 * Rows [i0, i1) of the kernels through every deferred dual and the pending
 * map after them, in place: each row is copied out once, runs all the
 * layers, and is written back once. Only entries j ≥ i when symmetric; with
 * `fillLower`, rows are then mirrored below the diagonal, a group at a time.
 * The same code runs on every thread, so results do not depend on the split.
 */
export function deferredRows(activations: readonly Activation[], job: DeferredJob, i0: number, i1: number): void {
  const { nngp, ntk, n2, symmetric, steps, tail, fillLower } = job;
  const rows: DualRow[] = activations.map((act) => act.dualRow ?? rowOf(act.dual));
  // Rows (and each step's x2 variances) in the SIMD module's memory when it runs here: the duals and maps then work without copies.
  const lent = simdRowBuffers(4 + steps.length, n2);
  const affine = lent === null ? affineRow : simdAffineRow;
  const times = lent === null ? scale : scaleRow;
  const buffers = lent ?? [0, 1, 2, 3].map(() => new Float64Array(n2));
  const var2 = steps.map((step, s) => {
    if (lent === null) return step.var2;
    lent[4 + s].set(step.var2);
    return lent[4 + s];
  });
  const zeroTheta = startsFromZeroTheta(job);
  let [k, next] = buffers;
  const [, , theta, tDot] = buffers;
  for (let g0 = i0; g0 < i1; g0 += MIRROR_GROUP) {
    const g1 = Math.min(g0 + MIRROR_GROUP, i1);
    for (let i = g0; i < g1; i++) {
      const j0 = symmetric ? i : 0;
      const n = n2 - j0;
      const base = i * n2 + j0;
      k.set(nngp.subarray(base, base + n));
      if (ntk !== null && zeroTheta) theta.fill(0, 0, n);
      else if (ntk !== null) theta.set(ntk.subarray(base, base + n));
      const th = ntk === null ? null : theta;
      for (let s = 0; s < steps.length; s++) {
        affine(steps[s].affine ?? IDENTITY, k, th, n);
        rows[s](steps[s].var1[i], k, j0 === 0 ? var2[s] : var2[s].subarray(j0), n, next, th === null ? null : tDot);
        if (th !== null) times(th, tDot, n);
        const swap = k;
        k = next;
        next = swap;
      }
      if (tail !== null) affine(tail, k, th, n);
      nngp.set(k.subarray(0, n), base);
      if (ntk !== null) ntk.set(theta.subarray(0, n), base);
    }
    if (fillLower) {
      mirrorGroup(nngp, n2, g0, g1);
      if (ntk !== null) mirrorGroup(ntk, n2, g0, g1);
    }
  }
}

/** a[j, i] = a[i, j] for rows i in [g0, g1) and every j > i of an n×n array. */
function mirrorGroup(a: Float64Array, n: number, g0: number, g1: number): void {
  for (let j = g0 + 1; j < n; j++) {
    const end = Math.min(g1, j);
    for (let i = g0; i < end; i++) a[j * n + i] = a[i * n + j];
  }
}

/**
 * Deferred duals that each run on a whole kernel (`Activation.dualMatrix`:
 * the numerical activations' native sums), one layer after the other, each
 * reading its entries through the dense map before it, the last one also
 * through `tail` after it, mirrored as its rows are summed (measured on 400
 * inputs, a pass of its own for the tail and the mirror took 0.085-0.092 ms
 * on one thread, a twentieth of a tanh network's first kernel, where the
 * rows took 0.035-0.04 ms more for it), in native code, on the calling
 * thread: the arithmetic per entry is that of the rows above, so are the
 * bits. False (nothing done) where the native library does not run.
 */
function nativeLayers(duals: readonly DeferredDual[], job: DeferredJob, n1: number): boolean {
  const { nngp, ntk, n2, symmetric } = job;
  if (nativeLibrary() === null) return false;
  const last = duals.length - 1;
  for (const [s, dual] of duals.entries()) {
    const step = job.steps[s];
    // The dense map before the dual in the dual's own pass; the identity map too, as the rows apply it (it turns −0 into +0).
    const affine = dual.affine ?? IDENTITY;
    // The last dual's pass also takes the map after it and the mirror: no pass over the kernel follows.
    const after = s === last ? { tail: job.tail, fillLower: job.fillLower } : {};
    (dual.activation.dualMatrix as DualMatrix).run({ nngp, ntk, n1, n2, symmetric, var1: step.var1, var2: step.var2, affine, ...after });
  }
  if (last < 0 && (job.tail !== null || job.fillLower)) {
    nativeDeferredRows({ nngp, ntk, n2, symmetric, steps: [], tail: job.tail, fillLower: job.fillLower }, [], n1, 1);
  }
  return true;
}

/**
 * Runs deferred duals (then `tail`, then with `fillLower` the mirror of a
 * symmetric kernel) over an n1×n2 kernel in place. When every dual has a
 * native closed form and the native library runs, all of it runs there, on
 * native threads for a large kernel (`native/deferred-rows.c`: the same
 * bits, with vectors as wide as the CPU's). When every dual is numerical
 * and runs natively, one native call per layer on the calling thread, unless
 * the kernel is large enough for workers to pay (`seriesParallelEntries`).
 * Otherwise the rows are split into balanced ranges across the worker pool
 * when the kernel is large, its arrays are shared and every activation can
 * be rebuilt on a worker; or they run on the calling thread.
 */
export function runDeferred(
  duals: readonly DeferredDual[],
  tail: KernelAffine | null,
  nngp: Float64Array,
  ntk: Float64Array | null,
  n1: number,
  n2: number,
  symmetric: boolean,
  fillLower: boolean,
): void {
  const job: DeferredJob = {
    nngp,
    ntk,
    n2,
    symmetric,
    steps: duals.map(({ affine, var1, var2 }) => ({ affine, var1, var2 })),
    tail,
    fillLower,
  };
  const activations = duals.map((d) => d.activation);
  const parts = threadsFor(n1 * n2);
  const natives = activations.map((a) => a.nativeDual);
  if (natives.every((d) => d !== undefined) && nativeDeferredRows(job, natives as NativeDual[], n1, parts)) return;
  // On one thread, or below seriesParallelEntries: split over worker threads, the rows (natively too) scale with the cores, where one native call per layer does not.
  const alone = parts === 1 || n1 * n2 < seriesParallelEntries;
  if (alone && activations.every((a) => a.dualMatrix?.runs(n1, n2)) && nativeLayers(duals, job, n1)) return;
  if (parts > 1 && duals.every((d) => d.localOnly === undefined) && isShared(nngp) && isShared(ntk)) {
    const modules = [...new Set(duals.flatMap((d) => d.modules))];
    runRows({ kind: 'deferred', specs: duals.map((d) => d.spec), modules, job }, balancedRanges(n1, n2, symmetric, parts), (i0, i1) =>
      deferredRows(activations, job, i0, i1),
    );
  } else {
    deferredRows(activations, job, 0, n1);
  }
}
