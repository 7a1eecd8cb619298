import { NumericalError } from '../errors';
import type { CheckedDerivative, OdeStats } from './types';

/**
 * Dormand–Prince 5(4) (Dormand & Prince 1980): an explicit Runge–Kutta pair
 * that advances with the fifth-order solution and estimates the local error
 * from the embedded fourth-order one; seven stages with the last reused as the
 * first of the next step ("first same as last"). Output times inside a step
 * come from Shampine's (1986) quartic continuous extension, so requested times
 * never shorten the steps. This is the method of JAX's `odeint`, which Neural
 * Tangents uses for `predict.gradient_descent`.
 */
const C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1];
const A = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
];
const B = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84];
/** b − b̂: the fifth- minus the fourth-order weights (7 stages, the last is FSAL). */
const E = [-71 / 57600, 0, 71 / 16695, -71 / 1920, 17253 / 339200, -22 / 525, 1 / 40];
/** Dense output: y(t + θh) = y + h Σᵢ kᵢ (Pᵢ₁θ + Pᵢ₂θ² + Pᵢ₃θ³ + Pᵢ₄θ⁴). */
const P = [
  [1, -8048581381 / 2820520608, 8663915743 / 2820520608, -12715105075 / 11282082432],
  [0, 0, 0, 0],
  [0, 131558114200 / 32700410799, -68118460800 / 10900136933, 87487479700 / 32700410799],
  [0, -1754552775 / 470086768, 14199869525 / 1410260304, -10690763975 / 1880347072],
  [0, 127303824393 / 49829197408, -318862633887 / 49829197408, 701980252875 / 199316789632],
  [0, -282668133 / 205662961, 2019193451 / 616988883, -1453857185 / 822651844],
  [0, 40617522 / 29380423, -110615467 / 29380423, 69997945 / 29380423],
];

const SAFETY = 0.9;
const MIN_FACTOR = 0.2;
const MAX_FACTOR = 10;
const ERROR_EXPONENT = -1 / 5;

export interface AdaptiveOptions {
  rtol: number;
  atol: number;
  maxSteps: number;
  firstStep?: number;
}

/** Root-mean-square of v / (atol + rtol·max(|y|, |yNew|)). */
function scaledNorm(v: Float64Array, y: Float64Array, yNew: Float64Array, rtol: number, atol: number): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) {
    const scale = atol + rtol * Math.max(Math.abs(y[i]), Math.abs(yNew[i]));
    const r = v[i] / scale;
    s += r * r;
  }
  return Math.sqrt(s / Math.max(1, v.length));
}

/** Hairer, Nørsett & Wanner's starting step (Solving ODEs I, II.4). */
function initialStep(f: CheckedDerivative, t0: number, y0: Float64Array, f0: Float64Array, span: number, o: AdaptiveOptions): number {
  const d0 = scaledNorm(y0, y0, y0, o.rtol, o.atol);
  const d1 = scaledNorm(f0, y0, y0, o.rtol, o.atol);
  const h0 = Math.min(d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1, span);
  const y1 = new Float64Array(y0.length);
  for (let i = 0; i < y0.length; i++) y1[i] = y0[i] + h0 * f0[i];
  const f1 = f(y1, t0 + h0);
  const diff = new Float64Array(y0.length);
  for (let i = 0; i < y0.length; i++) diff[i] = f1[i] - f0[i];
  const d2 = scaledNorm(diff, y0, y0, o.rtol, o.atol) / h0;
  const h1 = Math.max(d1, d2) <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / Math.max(d1, d2), 1 / 5);
  return Math.min(100 * h0, h1, span);
}

/** Integrates dy/dt = f from ts[0] and returns y at every ts[k] (ts strictly increasing). */
export function integrateDopri5(f: CheckedDerivative, y0: Float64Array, ts: readonly number[], o: AdaptiveOptions, stats: OdeStats): Float64Array[] {
  const n = y0.length;
  const out: Float64Array[] = [y0.slice()];
  const tEnd = ts[ts.length - 1];
  let t = ts[0];
  let y = y0.slice();
  let k1 = f(y, t);
  let h = o.firstStep ?? initialStep(f, t, y, k1, tEnd - t, o);
  let next = 1;
  const k: Float64Array[] = new Array(7);
  const stage = new Float64Array(n);
  const err = new Float64Array(n);
  while (next < ts.length) {
    if (stats.steps + stats.rejected >= o.maxSteps) {
      throw new NumericalError(`ode.odeint: dopri5 took ${o.maxSteps} steps before reaching t = ${tEnd} (now at t = ${t}); raise maxSteps or loosen rtol/atol`);
    }
    const reachesEnd = h >= tEnd - t;
    if (reachesEnd) h = tEnd - t;
    if (h <= 16 * Number.EPSILON * Math.max(Math.abs(t), 1)) {
      throw new NumericalError(
        `ode.odeint: dopri5 step size underflow (h = ${h.toExponential(2)}) at t = ${t}; the problem may be stiff or the solution may blow up`,
      );
    }
    k[0] = k1;
    for (let s = 1; s < 6; s++) {
      for (let i = 0; i < n; i++) {
        let acc = 0;
        for (let j = 0; j < s; j++) acc += A[s][j] * k[j][i];
        stage[i] = y[i] + h * acc;
      }
      k[s] = f(stage, t + C[s] * h);
    }
    const yNew = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = 0; j < 6; j++) acc += B[j] * k[j][i];
      yNew[i] = y[i] + h * acc;
    }
    k[6] = f(yNew, t + h);
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = 0; j < 7; j++) acc += E[j] * k[j][i];
      err[i] = h * acc;
    }
    const errorNorm = scaledNorm(err, y, yNew, o.rtol, o.atol);
    if (errorNorm > 1) {
      stats.rejected++;
      h *= Math.max(MIN_FACTOR, SAFETY * Math.pow(errorNorm, ERROR_EXPONENT));
      continue;
    }
    stats.steps++;
    const tNew = reachesEnd ? tEnd : t + h;
    while (next < ts.length && ts[next] <= tNew) {
      out.push(ts[next] === tNew ? yNew.slice() : interpolate(y, k, h, (ts[next] - t) / h));
      next++;
    }
    const factor = errorNorm === 0 ? MAX_FACTOR : Math.min(MAX_FACTOR, SAFETY * Math.pow(errorNorm, ERROR_EXPONENT));
    t = tNew;
    y = yNew;
    k1 = k[6];
    h *= Math.max(MIN_FACTOR, factor);
  }
  return out;
}

function interpolate(y: Float64Array, k: Float64Array[], h: number, theta: number): Float64Array {
  const powers = [theta, theta * theta, theta * theta * theta, theta * theta * theta * theta];
  const weights = P.map((row) => row[0] * powers[0] + row[1] * powers[1] + row[2] * powers[2] + row[3] * powers[3]);
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    let acc = 0;
    for (let j = 0; j < 7; j++) acc += weights[j] * k[j][i];
    out[i] = y[i] + h * acc;
  }
  return out;
}
