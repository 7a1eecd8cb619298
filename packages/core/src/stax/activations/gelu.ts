import { normalCdf, normalPdf } from '../../special/erf';
import { activationType, type Activation } from '../activation';

/**
 * The dual of GELU, φ(x) = x·Φ(x), in closed form (Tsuchida, Pearce, van der
 * Heide, Roosta & Gallagher, "Avoiding kernel fixed points: computing with ELU
 * and GELU infinite networks", 2021), written as in Neural Tangents' `Gelu`.
 * With P = (q11 + 1)(q22 + 1), δ = √(P − q12²) and α = atan2(q12, δ):
 *   𝒯(Σ) = q12/4 + [ (q12² + q11 q22 δ²) / (P δ) + q12 α ] / (2π),
 *   𝒯̇(Σ) = 1/4 + α/(2π) + q12 / (2π δ) · (1/δ² + (1 − q11 q22)/P + 1).
 */
export const geluActivation: Activation = {
  name: 'Gelu',
  fn: (x) => x * normalCdf(x),
  grad: (x) => normalCdf(x) + x * normalPdf(x),
  dual(q11, q12, q22, out, wantDot) {
    const prodPlus1 = (q11 + 1) * (q22 + 1);
    const prod = q11 * q22;
    const delta2 = prodPlus1 - q12 * q12;
    const delta = Math.sqrt(delta2);
    const angle = Math.atan2(q12, delta);
    out[0] = 0.25 * q12 + ((q12 * q12 + prod * delta2) / (prodPlus1 * delta) + q12 * angle) / (2 * Math.PI);
    if (wantDot) {
      const first = ((1 / delta2 + (1 - prod) / prodPlus1 + 1) * q12) / delta / (2 * Math.PI);
      out[1] = first + 0.25 + angle / (2 * Math.PI);
    }
  },
  // x·Φ(x) = ½x(1 + erf(x/√2)): the exact GELU, not the tanh approximation.
  tfjs: (tf, h) => tf.mul(tf.mul(h, 0.5), tf.add(tf.erf(tf.mul(h, Math.SQRT1_2)), 1)),
};

/** GELU, φ(x) = x·Φ(x) with Φ the standard normal CDF (exact, not the tanh approximation). */
export const gelu = activationType({ type: 'gelu', create: () => geluActivation });
