import { InputError } from '../../errors';
import { activationType } from '../activation';

/**
 * The polynomials A_n, B_n (coefficients in c = cos θ, constant first) of the
 * arc-cosine kernels of Cho & Saul (2009),
 *   J_n(θ) = (−1)^n·(sin θ)^{2n+1}·((1/sin θ)·∂/∂θ)^n((π − θ)/sin θ)
 *          = (−1)^n·[A_n(cos θ)·(π − θ) + B_n(cos θ)·sin θ].
 * Differentiating the bracket over sin^{2n+1} once more gives
 *   A_{n+1} = −(1 − c²)A_n′ − (2n+1)c·A_n,   B_{n+1} = −A_n − (1 − c²)B_n′ − 2n·c·B_n,
 * from A_0 = 1, B_0 = 0 (J_1 = sin θ + (π − θ)cos θ, J_2 = 3 sin θ cos θ + (π − θ)(1 + 2cos²θ)).
 */
function arcCosinePolynomials(n: number): [number[], number[]] {
  let a = [1];
  let b = [0];
  for (let k = 0; k < n; k++) {
    const nextA = new Array<number>(a.length + 1).fill(0);
    const nextB = new Array<number>(Math.max(a.length, b.length + 1)).fill(0);
    // −(1 − c²)p′ = −p′ + c²p′.
    const minusOneMinusC2Derivative = (p: number[], into: number[]) => {
      for (let i = 1; i < p.length; i++) {
        into[i - 1] -= i * p[i];
        into[i + 1] += i * p[i];
      }
    };
    minusOneMinusC2Derivative(a, nextA);
    for (let i = 0; i < a.length; i++) nextA[i + 1] -= (2 * k + 1) * a[i];
    for (let i = 0; i < a.length; i++) nextB[i] -= a[i];
    minusOneMinusC2Derivative(b, nextB);
    for (let i = 0; i < b.length; i++) nextB[i + 1] -= 2 * k * b[i];
    a = nextA;
    b = nextB;
  }
  return [a, b];
}

function polyval(p: readonly number[], x: number): number {
  let s = 0;
  for (let i = p.length - 1; i >= 0; i--) s = s * x + p[i];
  return s;
}

/**
 * E[Θ(z₁)z₁^n·Θ(z₂)z₂^n]·(q11 q22)^{n/2} = (q11 q22)^{n/2}·J_n(θ)/(2π) for the
 * pre-activations, θ = atan2(√(q11 q22 − q12²), q12) their angle; with a
 * variance of 0 the pair is independent and the product of the means.
 */
function rectifiedMoment(n: number, a: readonly number[], b: readonly number[], q11: number, q12: number, q22: number): number {
  const prod = q11 * q22;
  if (!(prod > 0)) {
    // One pre-activation is 0, where φ is 0 (n ≥ 1) or 1 (the step, whose mean is ½ otherwise).
    if (n > 0) return 0;
    return (q11 > 0 ? 0.5 : 1) * (q22 > 0 ? 0.5 : 1);
  }
  const norm = Math.sqrt(prod);
  const gap = prod - q12 * q12;
  const sinNorm = gap > 0 ? Math.sqrt(gap) : 0;
  const theta = Math.atan2(sinNorm, q12);
  const c = q12 / norm;
  const s = sinNorm / norm;
  const j = (n % 2 === 0 ? 1 : -1) * (polyval(a, c) * (Math.PI - theta) + polyval(b, c) * s);
  return (norm ** n * j) / (2 * Math.PI);
}

/**
 * φ(x) = x^degree for x ≥ 0 and 0 below, Neural Tangents'
 * `RectifiedMonomial(degree)`: degree 0 is the step function, 1 ReLU. The
 * dual is the arc-cosine kernel of degree n (Cho & Saul 2009),
 *   𝒯(Σ) = (q11 q22)^{n/2}·J_n(θ)/(2π),
 * and, as φ′ = n·x^{n−1} on x > 0, 𝒯̇ = n²·(q11 q22)^{(n−1)/2}·J_{n−1}(θ)/(2π)
 * (0 for the step function, as in Neural Tangents). Entry-wise, so a spatial
 * version applies it per pair of positions.
 */
export const rectifiedMonomial = activationType({
  type: 'rectifiedMonomial',
  create: (degree: number) => {
    if (!Number.isInteger(degree) || degree < 0 || degree > 20) {
      throw new InputError(`stax.rectifiedMonomial: degree must be an integer from 0 to 20 (φ(x) = max(x, 0)^degree), got ${degree}`);
    }
    const [a, b] = arcCosinePolynomials(degree);
    const [aLow, bLow] = arcCosinePolynomials(Math.max(degree - 1, 0));
    const n2 = degree * degree;
    return {
      name: `RectifiedMonomial(${degree})`,
      fn: (x: number) => (x >= 0 ? x ** degree : 0),
      grad: (x: number) => (x > 0 && degree > 0 ? degree * x ** (degree - 1) : 0),
      dual(q11: number, q12: number, q22: number, out: Float64Array, wantDot: boolean) {
        out[0] = rectifiedMoment(degree, a, b, q11, q12, q22);
        if (wantDot) out[1] = degree === 0 ? 0 : n2 * rectifiedMoment(degree - 1, aLow, bLow, q11, q12, q22);
      },
      tfjs: (tf, h) => {
        if (degree === 0) return tf.step(h, 0);
        const r = tf.relu(h);
        let out = r;
        for (let i = 1; i < degree; i++) out = tf.mul(out, r);
        return out;
      },
    };
  },
});
