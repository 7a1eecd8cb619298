import { normalCdf, normalPdf } from '../../special/erf';
import { activationLayer, type Activation, type ActivationLayer } from '../activation';

/**
 * The dual of GELU, φ(x) = x·Φ(x), in closed form (Tsuchida, Pearce, van der
 * Heide, Roosta & Gallagher, "Avoiding kernel fixed points: computing with ELU
 * and GELU infinite networks", 2021), written as in Neural Tangents' `Gelu`.
 * With P = (q11 + 1)(q22 + 1), δ = √(P − q12²) and α = atan2(q12, δ):
 *   𝒯(Σ) = q12/4 + [ (q12² + q11 q22 δ²) / (P δ) + q12 α ] / (2π),
 *   𝒯̇(Σ) = 1/4 + α/(2π) + q12 / (2π δ) · (1/δ² + (1 − q11 q22)/P + 1).
 */
export const geluActivation: Activation = {
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
};

/** GELU, φ(x) = x·Φ(x) with Φ the standard normal CDF (exact, not the tanh approximation). */
export function gelu(): ActivationLayer {
  return activationLayer('Gelu', { type: 'gelu', args: [] }, geluActivation);
}
