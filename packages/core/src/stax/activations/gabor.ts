import { activationType, type Activation } from '../activation';

/**
 * The dual of the Gabor function φ(x) = e^{−x²}·sin x, Neural Tangents'
 * `Gabor()`. Writing sin u·sin v = ½[cos(u − v) − cos(u + v)], each term is
 * the Gaussian integral E[e^{−u²−v²+i·tᵀ(u, v)}] = D^{−1/2}·exp(−½ tᵀΣ(I + 2Σ)^{−1}t)
 * with t = (1, ∓1), D = det(I + 2Σ) = 1 + 2S + 4g, S = q11 + q22 and
 * g = q11 q22 − q12², and tᵀΣ(I + 2Σ)^{−1}t = (S + 4g ∓ 2q12)/D. So
 *   𝒯(Σ) = ½D^{−1/2}·(E₋ − E₊),   E∓ = exp(−(S + 4g ∓ 2q12)/(2D)),
 * which is Neural Tangents' expression, and 𝒯̇ = ∂𝒯/∂q12 (Price's theorem),
 * differentiated here by hand: with ∂D/∂q12 = −8q12,
 *   𝒯̇ = 2q12·D^{−3/2}(E₋ − E₊) + ½D^{−1/2}(E₋L₋ − E₊L₊),
 *   L∓ = [(8q12 ± 2)·D − 8q12·(S + 4g ∓ 2q12)] / (2D²).
 * Entry-wise, so a spatial version applies it per pair of positions.
 */
export const gaborActivation: Activation = {
  name: 'Gabor',
  fn: (x) => Math.exp(-x * x) * Math.sin(x),
  grad: (x) => Math.exp(-x * x) * (Math.cos(x) - 2 * x * Math.sin(x)),
  dual(q11, q12, q22, out, wantDot) {
    const sum = q11 + q22;
    const g4 = 4 * (q11 * q22 - q12 * q12);
    const d = 1 + 2 * sum + g4;
    const nMinus = sum + g4 - 2 * q12;
    const nPlus = sum + g4 + 2 * q12;
    const eMinus = Math.exp(-nMinus / (2 * d));
    const ePlus = Math.exp(-nPlus / (2 * d));
    const root = Math.sqrt(d);
    out[0] = (0.5 * (eMinus - ePlus)) / root;
    if (wantDot) {
      const lMinus = ((8 * q12 + 2) * d - 8 * q12 * nMinus) / (2 * d * d);
      const lPlus = ((8 * q12 - 2) * d - 8 * q12 * nPlus) / (2 * d * d);
      out[1] = (2 * q12 * (eMinus - ePlus)) / (d * root) + (0.5 * (eMinus * lMinus - ePlus * lPlus)) / root;
    }
  },
  tfjs: (tf, h) => tf.mul(tf.exp(tf.neg(tf.square(h))), tf.sin(h)),
};

/** The Gabor function φ(x) = e^{−x²}·sin(x), Neural Tangents' `Gabor()`; closed-form kernels. */
export const gabor = activationType({ type: 'gabor', create: () => gaborActivation });
