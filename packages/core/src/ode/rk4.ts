import type { CheckedDerivative } from './types';

/** One classical fourth-order Runge–Kutta step: global error O(h⁴). */
export function rk4Step(f: CheckedDerivative, t: number, y: Float64Array, h: number): Float64Array {
  const n = y.length;
  const tmp = new Float64Array(n);
  const k1 = f(y, t);
  for (let i = 0; i < n; i++) tmp[i] = y[i] + 0.5 * h * k1[i];
  const k2 = f(tmp, t + 0.5 * h);
  for (let i = 0; i < n; i++) tmp[i] = y[i] + 0.5 * h * k2[i];
  const k3 = f(tmp, t + 0.5 * h);
  for (let i = 0; i < n; i++) tmp[i] = y[i] + h * k3[i];
  const k4 = f(tmp, t + h);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = y[i] + (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
  return out;
}
