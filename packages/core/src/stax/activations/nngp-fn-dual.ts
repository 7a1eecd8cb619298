import { NumericalError } from '../../errors';
import type { Activation } from '../activation';

/** A user's closed form of 𝒯(Σ) = E[φ(u)φ(v)] for (u, v) ~ 𝒩(0, [[q11, q12], [q12, q22]]). */
export type NngpFn = (q11: number, q12: number, q22: number) => number;

/** Relative step of the finite differences in q12, in units of √(q11 q22). */
const STEP = 1e-3;

/**
 * ∂𝒯/∂q12 by fourth-order finite differences in q12, kept inside the
 * admissible range |q12| ≤ √(q11 q22) (where many closed forms stop being
 * defined): the central five-point stencil when it fits, else the one-sided
 * stencil pointing inwards.
 */
function derivativeInQ12(nngpFn: NngpFn, q11: number, q12: number, q22: number): number {
  const s = Math.sqrt(q11 * q22);
  const h = STEP * (s > 0 ? s : Math.max(q11, q22, Math.abs(q12), 1e-300));
  if (s === 0 || Math.abs(q12) + 2 * h <= s) {
    return (nngpFn(q11, q12 - 2 * h, q22) - 8 * nngpFn(q11, q12 - h, q22) + 8 * nngpFn(q11, q12 + h, q22) - nngpFn(q11, q12 + 2 * h, q22)) / (12 * h);
  }
  const d = q12 > 0 ? -h : h;
  const f = (i: number) => nngpFn(q11, q12 + i * d, q22);
  return (-25 * f(0) + 48 * f(1) - 36 * f(2) + 16 * f(3) - 3 * f(4)) / (12 * d);
}

/**
 * An activation whose dual the user gives in closed form (Neural Tangents'
 * `Elementwise(fn, nngp_fn)`): 𝒯 = nngpFn(q11, q12, q22), and the NTK's
 * 𝒯̇(Σ) = E[φ′(u)φ′(v)] = ∂𝒯/∂q12 — Price's theorem (Price 1958), the
 * identity Neural Tangents derives 𝒯̇ from by automatic differentiation; here
 * by fourth-order finite differences (about 1e−10 relative for a smooth 𝒯).
 */
export function nngpFnActivation(name: string, fn: (x: number) => number, grad: (x: number) => number, nngpFn: NngpFn): Omit<Activation, 'localOnly'> {
  const check = (v: number, what: string, q11: number, q12: number, q22: number): number => {
    if (!Number.isFinite(v)) {
      throw new NumericalError(
        `${name}: ${what} at (q11, q12, q22) = (${q11}, ${q12}, ${q22}) is ${v}; nngpFn must return a finite E[φ(u)φ(v)] for every covariance with |q12| ≤ √(q11·q22) (and near it, for the derivative)`,
      );
    }
    return v;
  };
  return {
    name,
    fn,
    grad,
    dual(q11, q12, q22, out, wantDot) {
      out[0] = check(nngpFn(q11, q12, q22), 'nngpFn', q11, q12, q22);
      if (wantDot) out[1] = check(derivativeInQ12(nngpFn, q11, q12, q22), '∂nngpFn/∂q12', q11, q12, q22);
    },
  };
}
