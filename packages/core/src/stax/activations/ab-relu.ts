import { InputError } from '../../errors';
import { activationLayer, type Activation, type ActivationLayer } from '../activation';
import type { LayerSpec } from '../types';

/**
 * The dual of φ(x) = a·min(x, 0) + b·max(x, 0) in closed form, from the
 * arc-cosine kernels of Cho & Saul (2009) — eqs. (S13)–(S16) for ReLU (a = 0,
 * b = 1), generalised as in Neural Tangents' `ABRelu`. With
 * θ = arccos(q12/√(q11 q22)):
 *   𝒯(Σ) = (a−b)²/(2π) · √(q11 q22 − q12²) + ((a²+b²)/2 − (a−b)²θ/(2π)) · q12,
 *   𝒯̇(Σ) = (a²+b²)/2 − (a−b)²θ/(2π).
 * θ is computed as atan2(√(q11 q22 − q12²), q12), which keeps full precision
 * near θ = 0 and π where arccos does not.
 */
export function abReluActivation(a: number, b: number): Activation {
  const factor = ((a - b) * (a - b)) / (2 * Math.PI);
  const half = (a * a + b * b) / 2;
  return {
    fn: (x) => (x > 0 ? b * x : a * x),
    grad: (x) => (x > 0 ? b : a),
    dual(q11, q12, q22, out, wantDot) {
      const gap = q11 * q22 - q12 * q12;
      const root = gap > 0 ? Math.sqrt(gap) : 0;
      const theta = root === 0 && q12 === 0 ? Math.PI / 2 : Math.atan2(root, q12);
      const dot = half - factor * theta;
      out[0] = factor * root + dot * q12;
      if (wantDot) out[1] = dot;
    },
  };
}

/** Builds a piecewise-linear activation layer; relu, leakyRelu and abs use it with their own names. */
export function abReluLayer(a: number, b: number, name: string, spec: LayerSpec): ActivationLayer {
  for (const [label, v] of [['a', a], ['b', b]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InputError(`stax.${spec.type}: slope ${label} must be a finite number, got ${v}`);
    }
  }
  return activationLayer(name, spec, abReluActivation(a, b));
}

/**
 * φ(x) = a·min(x, 0) + b·max(x, 0): slope a for x < 0, b for x > 0.
 * Neural Tangents' `ABRelu(a, b)`.
 */
export function abRelu(a: number, b: number): ActivationLayer {
  return abReluLayer(a, b, `ABRelu(${a}, ${b})`, { type: 'abRelu', args: [a, b] });
}
