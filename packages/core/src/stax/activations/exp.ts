import { activationType } from '../activation';
import { readFiniteOptions } from './scale-options';

/** Options of {@link exp}: φ(x) = a·e^{b·x}. */
export interface ExpOptions {
  /** Output scale a (default 1). */
  a?: number;
  /** Rate b (default 1). */
  b?: number;
}

function readOptions(where: string, options: ExpOptions = {}): Required<ExpOptions> {
  return readFiniteOptions(where, options, { a: 1, b: 1 });
}

/**
 * φ(x) = a·e^{b·x}, Neural Tangents' `Exp(a, b)`. The moment generating
 * function of the Gaussian (u, v) gives the dual in closed form:
 *   𝒯(Σ) = a²·exp(b²(q11 + q22)/2 + b²·q12),   𝒯̇(Σ) = b²·𝒯(Σ).
 * Entry-wise in (q11, q12, q22); a spatial version applies it per pair of
 * positions with the variances of those positions.
 */
export const exp = activationType({
  type: 'exp',
  create: (options: ExpOptions = {}) => {
    const { a, b } = readOptions('stax.exp', options);
    const a2 = a * a;
    const b2 = b * b;
    return {
      name: `Exp(${a}, ${b})`,
      fn: (x: number) => a * Math.exp(b * x),
      grad: (x: number) => a * b * Math.exp(b * x),
      dual(q11: number, q12: number, q22: number, out: Float64Array, wantDot: boolean) {
        const t = a2 * Math.exp(b2 * (0.5 * (q11 + q22) + q12));
        out[0] = t;
        if (wantDot) out[1] = b2 * t;
      },
      tfjs: (tf, h) => tf.mul(tf.exp(tf.mul(h, b)), a),
    };
  },
  toSpec: (options: ExpOptions = {}) => [readOptions('stax.exp', options)],
});
