import type { CheckedDerivative } from './types';

/** One explicit Euler step, y + h·f(y, t): first order, global error O(h). */
export function eulerStep(f: CheckedDerivative, t: number, y: Float64Array, h: number): Float64Array {
  const k = f(y, t);
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = y[i] + h * k[i];
  return out;
}
