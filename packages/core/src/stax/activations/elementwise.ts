import { InputError } from '../../errors';
import { checkOptions, positiveInteger } from '../../options';
import { gaussHermite } from '../../special/gauss-hermite';
import { activationLayer, type Activation } from '../activation';
import type { Layer } from '../types';

export interface ElementwiseOptions {
  /** Quadrature points per dimension (default 64); cost grows as degree². */
  degree?: number;
  /** φ′; if omitted, a fourth-order central difference of `fn` is used for the NTK and backward passes. */
  grad?: (x: number) => number;
}

/** φ′ by the five-point central difference, error O(h⁴) with h scaled to |x|. */
export function numericalDerivative(fn: (x: number) => number): (x: number) => number {
  return (x) => {
    const h = 1e-3 * Math.max(1, Math.abs(x));
    return (fn(x - 2 * h) - 8 * fn(x - h) + 8 * fn(x + h) - fn(x + 2 * h)) / (12 * h);
  };
}

/**
 * The dual of any activation by two-dimensional Gauss–Hermite quadrature (as
 * Neural Tangents' `ElementwiseNumerical`): with (u, v) written through the
 * Cholesky factor of Σ,
 *   u = √(2 q11) x,  v = q12 √(2/q11) x + √(2 (q22 − q12²/q11)) y,
 *   E[g(u) g(v)] ≈ Σᵢⱼ wᵢ wⱼ g(uᵢ) g(vᵢⱼ) / π.
 * Exponentially accurate for smooth φ; for kinks (ReLU, |x|) the error decays
 * only algebraically in `degree`, so prefer the closed forms there.
 */
export function quadratureActivation(
  fn: (x: number) => number,
  grad: (x: number) => number,
  degree: number,
): Activation {
  const { nodes, weights } = gaussHermite(degree);
  const fu = new Float64Array(degree);
  const gu = new Float64Array(degree);
  return {
    fn,
    grad,
    dual(q11, q12, q22, out, wantDot) {
      const su = Math.sqrt(2 * Math.max(q11, 0));
      const a = q11 > 0 ? q12 * Math.sqrt(2 / q11) : 0;
      const resid = q11 > 0 ? q22 - (q12 * q12) / q11 : q22;
      const sv = Math.sqrt(2 * Math.max(resid, 0));
      for (let i = 0; i < degree; i++) {
        fu[i] = fn(su * nodes[i]);
        if (wantDot) gu[i] = grad(su * nodes[i]);
      }
      let t = 0;
      let tDot = 0;
      for (let i = 0; i < degree; i++) {
        const base = a * nodes[i];
        let rowT = 0;
        let rowDot = 0;
        for (let j = 0; j < degree; j++) {
          const v = base + sv * nodes[j];
          rowT += weights[j] * fn(v);
          if (wantDot) rowDot += weights[j] * grad(v);
        }
        t += weights[i] * fu[i] * rowT;
        if (wantDot) tDot += weights[i] * gu[i] * rowDot;
      }
      out[0] = t / Math.PI;
      if (wantDot) out[1] = tDot / Math.PI;
    },
  };
}

/**
 * Any pointwise activation φ = `fn`, its kernels by Gauss–Hermite quadrature
 * (see {@link quadratureActivation}).
 *
 * To use it with `batch` on worker threads, `fn` (and `grad`) must be
 * self-contained — refer to nothing outside their own body — because workers
 * rebuild them from their source text.
 *
 * @example
 * ```ts
 * const swish = stax.elementwise((x) => x / (1 + Math.exp(-x)), { degree: 48 });
 * ```
 */
export function elementwise(fn: (x: number) => number, options: ElementwiseOptions = {}): Layer {
  if (typeof fn !== 'function') {
    throw new InputError('stax.elementwise: needs the activation function, e.g. stax.elementwise((x) => Math.tanh(x))');
  }
  checkOptions('stax.elementwise', options, ['degree', 'grad']);
  const { degree = 64, grad } = options;
  positiveInteger('stax.elementwise', 'degree', degree);
  if (degree > 400) throw new InputError(`stax.elementwise: degree ${degree} is too large (cost grows as degree²); use at most 400`);
  if (grad !== undefined && typeof grad !== 'function') {
    throw new InputError('stax.elementwise: grad must be a function x => φ′(x) when given');
  }
  const derivative = grad ?? numericalDerivative(fn);
  const spec = {
    type: 'elementwise',
    args: [{ fn: fn.toString(), grad: grad?.toString(), degree }],
  };
  return activationLayer(`Elementwise(${fn.name || 'fn'}, degree=${degree})`, spec,
    quadratureActivation(fn, derivative, degree));
}
