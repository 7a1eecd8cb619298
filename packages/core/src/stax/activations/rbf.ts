import { InputError } from '../../errors';
import { activationType } from '../activation';

/**
 * The activation whose NNGP dual is the squared-exponential (RBF) kernel,
 * Neural Tangents' `Rbf(gamma)`: φ(x) = √2·sin(√(2γ)·x + π/4), for which
 *   𝒯(Σ) = exp(−γ(q11 + q22 − 2q12)) = exp(−γ·E[(u − v)²]),   𝒯̇(Σ) = 2γ·𝒯(Σ).
 * After a dense layer on inputs of dimension d this is exp(−γσ_w²‖x − x′‖²/d),
 * the RBF kernel with length scale l, γ = 1/(2l²). (The sin formula gives an
 * extra term ∝ cos(π/2) = 0, dropped here exactly as Neural Tangents does.)
 * Entry-wise, so a spatial version applies it per pair of positions.
 */
export const rbf = activationType({
  type: 'rbf',
  create: (gamma = 1) => {
    if (typeof gamma !== 'number' || !(gamma > 0) || !Number.isFinite(gamma)) {
      throw new InputError(`stax.rbf: gamma must be a positive finite number (γ = 1/(2·lengthScale²)), got ${gamma}`);
    }
    const rate = Math.sqrt(2 * gamma);
    return {
      name: `Rbf(${gamma})`,
      fn: (x: number) => Math.SQRT2 * Math.sin(rate * x + Math.PI / 4),
      grad: (x: number) => Math.SQRT2 * rate * Math.cos(rate * x + Math.PI / 4),
      dual(q11: number, q12: number, q22: number, out: Float64Array, wantDot: boolean) {
        const t = Math.exp(-gamma * (q11 + q22 - 2 * q12));
        out[0] = t;
        if (wantDot) out[1] = 2 * gamma * t;
      },
      tfjs: (tf, h) => tf.mul(tf.sin(tf.add(tf.mul(h, rate), Math.PI / 4)), Math.SQRT2),
    };
  },
  toSpec: (gamma = 1) => [gamma],
});
