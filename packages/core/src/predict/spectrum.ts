import { NumericalError } from '../errors';
import { activeBackend } from '../linalg/backend';
import type { Matrix } from '../matrix';
import { diagonalShift, type Regularizer } from './inputs';

/**
 * The eigendecomposition of a (regularised) train-train kernel, Θ = V Λ Vᵀ,
 * computed once and reused for every training time: every closed form of the
 * paper (eqs. 10–16, S28–S31) is a function of Θ applied in this basis.
 */
export interface Spectrum {
  /** Eigenvalues, ascending, with round-off negatives clamped to 0 (as Neural Tangents). */
  values: Float64Array;
  /** Orthonormal eigenvectors as columns. */
  vectors: Matrix;
}

/**
 * Θ + diagReg·(tr Θ / n)·I (Neural Tangents' relative `diag_reg`; diagReg·I with
 * `diagRegAbsoluteScale`), then its eigendecomposition (LAPACK dsyevd). An
 * eigenvalue below −1e−10·tr Θ is not round-off: the kernel is not positive
 * semi-definite, and we say so. With `overwrite`, `k` (a private copy) becomes
 * the eigenvectors instead of being copied once more.
 */
export function spectrum(where: string, name: string, k: Matrix, reg: Regularizer, overwrite = false): Spectrum {
  const n = k.rows;
  const trace = k.trace();
  const shift = diagonalShift(k, reg);
  const work = overwrite ? k : k.clone();
  if (shift > 0) {
    for (let i = 0; i < n; i++) work.data[i * n + i] += shift;
  }
  // kTrainTrain was checked (finite, symmetric) on the way in: straight to dsyevd.
  const eigenvalues = new Float64Array(n);
  activeBackend().syevd(n, work.data, eigenvalues);
  const eigenvectors = work;
  const tolerance = -1e-10 * Math.abs(trace);
  if (eigenvalues[0] < tolerance) {
    throw new NumericalError(
      `${where}: ${name} is not positive semi-definite: its smallest eigenvalue is ${eigenvalues[0].toExponential(4)} (trace ${trace.toExponential(4)}); check the kernel, or add a diagonal regulariser, e.g. diagReg: 1e-4`,
    );
  }
  return { values: eigenvalues.map((v) => Math.max(v, 0)), vectors: eigenvectors };
}

/** e^{−λτ}, with e^{−0·∞} = 1. */
export function decay(lambda: number, tau: number): number {
  if (lambda === 0) return 1;
  return Math.exp(-lambda * tau);
}

/** 1 − e^{−λτ} (via expm1, exact for small λτ): how much of an eigendirection is learned by time τ. */
export function learned(lambda: number, tau: number): number {
  if (lambda === 0) return 0;
  if (tau === Infinity) return 1;
  return -Math.expm1(-lambda * tau);
}

/**
 * (1 − e^{−λτ})/λ, the weight of an eigendirection learned by time τ
 * (Θ⁻¹(I − e^{−Θτ}) in eqs. 11, 15), computed with expm1 so that small λτ keeps
 * its digits. At λ = 0 it is τ; at τ = ∞ it is 1/λ, and 0 for λ = 0: gradient
 * flow never moves along a null direction of Θ (the pseudo-inverse).
 */
export function gain(lambda: number, tau: number): number {
  if (tau === Infinity) return lambda > 0 ? 1 / lambda : 0;
  if (lambda === 0) return tau;
  return -Math.expm1(-lambda * tau) / lambda;
}
