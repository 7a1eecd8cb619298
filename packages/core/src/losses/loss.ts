import type { Matrix, MatrixLike } from '../matrix';

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

/**
 * A built-in loss ({@link mse}, {@link crossEntropy}): a {@link Loss} whose
 * targets may be any matrix-like value (rows, a `Float64Array` column), whose
 * shapes are checked, and whose `value` on a network output is seen by
 * `valueAndGrad`, so a hand-written loss function built from it can be
 * differentiated.
 */
export interface BuiltinLoss extends Loss {
  value(fx: Matrix, y: MatrixLike): number;
  /** ∂ℒ/∂f, written into `out` (allocated when omitted) and returned. */
  grad(fx: Matrix, y: MatrixLike, out?: Matrix): Matrix;
}
