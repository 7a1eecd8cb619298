import { activationType, type Activation } from '../activation';
import { readScaleOptions, type ScaleOptions } from './scale-options';

/**
 * The dual of φ(x) = a·sin(b·x + c) in closed form, from
 * sin α sin β = ½[cos(α − β) − cos(α + β)] and E[cos(t·z)] = e^{−t² var(z)/2}:
 *   s₁ = exp(b²(q12 − (q11 + q22)/2)),  s₂ = exp(−b²(q12 + (q11 + q22)/2))·cos 2c,
 *   𝒯(Σ) = a²/2 · (s₁ − s₂),  𝒯̇(Σ) = a² b²/2 · (s₁ + s₂).
 */
export function sinActivation(name: string, { a, b, c }: Required<ScaleOptions>): Activation {
  const halfA2 = (a * a) / 2;
  const b2 = b * b;
  const cos2c = Math.cos(2 * c);
  return {
    name,
    fn: (x) => a * Math.sin(b * x + c),
    grad: (x) => a * b * Math.cos(b * x + c),
    dual(q11, q12, q22, out, wantDot) {
      const halfSum = 0.5 * (q11 + q22);
      const s1 = Math.exp(b2 * (q12 - halfSum));
      const s2 = Math.exp(-b2 * (q12 + halfSum)) * cos2c;
      out[0] = halfA2 * (s1 - s2);
      if (wantDot) out[1] = halfA2 * b2 * (s1 + s2);
    },
    tfjs: (tf, h) => tf.mul(tf.sin(tf.add(tf.mul(h, b), c)), a),
  };
}

/** φ(x) = a·sin(b·x + c) (default sin x), Neural Tangents' `Sin(a, b, c)`; closed-form kernels. */
export const sin = activationType({
  type: 'sin',
  create: (options: ScaleOptions = {}) => {
    const o = readScaleOptions('stax.sin', options);
    return sinActivation(`Sin(${o.a}, ${o.b}, ${o.c})`, o);
  },
  toSpec: (options: ScaleOptions = {}) => [readScaleOptions('stax.sin', options)],
});
