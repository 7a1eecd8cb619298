/** The right-hand side dy/dt = f(y, t) (JAX's `odeint` argument order). */
export type Derivative = (y: Float64Array, t: number) => Float64Array;

/** Work done by an integration. */
export interface OdeStats {
  /** Accepted steps. */
  steps: number;
  /** Rejected steps (adaptive methods only). */
  rejected: number;
  /** Evaluations of f. */
  evaluations: number;
}

/** States at the requested times, `ys[i]` at `ts[i]`, with the work it took. */
export type OdeSolution = Float64Array[] & { stats: OdeStats };

/** Evaluates f and checks its result (length, finiteness), counting evaluations. */
export type CheckedDerivative = (y: Float64Array, t: number) => Float64Array;
