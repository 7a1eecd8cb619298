import { NumericalError, ShapeError } from '../errors';
import type { CheckedDerivative, Derivative, OdeStats } from './types';

/**
 * Wraps f so every evaluation is counted and checked: the right length, and
 * finite values (a NaN or ±Infinity stops the integration with the time at
 * which it appeared, instead of silently spreading).
 */
export function checkedDerivative(f: Derivative, size: number, stats: OdeStats): CheckedDerivative {
  return (y, t) => {
    stats.evaluations++;
    const dy = f(y, t);
    if (!(dy instanceof Float64Array) || dy.length !== size) {
      const got = dy instanceof Float64Array ? `length ${dy.length}` : typeof dy;
      throw new ShapeError(`ode.odeint: f(y, t) must return a Float64Array of length ${size} (the length of y0), got ${got}`);
    }
    for (let i = 0; i < size; i++) {
      if (!Number.isFinite(dy[i])) {
        throw new NumericalError(
          `ode.odeint: f(y, t) returned ${dy[i]} in component ${i} at t = ${t}; the solution may be blowing up (try a smaller time span or check f)`,
        );
      }
    }
    return dy;
  };
}
