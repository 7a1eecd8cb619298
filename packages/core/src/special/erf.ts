/**
 * The error function in float64, accurate to a few ulps over the whole real
 * line (JavaScript's Math has no erf). Used by the finite-width `erf`,
 * `sigmoidLike` and `gelu` activations.
 *
 * For |x| < 3, erf sums the series erf(x) = 2/√π · e^{−x²} · Σₙ 2ⁿ x^{2n+1} / (2n+1)!!,
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

/** The error function erf(x) = 2/√π ∫₀ˣ e^{−t²} dt. */
export function erf(x: number): number {
  if (x !== x) return NaN;
  const ax = Math.abs(x);
  if (ax < SERIES_LIMIT) return x < 0 ? -erfSeries(ax) : erfSeries(ax);
  if (ax > 6) return x < 0 ? -1 : 1;
  const v = 1 - erfcFraction(ax);
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
