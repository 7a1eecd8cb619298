import { InputError } from '../../errors';
import { activationType } from '../activation';
import { derivativeCoefficients, horner, polynomialCoefficients, reducedMehlerDual } from './reduced-hermite';

/**
 * φ(x) = coefficients[0] + coefficients[1]·x + … + coefficients[n]·xⁿ,
 * Neural Tangents' `Polynomial(coef)` (numpy's order: constant first). By
 * Mehler's formula with the Hermite expansion of each power (see
 * `reduced-hermite.ts`), 𝒯(Σ) = Σ_l ã_l(q11)·ã_l(q22)·q12^l exactly, and 𝒯̇
 * likewise from the coefficients of φ′ — the series Neural Tangents sums.
 * Entry-wise, so a spatial version applies it per pair of positions.
 */
export const polynomial = activationType({
  type: 'polynomial',
  create: (coefficients: readonly number[]) => {
    if (
      !Array.isArray(coefficients) ||
      coefficients.length === 0 ||
      coefficients.length > 41 ||
      !coefficients.every((c) => typeof c === 'number' && Number.isFinite(c))
    ) {
      throw new InputError(
        `stax.polynomial: coefficients must be a non-empty array of at most 41 finite numbers, constant term first (e.g. [0, 1, 0.5] for x + x²/2), got ${JSON.stringify(coefficients)}`,
      );
    }
    const coef = [...coefficients];
    const grad = derivativeCoefficients(coef);
    return {
      name: `Polynomial([${coef.join(', ')}])`,
      fn: (x: number) => horner(coef, x),
      grad: (x: number) => horner(grad, x),
      dual: reducedMehlerDual(polynomialCoefficients(coef), coef.length, polynomialCoefficients(grad), Math.max(grad.length, 1)),
      tfjs: (tf, h) => {
        let out = tf.mul(tf.onesLike(h), coef[coef.length - 1]);
        for (let m = coef.length - 2; m >= 0; m--) out = tf.add(tf.mul(out, h), coef[m]);
        return out;
      },
    };
  },
  toSpec: (coefficients: readonly number[]) => [[...coefficients]],
});
