/**
 * The arctangent in float64, faster than `Math.atan2` in V8 and within a few
 * ulps of it: the angle of every arc-cosine (ReLU) and erf kernel entry (Lee
 * et al. 2019, eqs. S14, S17) goes through it, so it sets much of the speed of
 * the analytic kernels.
 *
 * The method suits two-lane SIMD: the angle of (x, y) in the first quadrant
 * is atan(u) of u = smaller / larger coordinate (π/2 − atan(u) when y > x),
 * and u > tan(π/8) is reduced by atan(u) = π/4 + atan((u − 1)/(u + 1)), so
 * one division serves both cases. On |w| ≤ tan(π/8),
 * atan(w) = w + w·z·P(z), z = w², with P the degree-10 polynomial fitted (in
 * 50-digit arithmetic, least squares on Chebyshev nodes) to
 * (atan(√z) − √z)/z^{3/2}; its error is below half an ulp.
 *
 * `simd/rows.wat` runs exactly this arithmetic two entries at a time, with
 * selects for the conditionals here, so both give the same bits.
 */

const P0 = -0.3333333333333333;
const P1 = 0.19999999999995652;
const P2 = -0.1428571428469138;
const P3 = 0.11111111017100327;
const P4 = -0.0909090464769568;
const P5 = 0.07692184699371778;
const P6 = -0.06664531369805009;
const P7 = 0.05858311810501153;
const P8 = -0.05086254885823143;
const P9 = 0.039253696320618564;
const P10 = -0.01920252926841228;
const TAN_PI_8 = 0.41421356237309503;
const HALF_PI = 1.5707963267948966;
const QUARTER_PI = 0.7853981633974483;

/** atan(w) for |w| ≤ tan(π/8). */
function atanSmall(w: number): number {
  const z = w * w;
  const p = (((((((((P10 * z + P9) * z + P8) * z + P7) * z + P6) * z + P5) * z + P4) * z + P3) * z + P2) * z + P1) * z + P0;
  return w + w * z * p;
}

/** The angle of (x, y) for x, y ≥ 0, in [0, π/2]; (0, 0) gives NaN. */
function angleQuadrant(y: number, x: number): number {
  const swap = y > x;
  const mn = swap ? x : y;
  const mx = swap ? y : x;
  const big = mn > TAN_PI_8 * mx;
  const a = atanSmall(big ? (mn - mx) / (mn + mx) : mn / mx) + (big ? QUARTER_PI : 0);
  return swap ? HALF_PI - a : a;
}

/** atan(t) for t ≥ 0 (Infinity gives π/2). */
export function atanPositive(t: number): number {
  return angleQuadrant(t, 1);
}

/**
 * The angle of (x, y) for y ≥ 0, in [0, π]: `Math.atan2(y, x)` on the upper
 * half plane, the one the arc-cosine kernels need (y is a square root).
 * (0, 0) gives π/2.
 */
export function angleUpper(y: number, x: number): number {
  const a = angleQuadrant(y, Math.abs(x));
  const b = x < 0 ? Math.PI - a : a;
  return x === 0 && y === 0 ? HALF_PI : b;
}

/**
 * `Math.atan2(y, x)` for x ≥ 0, in [−π/2, π/2]: the erf kernel's arcsine
 * written as an angle (x is a square root). (0, 0) gives 0.
 */
export function angleRight(y: number, x: number): number {
  const a = angleQuadrant(Math.abs(y), x);
  const b = y < 0 ? -a : a;
  return x === 0 && y === 0 ? 0 : b;
}
