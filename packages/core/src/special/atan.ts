/**
 * The arctangent in float64, faster than `Math.atan2` in V8 and within a few
 * ulps of it: the angle of every arc-cosine (ReLU) and erf kernel entry (Lee
 * et al. 2019, eqs. S14, S17) goes through it, so it sets much of the speed of
 * the analytic kernels.
 *
 * The method is Cephes' `atan` (S. L. Moshier, *Methods and Programs for
 * Mathematical Functions*, 1989): reduce t ≥ 0 to [0, 0.66] with
 * atan(t) = π/4 + atan((t − 1)/(t + 1)) or π/2 − atan(1/t), then
 * atan(u) ≈ u + u³·P(u²)/Q(u²) with the published degree-4/5 rational
 * minimax coefficients (relative error below 2e−16), plus the low bits of π/4.
 */

const P0 = -0.8750608600031904;
const P1 = -16.157537187333652;
const P2 = -75.00855792314705;
const P3 = -122.88666844901361;
const P4 = -64.85021904942025;
const Q0 = 24.858464901423062;
const Q1 = 165.02700983169885;
const Q2 = 432.88106049129027;
const Q3 = 485.3903996359137;
const Q4 = 194.5506571482614;
/** tan(3π/8). */
const T3P8 = 2.414213562373095;
/** π/2 − fl(π/2): the bits of π/2 a double cannot hold. */
const MOREBITS = 6.123233995736766e-17;
const HALF_PI = 1.5707963267948966;
const QUARTER_PI = 0.7853981633974483;

/** atan(t) for t ≥ 0 (Infinity gives π/2). */
export function atanPositive(t: number): number {
  let x = t;
  let y: number;
  let extra: number;
  if (x > T3P8) {
    y = HALF_PI;
    extra = MOREBITS;
    x = -1 / x;
  } else if (x <= 0.66) {
    y = 0;
    extra = 0;
  } else {
    y = QUARTER_PI;
    extra = 0.5 * MOREBITS;
    x = (x - 1) / (x + 1);
  }
  const z = x * x;
  const p = ((((P0 * z + P1) * z + P2) * z + P3) * z + P4) * z;
  const q = ((((z + Q0) * z + Q1) * z + Q2) * z + Q3) * z + Q4;
  return y + (x * (p / q) + x + extra);
}

/**
 * The angle of (x, y) for y ≥ 0, in [0, π]: `Math.atan2(y, x)` on the upper
 * half plane, the one the arc-cosine kernels need (y is a square root).
 * (0, 0) gives π/2.
 */
export function angleUpper(y: number, x: number): number {
  if (x > 0) return atanPositive(y / x);
  if (x < 0) return Math.PI - atanPositive(y / -x);
  return HALF_PI;
}

/**
 * `Math.atan2(y, x)` for x ≥ 0, in [−π/2, π/2]: the erf kernel's arcsine
 * written as an angle (x is a square root). (0, 0) gives 0.
 */
export function angleRight(y: number, x: number): number {
  if (y >= 0) return y === 0 ? 0 : x > 0 ? atanPositive(y / x) : HALF_PI;
  return x > 0 ? -atanPositive(-y / x) : -HALF_PI;
}
