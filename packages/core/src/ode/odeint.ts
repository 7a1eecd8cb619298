import { vectorArg, type VectorLike } from '../arrays/vector';
import { InputError } from '../errors';
import { checkOptions } from '../options';
import { checkedDerivative } from './checked-derivative';
import { integrateDopri5 } from './dopri5';
import { eulerStep } from './euler';
import { integrateFixed } from './fixed-step';
import { rk4Step } from './rk4';
import type { Derivative, OdeSolution, OdeStats } from './types';

export interface OdeintOptions {
  /** `'dopri5'` (default, adaptive), `'rk4'` or `'euler'` (fixed step `dt`). */
  method?: 'dopri5' | 'rk4' | 'euler';
  /** Relative tolerance of dopri5 (default 1e-8). */
  rtol?: number;
  /** Absolute tolerance of dopri5 (default 1e-10). */
  atol?: number;
  /** Step of the fixed-step methods (required for them); dopri5's first step if given. */
  dt?: number;
  /** Most steps (accepted + rejected) dopri5 may take (default 100 000). */
  maxSteps?: number;
}

const OPTIONS = ['method', 'rtol', 'atol', 'dt', 'maxSteps'] as const;

function positive(name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new InputError(`ode.odeint: ${name} must be a positive finite number, got ${String(v)}`);
  return v;
}

/**
 * Solves dy/dt = f(y, t) from y(ts[0]) = y0 and returns y at every time in
 * `ts` (strictly increasing; `ys[0]` is y0), like `jax.experimental.ode.odeint`.
 * The returned array carries `stats` (steps, rejected steps, evaluations of f).
 *
 * @example
 * ```ts
 * // Exponential decay dy/dt = −y: y(1) = e⁻¹.
 * const ys = ode.odeint((y) => y.map((v) => -v), Float64Array.of(1), [0, 1]);
 * ys[1][0]; // 0.36787944117…
 * ys.stats.steps;
 * ```
 */
export function odeint(f: Derivative, y0: VectorLike, tsIn: VectorLike, options: OdeintOptions = {}): OdeSolution {
  checkOptions('ode.odeint', options, OPTIONS);
  const { method = 'dopri5', rtol = 1e-8, atol = 1e-10, dt, maxSteps = 100_000 } = options;
  if (typeof f !== 'function') throw new InputError('ode.odeint: f must be a function (y, t) => dy/dt');
  const y = vectorArg('ode.odeint', 'y0', y0);
  // Times as a plain array: linspace(…) and other typed arrays are welcome.
  const ts = Array.from(vectorArg('ode.odeint', 'ts', tsIn));
  ts.forEach((t, i) => {
    if (!Number.isFinite(t)) throw new InputError(`ode.odeint: ts[${i}] is ${t}; times must be finite`);
    if (i > 0 && !(t > ts[i - 1])) throw new InputError(`ode.odeint: ts must be strictly increasing, but ts[${i}] = ${t} follows ${ts[i - 1]}`);
  });
  positive('rtol', rtol);
  positive('atol', atol);
  if (!Number.isInteger(maxSteps) || maxSteps < 1) throw new InputError(`ode.odeint: maxSteps must be a positive integer, got ${maxSteps}`);
  const stats: OdeStats = { steps: 0, rejected: 0, evaluations: 0 };
  const checked = checkedDerivative(f, y.length, stats);
  let ys: Float64Array[];
  switch (method) {
    case 'dopri5':
      ys = integrateDopri5(checked, y, ts, { rtol, atol, maxSteps, ...(dt === undefined ? {} : { firstStep: positive('dt', dt) }) }, stats);
      break;
    case 'rk4':
    case 'euler':
      if (dt === undefined) throw new InputError(`ode.odeint: method '${method}' has a fixed step; pass dt`);
      ys = integrateFixed(method === 'rk4' ? rk4Step : eulerStep, checked, y, ts, positive('dt', dt), stats);
      break;
    default:
      throw new InputError(`ode.odeint: unknown method ${JSON.stringify(method)}; use 'dopri5', 'rk4' or 'euler'`);
  }
  return Object.assign(ys, { stats });
}
