import { activationType, type Activation } from '../activation';

/**
 * The dual of φ(x) = sign(x), as Neural Tangents' `Sign`: with
 * θ = atan2(√(q11 q22 − q12²), q12) the angle between the two inputs,
 *   𝒯(Σ) = E[sign(u)·sign(v)] = 1 − 2θ/π
 * (Sheppard's formula; 0 when either variance is 0, as sign(0) = 0), and
 * 𝒯̇ = 0: φ′ vanishes almost everywhere, so no gradient flows through the
 * layer — the NTK below it is zeroed, as in Neural Tangents. Entry-wise, so a
 * spatial version applies it per pair of positions unchanged.
 */
export const signActivation: Activation = {
  name: 'Sign',
  fn: Math.sign,
  grad: () => 0,
  dual(q11, q12, q22, out, wantDot) {
    const gap = q11 * q22 - q12 * q12;
    const theta = q11 > 0 && q22 > 0 ? Math.atan2(gap > 0 ? Math.sqrt(gap) : 0, q12) : Math.PI / 2;
    out[0] = 1 - (2 * theta) / Math.PI;
    if (wantDot) out[1] = 0;
  },
  // tfjs differentiates sign to 0, like grad above.
  tfjs: (tf, h) => tf.sign(h),
};

/** φ(x) = sign(x), Neural Tangents' `Sign()`; closed-form kernels (no gradient flows through it). */
export const sign = activationType({ type: 'sign', create: () => signActivation });
