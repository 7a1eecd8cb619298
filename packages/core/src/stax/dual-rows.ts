import type { KernelAffine } from './kernel-state';

/** Everything an activation's kernel rule needs, as plain (shareable) data. */
export interface DualJob {
  nngp: Float64Array;
  ntk: Float64Array | null;
  cov1: Float64Array;
  cov2: Float64Array;
  n2: number;
  symmetric: boolean;
  pending: KernelAffine | null;
}

/** 𝒯(Σ) to out[0] and, when asked, 𝒯̇(Σ) to out[1] (see `Activation.dual`). */
export type Dual = (q11: number, q12: number, q22: number, out: Float64Array, wantDot: boolean) => void;

/**
 * Rows [i0, i1) of 𝒦′ = 𝒯(𝒦), Θ′ = Θ ⊙ 𝒯̇(𝒦) (eqs. S3, S6 without the next
 * layer's σ's), in place, applying a pending dense map to each entry as it is
 * read. Only the upper triangle when symmetric. The same code runs on every
 * thread, so results do not depend on how rows are split.
 */
export function dualRows(dual: Dual, job: DualJob, i0: number, i1: number): void {
  const { nngp, ntk, cov1, cov2, n2, symmetric, pending } = job;
  const out = new Float64Array(2);
  const wantDot = ntk !== null;
  const a = pending ? pending.a : 1;
  const b = pending ? pending.b : 0;
  const c = pending ? pending.c : 1;
  const d = pending ? pending.d : 0;
  const e = pending ? pending.e : 0;
  for (let i = i0; i < i1; i++) {
    const q11 = cov1[i];
    const row = i * n2;
    for (let j = symmetric ? i : 0; j < n2; j++) {
      const idx = row + j;
      const raw = nngp[idx];
      const q12 = a * raw + b;
      dual(q11, q12, cov2[j], out, wantDot);
      nngp[idx] = out[0];
      if (wantDot) {
        const t = ntk as Float64Array;
        t[idx] = (c * t[idx] + d * raw + e) * out[1];
      }
    }
  }
}
