import { erfRow, simdRows } from '../../simd/rows';
import { angleRight } from '../../special/atan';
import { erf as erfFn } from '../../special/erf';
import { activationType, type Activation } from '../activation';
import { readScaleOptions, type ScaleOptions } from './scale-options';

const TWO_OVER_SQRT_PI = 1.1283791670955126;

/**
 * The dual of φ(x) = a·erf(b·x) + c in closed form (Williams 1997; Lee et al.
 * 2019, eqs. S17–S18 for a = b = 1, c = 0). With Q = b²Σ and D = det(I + 2Q):
 *   𝒯(Σ) = a² · (2/π) · arcsin(2 Q12 / √((1 + 2 Q11)(1 + 2 Q22))) + c²,
 *   𝒯̇(Σ) = a² b² · (4/π) · D^{−1/2}.
 * The arcsine is evaluated as the angle atan2(2 Q12, √D) (same value, stable
 * near ±1), with `angleRight`, a fast atan; rows of entries run on
 * WebAssembly SIMD (`simd/rows`).
 */
export function erfActivation(name: string, { a, b, c }: Required<ScaleOptions>): Activation {
  const b2 = b * b;
  const a2 = a * a;
  const twoB2 = 2 * b2;
  const scale = a2 * (2 / Math.PI);
  const shift = c * c;
  const dotScale = a2 * b2 * (4 / Math.PI);
  return {
    name,
    fn: (x) => a * erfFn(b * x) + c,
    grad: (x) => a * b * TWO_OVER_SQRT_PI * Math.exp(-b2 * x * x),
    dual(q11, q12, q22, out, wantDot) {
      const s11 = 1 + twoB2 * q11;
      const s22 = 1 + twoB2 * q22;
      const s12 = twoB2 * q12;
      const det = s11 * s22 - s12 * s12;
      const root = Math.sqrt(det > 0 ? det : 0);
      out[0] = scale * angleRight(s12, root) + shift;
      if (wantDot) out[1] = dotScale / root;
    },
    // Rows two entries at a time on SIMD, with the same arithmetic (and bits) as `dual`.
    nativeDual: { kind: 'erf', twoB2, scale, shift, dotScale },
    ...(simdRows() ? { dualRow: (q11, q12, q22, n, t, tDot) => erfRow(1 + twoB2 * q11, q12, q22, n, t, tDot, twoB2, scale, shift, dotScale) } : {}),
    tfjs: (tf, h) => tf.add(tf.mul(tf.erf(tf.mul(h, b)), a), c),
  };
}

/**
 * φ(x) = a·erf(b·x) + c (default erf(x)), Neural Tangents' `Erf(a, b, c)`;
 * closed-form kernels (Lee et al. 2019, eqs. S17–S18).
 */
export const erf = activationType({
  type: 'erf',
  create: (options: ScaleOptions = {}) => {
    const o = readScaleOptions('stax.erf', options);
    return erfActivation(`Erf(${o.a}, ${o.b}, ${o.c})`, o);
  },
  toSpec: (options: ScaleOptions = {}) => [readScaleOptions('stax.erf', options)],
});
