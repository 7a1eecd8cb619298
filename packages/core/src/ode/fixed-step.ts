import type { CheckedDerivative, OdeStats } from './types';

export type Stepper = (f: CheckedDerivative, t: number, y: Float64Array, h: number) => Float64Array;

/**
 * Integrates with a fixed-step method: each interval between requested times
 * is cut into ⌈Δt/dt⌉ equal steps, so outputs land exactly on the times asked for.
 */
export function integrateFixed(step: Stepper, f: CheckedDerivative, y0: Float64Array, ts: readonly number[], dt: number, stats: OdeStats): Float64Array[] {
  const out = [y0.slice()];
  let y = y0;
  for (let k = 1; k < ts.length; k++) {
    const span = ts[k] - ts[k - 1];
    const n = Math.max(1, Math.ceil(span / dt - 1e-9));
    const h = span / n;
    for (let s = 0; s < n; s++) {
      y = step(f, ts[k - 1] + s * h, y, h);
      stats.steps++;
    }
    out.push(y.slice());
  }
  return out;
}
