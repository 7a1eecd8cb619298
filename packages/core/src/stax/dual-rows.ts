import type { KernelAffine } from './kernel-state';
import type { Activation } from './activation';

/** Everything an activation's kernel rule needs, as plain (shareable) data. */
export interface DualJob {
  nngp: Float64Array;
  ntk: Float64Array | null;
  /** Same-position variances 𝒦(x, x)_{pp} of each example of x1 (n1·S) and x2 (n2·S). */
  var1: Float64Array;
  var2: Float64Array;
  n2: number;
  /** Spatial positions S (1 without spatial axes). */
  positions: number;
  /** Blocks hold S same-position entries (true) or all S² pairs (false). */
  diagonal: boolean;
  symmetric: boolean;
  pending: KernelAffine | null;
}

/** 𝒯(Σ) to out[0] and, when asked, 𝒯̇(Σ) to out[1] (see `Activation.dual`). */
export type Dual = (q11: number, q12: number, q22: number, out: Float64Array, wantDot: boolean) => void;

/**
 * A dual over a row of entries sharing q11: t[k] = 𝒯(q11, q12[k], q22[k]) and,
 * when tDot is given, tDot[k] = 𝒯̇(…), for k < n (see `Activation.dualRow`).
 */
export type DualRow = (q11: number, q12: Float64Array, q22: Float64Array, n: number, t: Float64Array, tDot: Float64Array | null) => void;

/** A kernel without spatial axes that a dual rewrites in place (see {@link DualMatrix}). */
export interface DualMatrixJob {
  nngp: Float64Array;
  ntk: Float64Array | null;
  n1: number;
  n2: number;
  /** Entries j ≥ i only. */
  symmetric: boolean;
  /** 𝒦(x, x) of each example of x1 and of x2, at the dual's input (after `affine`). */
  var1: Float64Array;
  var2: Float64Array;
  /**
   * The dense map before the dual, which the entries of nngp and ntk have not
   * been through yet: each must be read through it first (q12 ← a·q12 + b,
   * Θ ← c·Θ + d·q12 + e, Θ taken as 0 with `thetaZero`), with that
   * arithmetic (the identity map too: it turns −0 into +0).
   */
  affine: KernelAffine;
  /**
   * The dense map after the dual (null or absent: none), which `run` applies
   * to every entry it writes, with the arithmetic of the deferred rows'
   * tail (`native/deferred-rows.c`), so that no pass of its own follows.
   */
  tail?: KernelAffine | null;
  /** Mirror the kernel below its diagonal once done (a symmetric kernel), as the deferred rows do: `run` does it. */
  fillLower?: boolean;
}

/**
 * A dual applied to a whole kernel at once, 𝒦 ← 𝒯(𝒦), Θ ← Θ·𝒯̇(𝒦) (Lee et al.
 * 2019, eqs. S3, S6), for an activation that has a faster way than row by
 * row (see `Activation.dualMatrix`), its entries read through the dense map
 * before it (`DualMatrixJob.affine`). It must give exactly `dual`'s values.
 */
export interface DualMatrix {
  /** Whether `run` serves an n1 × n2 kernel in this process (decided before any work). */
  runs(n1: number, n2: number): boolean;
  run(job: DualMatrixJob): void;
}

/** A row of calls to `dual`: what an activation without its own `dualRow` gets. */
export function rowOf(dual: Dual): DualRow {
  const out = new Float64Array(2);
  return (q11, q12, q22, n, t, tDot) => {
    const wantDot = tDot !== null;
    for (let k = 0; k < n; k++) {
      dual(q11, q12[k], q22[k], out, wantDot);
      t[k] = out[0];
      if (wantDot) tDot[k] = out[1];
    }
  };
}

/**
 * Rows [i0, i1) of 𝒦′ = 𝒯(𝒦), Θ′ = Θ ⊙ 𝒯̇(𝒦) (Lee et al. 2019, eqs. S3, S6
 * without the next layer's σ's) on a kernel with spatial positions (those
 * without are deferred, `deferred-duals.ts`), in place, applying a pending dense map to
 * each entry as it is read. Every entry of a block is one covariance: at
 * positions (p, p′) its 2×2 Σ pairs 𝒦(x_i, x′_j)_{pp′} with the variances
 * 𝒦(x_i, x_i)_{pp} and 𝒦(x′_j, x′_j)_{p′p′}. Only blocks with j ≥ i when
 * symmetric. The same code runs on every thread, so results do not depend on
 * how rows are split.
 */
export function dualRows(dual: Dual, job: DualJob, i0: number, i1: number): void {
  const { nngp, ntk, var1, var2, n2, positions: s, diagonal, symmetric, pending } = job;
  const out = new Float64Array(2);
  const wantDot = ntk !== null;
  const a = pending ? pending.a : 1;
  const b = pending ? pending.b : 0;
  const c = pending ? pending.c : 1;
  const d = pending ? pending.d : 0;
  const e = pending ? pending.e : 0;
  const entry = (idx: number, q11: number, q22: number) => {
    const raw = nngp[idx];
    dual(q11, a * raw + b, q22, out, wantDot);
    nngp[idx] = out[0];
    if (wantDot) {
      const t = ntk as Float64Array;
      t[idx] = (c * t[idx] + d * raw + e) * out[1];
    }
  };
  for (let i = i0; i < i1; i++) {
    for (let j = symmetric ? i : 0; j < n2; j++) {
      if (diagonal) {
        const base = (i * n2 + j) * s;
        for (let p = 0; p < s; p++) entry(base + p, var1[i * s + p], var2[j * s + p]);
      } else {
        const base = (i * n2 + j) * s * s;
        for (let p = 0; p < s; p++) {
          const q11 = var1[i * s + p];
          for (let q = 0; q < s; q++) entry(base + p * s + q, q11, var2[j * s + q]);
        }
      }
    }
  }
}

/** The same-position variances of self-covariance blocks: the blocks themselves (diagonal) or their diagonals (full). */
export function positionVariances(cov: Float64Array, s: number, diagonal: boolean): Float64Array {
  if (s === 1 || diagonal) return cov;
  const n = cov.length / (s * s);
  const out = new Float64Array(n * s);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < s; p++) out[i * s + p] = cov[(i * s + p) * s + p];
  }
  return out;
}

/**
 * 𝒦′ = 𝒯(𝒦) on self-covariance blocks, in place: each example with itself,
 * position pairs (p, p′) with variances from `variances` (read before any
 * entry changes).
 */
export function dualSelf(act: Pick<Activation, 'dual' | 'selfDuals'>, cov: Float64Array, variances: Float64Array, s: number, diagonal: boolean): void {
  const { dual } = act;
  const out = new Float64Array(2);
  if (s === 1 || diagonal) {
    if (act.selfDuals !== undefined) {
      act.selfDuals(cov);
      return;
    }
    for (let i = 0; i < cov.length; i++) {
      dual(cov[i], cov[i], cov[i], out, false);
      cov[i] = out[0];
    }
    return;
  }
  const n = cov.length / (s * s);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < s; p++) {
      for (let q = 0; q < s; q++) {
        const idx = (i * s + p) * s + q;
        dual(variances[i * s + p], cov[idx], variances[i * s + q], out, false);
        cov[idx] = out[0];
      }
    }
  }
}
