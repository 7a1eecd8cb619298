/**
 * The error function in float64, accurate to a few ulps over the whole real
 * line (JavaScript's Math has no erf). Used by the finite-width `erf`,
 * `sigmoidLike` and `gelu` activations.
 *
 * The reference evaluation: for |x| < 3, erf sums the series erf(x) = 2/√π · e^{−x²} · Σₙ 2ⁿ x^{2n+1} / (2n+1)!!,
 * whose terms are all positive (no cancellation). The complementary function
 * for x ≥ 1.5 (where 1 − erf would cancel) comes from its continued fraction
 * erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))),
 * evaluated bottom-up with a fixed depth that reaches full precision for x ≥ 1.5.
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;
const SERIES_LIMIT = 3;
const FRACTION_LIMIT = 1.5;
const FRACTION_DEPTH = 100;

function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/** erfc(x) for x ≥ 1.5 by the continued fraction. */
function erfcFraction(x: number): number {
  let f = x;
  for (let k = FRACTION_DEPTH; k >= 1; k--) f = x + k / 2 / f;
  return (ONE_OVER_SQRT_PI * Math.exp(-x * x)) / f;
}

/** erf(x) = 2/√π Σₙ (−1)ⁿ x^{2n+1} / (n!(2n+1)) — for |x| < 0.5 fifteen terms reach full precision. */
const TAYLOR = Float64Array.from({ length: 15 }, (_, n) => {
  let factorial = 1;
  for (let k = 2; k <= n; k++) factorial *= k;
  return ((n % 2 === 0 ? 1 : -1) * TWO_OVER_SQRT_PI) / (factorial * (2 * n + 1));
});

/**
 * Finite networks evaluate erf millions of times per training step, so the
 * series and the continued fraction above (tens of divisions each) serve only
 * to build, once, Taylor polynomials about the midpoints m of pieces of width
 * 1/8 covering [0.5, 6]. The derivatives are known exactly,
 * erf⁽ⁿ⁾(m) = 2/√π · (−1)ⁿ⁻¹ Hₙ₋₁(m) e^{−m²} (Hermite polynomials), and with
 * |x − m| ≤ 1/16 degree 12 leaves a remainder below 1e-17; Horner's rule then
 * adds little more than one rounding to the leading term erf(m).
 */
const PIECE_START = 0.5;
const PIECE_WIDTH = 0.125;
const PIECES = 44;
const DEGREE = 12;
const TAYLOR_PIECES = (() => {
  const table = new Float64Array(PIECES * (DEGREE + 1));
  for (let p = 0; p < PIECES; p++) {
    const m = PIECE_START + (p + 0.5) * PIECE_WIDTH;
    const base = p * (DEGREE + 1);
    table[base] = m < SERIES_LIMIT ? erfSeries(m) : 1 - erfcFraction(m);
    const gauss = TWO_OVER_SQRT_PI * Math.exp(-m * m);
    // H₀ = 1, H₁ = 2m, Hₖ₊₁ = 2m Hₖ − 2k Hₖ₋₁.
    let hPrevious = 0;
    let h = 1;
    let factorial = 1;
    for (let n = 1; n <= DEGREE; n++) {
      factorial *= n;
      table[base + n] = ((n % 2 === 1 ? 1 : -1) * gauss * h) / factorial;
      const next = 2 * m * h - 2 * (n - 1) * hPrevious;
      hPrevious = h;
      h = next;
    }
  }
  return table;
})();

/** erf(x) for 0.5 ≤ x < 6 from its piece's Taylor polynomial. */
function erfPiecewise(x: number): number {
  const p = Math.min(PIECES - 1, Math.floor((x - PIECE_START) / PIECE_WIDTH));
  const d = x - (PIECE_START + (p + 0.5) * PIECE_WIDTH);
  const base = p * (DEGREE + 1);
  let sum = TAYLOR_PIECES[base + DEGREE];
  for (let n = DEGREE - 1; n >= 0; n--) sum = sum * d + TAYLOR_PIECES[base + n];
  return sum;
}

/** The error function erf(x) = 2/√π ∫₀ˣ e^{−t²} dt. */
export function erf(x: number): number {
  if (x !== x) return NaN;
  const ax = Math.abs(x);
  let v: number;
  if (ax < PIECE_START) {
    const x2 = ax * ax;
    let sum = TAYLOR[14];
    for (let n = 13; n >= 0; n--) sum = sum * x2 + TAYLOR[n];
    v = ax * sum;
  } else if (ax < 6) {
    v = erfPiecewise(ax);
  } else {
    v = 1;
  }
  return x < 0 ? -v : v;
}

/** The complementary error function erfc(x) = 1 − erf(x), without cancellation for large x. */
export function erfc(x: number): number {
  if (x !== x) return NaN;
  if (x < FRACTION_LIMIT) return 1 - erf(x);
  if (x > 27) return 0;
  return erfcFraction(x);
}

/** Standard normal density φ(x). */
export function normalPdf(x: number): number {
  return 0.3989422804014327 * Math.exp(-0.5 * x * x);
}

/** Standard normal distribution function Φ(x) = ½ erfc(−x/√2). */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x * Math.SQRT1_2);
}
