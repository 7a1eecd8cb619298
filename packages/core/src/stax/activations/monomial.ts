import { InputError } from '../../errors';
import { activationType } from '../activation';
import { derivativeCoefficients, polynomialCoefficients, reducedMehlerDual } from './reduced-hermite';

/**
 * φ(x) = x^degree, Neural Tangents' `Monomial(degree)`. Its dual is the
 * Gaussian moment E[u^d v^d] = Σ_{j ≡ d (2)} (d!)²/(j!·((d−j)/2)!²·2^{d−j})·q12^j·(q11 q22)^{(d−j)/2}
 * (Neural Tangents lists d ≤ 5; the formula, here through Mehler's expansion
 * in `reduced-hermite.ts`, holds for every degree), and 𝒯̇ = d²·E[u^{d−1}v^{d−1}].
 * Entry-wise, so a spatial version applies it per pair of positions.
 */
export const monomial = activationType({
  type: 'monomial',
  create: (degree: number) => {
    if (!Number.isInteger(degree) || degree < 0 || degree > 40) {
      throw new InputError(`stax.monomial: degree must be an integer from 0 to 40 (φ(x) = x^degree), got ${degree}`);
    }
    const coef = Array.from({ length: degree + 1 }, (_, m) => (m === degree ? 1 : 0));
    const grad = derivativeCoefficients(coef);
    return {
      name: `Monomial(${degree})`,
      fn: (x: number) => x ** degree,
      grad: (x: number) => (degree === 0 ? 0 : degree * x ** (degree - 1)),
      dual: reducedMehlerDual(polynomialCoefficients(coef), coef.length, polynomialCoefficients(grad), Math.max(grad.length, 1)),
      // Repeated products rather than pow, whose gradient tfjs also forms with respect to the exponent (log of negatives).
      tfjs: (tf, h) => {
        let out = tf.onesLike(h);
        for (let i = 0; i < degree; i++) out = tf.mul(out, h);
        return out;
      },
    };
  },
});
