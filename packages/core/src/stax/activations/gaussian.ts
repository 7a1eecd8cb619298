import { NumericalError } from '../../errors';
import { activationType } from '../activation';
import { readFiniteOptions } from './scale-options';

/** Options of {@link gaussian}: φ(x) = a·e^{b·x²}. */
export interface GaussianOptions {
  /** Output scale a (default 1). */
  a?: number;
  /** Exponent b (default −1); b > 0 needs pre-activation variances below 1/(4b). */
  b?: number;
}

function readOptions(where: string, options: GaussianOptions = {}): Required<GaussianOptions> {
  return readFiniteOptions(where, options, { a: 1, b: -1 });
}

/**
 * φ(x) = a·e^{b·x²}, Neural Tangents' `Gaussian(a, b)`. The Gaussian
 * integral of e^{b(u² + v²)} against 𝒩(0, Σ) is det(I − 2bΣ)^{−1/2}, so with
 * D = (1 − 2b·q11)(1 − 2b·q22) − 4b²·q12²,
 *   𝒯(Σ) = a²/√D,   𝒯̇(Σ) = ∂𝒯/∂q12 = 4a²b²·q12/D^{3/2}
 * (Price's theorem). For b > 0 the expectation is finite only while D > 0;
 * otherwise the kernel is infinite and this raises a NumericalError. Entry-wise
 * in (q11, q12, q22), so a spatial version applies it per pair of positions.
 */
export const gaussian = activationType({
  type: 'gaussian',
  create: (options: GaussianOptions = {}) => {
    const { a, b } = readOptions('stax.gaussian', options);
    const name = `Gaussian(${a}, ${b})`;
    const a2 = a * a;
    const b2 = b * b;
    return {
      name,
      fn: (x: number) => a * Math.exp(b * x * x),
      grad: (x: number) => 2 * a * b * x * Math.exp(b * x * x),
      dual(q11: number, q12: number, q22: number, out: Float64Array, wantDot: boolean) {
        const d = (1 - 2 * b * q11) * (1 - 2 * b * q22) - 4 * b2 * q12 * q12;
        if (!(d > 0) || 1 - 4 * b * Math.max(q11, q22) <= 0) {
          throw new NumericalError(
            `${name}: E[φ(u)φ(v)] is infinite at pre-activation variances (${q11}, ${q22}): with b = ${b} > 0 they must stay below 1/(4b) = ${1 / (4 * b)}; lower wStd/bStd or use b < 0`,
          );
        }
        const root = Math.sqrt(d);
        out[0] = a2 / root;
        if (wantDot) out[1] = (4 * a2 * b2 * q12) / (d * root);
      },
      tfjs: (tf, h) => tf.mul(tf.exp(tf.mul(tf.square(h), b)), a),
    };
  },
  toSpec: (options: GaussianOptions = {}) => [readOptions('stax.gaussian', options)],
});
