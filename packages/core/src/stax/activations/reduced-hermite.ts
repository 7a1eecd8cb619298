import type { Activation } from '../activation';

/**
 * Reduced Hermite coefficients of a polynomial activation at variance q:
 * out[l] = a_l(q)/q^{l/2}, where a_l(q) = E[φ(√q z)·He_l(z)]/√l! are the
 * normalised coefficients of φ(√q z) (z ~ 𝒩(0, 1)). For a polynomial they are
 * polynomials in q, finite at q = 0.
 */
export type ReducedCoefficients = (q: number, out: Float64Array) => void;

/**
 * The dual of a polynomial activation by Mehler's formula with the powers of
 * ρ = q12/√(q11 q22) absorbed into the coefficients:
 *   𝒯(Σ) = Σ_l ã_l(q11)·ã_l(q22)·q12^l,   𝒯̇(Σ) = Σ_l b̃_l(q11)·b̃_l(q22)·q12^l,
 * ã for φ and b̃ for φ′ (lengths `na`, `nb`). A finite sum and a polynomial in
 * (q11, q12, q22), so exact and defined for every covariance. The coefficients
 * of the row's variance q11 are kept between calls (kernel rows share q11);
 * the result depends on the arguments only.
 */
export function reducedMehlerDual(a: ReducedCoefficients, na: number, b: ReducedCoefficients, nb: number): Activation['dual'] {
  const a1 = new Float64Array(na);
  const a2 = new Float64Array(na);
  const b1 = new Float64Array(nb);
  const b2 = new Float64Array(nb);
  let row = NaN;
  const series = (x: Float64Array, y: Float64Array, q12: number) => {
    let s = 0;
    for (let l = x.length - 1; l >= 0; l--) s = s * q12 + x[l] * y[l];
    return s;
  };
  return (q11, q12, q22, out, wantDot) => {
    if (q11 !== row) {
      a(q11, a1);
      b(q11, b1);
      row = q11;
    }
    a(q22, a2);
    out[0] = series(a1, a2, q12);
    if (wantDot) {
      b(q22, b2);
      out[1] = series(b1, b2, q12);
    }
  };
}

/**
 * Reduced coefficients of φ(x) = Σ_m c_m x^m. From
 * x^m = Σ_i m!/(2^i i! (m−2i)!)·He_{m−2i}(x), with x = √q z:
 *   ã_l(q) = Σ_{m ≥ l, m − l even} c_m·q^{(m−l)/2}·m!/(2^{(m−l)/2}·((m−l)/2)!·√(l!)).
 * (Neural Tangents' `Polynomial` uses the same expansion.)
 */
export function polynomialCoefficients(c: readonly number[]): ReducedCoefficients {
  const n = c.length;
  // weight[m][l] = m!/(2^i i! √(l!)), i = (m − l)/2.
  const weight: Float64Array[] = [];
  for (let m = 0; m < n; m++) {
    const w = new Float64Array(m + 1);
    for (let l = m; l >= 0; l -= 2) {
      const i = (m - l) / 2;
      w[l] = factorial(m) / (2 ** i * factorial(i) * Math.sqrt(factorial(l)));
    }
    weight.push(w);
  }
  return (q, out) => {
    out.fill(0);
    for (let m = 0; m < n; m++) {
      if (c[m] === 0) continue;
      let power = 1;
      for (let l = m; l >= 0; l -= 2) {
        out[l] += c[m] * power * weight[m][l];
        power *= q;
      }
    }
  };
}

/** The coefficients of φ′ for φ = Σ_m c_m x^m. */
export function derivativeCoefficients(c: readonly number[]): number[] {
  return c.slice(1).map((v, m) => (m + 1) * v);
}

export function factorial(n: number): number {
  let f = 1;
  for (let k = 2; k <= n; k++) f *= k;
  return f;
}

/** Horner evaluation of Σ_m c_m x^m and its derivative. */
export function horner(c: readonly number[], x: number): number {
  let s = 0;
  for (let m = c.length - 1; m >= 0; m--) s = s * x + c[m];
  return s;
}
