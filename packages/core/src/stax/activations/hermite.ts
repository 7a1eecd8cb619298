import { InputError } from '../../errors';
import { activationType } from '../activation';
import { factorial, reducedMehlerDual, type ReducedCoefficients } from './reduced-hermite';

/** He_d(x)/√d! by the three-term recurrence (stable where the power form cancels). */
function normalisedHermite(d: number, x: number): number {
  let prev = 0;
  let cur = 1;
  for (let k = 0; k < d; k++) {
    // h_{k+1} = (x·h_k − √k·h_{k−1})/√(k+1) for h_k = He_k/√k!.
    const next = (x * cur - Math.sqrt(k) * prev) / Math.sqrt(k + 1);
    prev = cur;
    cur = next;
  }
  return cur;
}

/**
 * Reduced coefficients (see `reduced-hermite.ts`) of √scale·h_d, h_d = He_d/√d!:
 * He_d(√q z) = Σ_i d!/(i!(d−2i)!)·q^{(d−2i)/2}·((q − 1)/2)^i·He_{d−2i}(z), so
 * ã_{d−2i}(q) = √scale·√(d!)/(i!·√((d−2i)!))·((q − 1)/2)^i — all of one sign, no cancellation.
 */
function hermiteCoefficients(d: number, scale: number): ReducedCoefficients {
  return (q, out) => {
    out.fill(0);
    let power = 1;
    for (let i = 0; 2 * i <= d; i++) {
      const l = d - 2 * i;
      out[l] = (Math.sqrt(scale * factorial(d)) / (factorial(i) * Math.sqrt(factorial(l)))) * power;
      power *= 0.5 * (q - 1);
    }
  };
}

/**
 * φ(x) = He_d(x)/√d!, the probabilists' Hermite polynomial normalised to
 * unit norm under 𝒩(0, 1) — Neural Tangents' `Hermite(degree)`. Neural
 * Tangents assumes unit-variance pre-activations, where Mehler's formula gives
 * 𝒯 = q12^d and 𝒯̇ = d·q12^{d−1} (as h_d′ = √d·h_{d−1}). This layer uses the
 * exact expansion at any variance (`hermiteCoefficients` above), which equals
 * those at q11 = q22 = 1 and keeps agreeing with finite networks elsewhere.
 * Entry-wise, so a spatial version applies it per pair of positions.
 */
export const hermite = activationType({
  type: 'hermite',
  create: (degree: number) => {
    if (!Number.isInteger(degree) || degree < 0 || degree > 60) {
      throw new InputError(`stax.hermite: degree must be an integer from 0 to 60, got ${degree}`);
    }
    const d = degree;
    const gradScale = Math.sqrt(d);
    return {
      name: `Hermite(${d})`,
      fn: (x: number) => normalisedHermite(d, x),
      grad: (x: number) => (d === 0 ? 0 : gradScale * normalisedHermite(d - 1, x)),
      dual: reducedMehlerDual(hermiteCoefficients(d, 1), d + 1, d === 0 ? (_q, out) => out.fill(0) : hermiteCoefficients(d - 1, d), Math.max(d, 1)),
      tfjs: (tf, h) => {
        let prev = tf.zerosLike(h);
        let cur = tf.onesLike(h);
        for (let k = 0; k < d; k++) {
          const next = tf.div(tf.sub(tf.mul(h, cur), tf.mul(prev, Math.sqrt(k))), Math.sqrt(k + 1));
          prev = cur;
          cur = next;
        }
        return cur;
      },
    };
  },
});
