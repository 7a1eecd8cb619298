import type { Matrix } from '../matrix';

/**
 * A training loss on network outputs f (N×k) against targets y (N×k): its value
 * and its gradient with respect to f, the ∇_f ℒ that drives gradient flow in
 * function space (eqs. 3–4, 8) and the ODEs of eqs. (24)–(26).
 */
export interface Loss {
  readonly name: string;
  value(fx: Matrix, y: Matrix): number;
  /** ∂ℒ/∂f, written into `out` (same shape as fx) and returned. */
  grad(fx: Matrix, y: Matrix, out: Matrix): Matrix;
}
