import { NumericalError } from '../errors';
import { hermiteTable } from './hermite-table';

/**
 * The normalised Hermite coefficients of x ↦ φ(s·x) under the standard
 * normal measure,
 *   a_k = E[φ(s z) He_k(z)] / √k!,   z ~ 𝒩(0, 1),
 * (He_k the probabilists' Hermite polynomials), so that
 * φ(s z) = Σ_k a_k He_k(z)/√k! in L²(𝒩(0, 1)) and E[φ(s z)²] = Σ_k a_k²
 * (Parseval). Mehler's formula turns them into the dual of eq. (S1) of Lee
 * et al. 2019 (`special/mehler-series.ts`).
 *
 * Computed lazily, in blocks of indices [0, 32), [32, 64), [64, 96), … (a
 * quarter of the length once that exceeds 32):
 * `ensure(n)` makes the first n available. Each block is integrated by the
 * trapezoidal rule on z, which converges geometrically for integrands
 * analytic in a strip around the real axis — also when φ has poles close to
 * it (tanh at large s), where Gauss–Hermite converges only like exp(−c√n).
 * Two interleaved rules of step h (nodes i·h and (i+½)·h) run side by side:
 * their mean is the rule of step h/2, and their difference bounds the error
 * of each, which the mean squares. A block is accepted from the coarsest step
 * (no coarser than the previous block's) at which the two agree to 1e−8 on
 * all its coefficients (the mean is then at round-off, measured ~4e−16: the
 * heat shift may amplify it ~3000-fold). Every choice depends on φ, s and the
 * block alone, so
 * a coefficient has the same value however far the series has been extended
 * — what makes kernels computed in tiles equal the untiled ones bit for bit.
 */
export class HermiteSeries {
  /** E[φ(s z)²], by the rule that resolved the first block. */
  readonly norm2: number;
  /** Where the integrand is cut (|z| ≤ range). */
  readonly range: number;
  /** The level (trapezoid step) that resolved the first block. */
  readonly firstLevel: number;
  private values = new Float64Array(32);
  /** prefix[k] = Σ_{m<k} a_m². */
  private sums = new Float64Array(33);
  private count = 0;
  private done = false;
  private level = -1;
  /** φ's even and odd parts times √w at the nodes of the current level (see `hermite-table.ts`). */
  private even: Float64Array | null = null;
  private odd: Float64Array | null = null;
  private levelNorm2 = 0;

  constructor(
    private readonly phi: (x: number) => number,
    private readonly s: number,
    private readonly where: string,
    /** The integration range in z, when known from a series of a related function (φ² for φ). */
    range?: number,
    /**
     * The first step to try, when a related function's series at the same
     * scale says how fine it must be (`firstLevel` of φ's for φ² and φ′²):
     * the coarser steps would only be sampled to be rejected.
     */
    private readonly startLevel = 0,
    /**
     * The parity of the coefficients known to vanish (0: even k, 1: odd k),
     * for φ odd or even (φ² and φ′² are then even): they are set to zero
     * instead of integrated, which halves the work of each block. −1: none.
     */
    private readonly vanishing: -1 | 0 | 1 = -1,
  ) {
    this.range = range ?? integrationRange(phi, s, where);
    this.norm2 = this.extend();
    this.firstLevel = this.level;
  }

  /** The coefficients computed so far (valid until the next `ensure`). */
  get a(): Float64Array {
    return this.values;
  }

  /** How many coefficients are available. */
  get length(): number {
    return this.count;
  }

  /** Whether all further coefficients are known to be below 1e−13·√E[φ²] and are taken as zero. */
  get complete(): boolean {
    return this.done;
  }

  /** prefix[k] = Σ_{m<k} a_m² for k ≤ length, so the tail Σ_{m ≥ k} a_m² is E[φ²] − prefix[k] (Parseval). */
  get prefix(): Float64Array {
    return this.sums;
  }

  /**
   * Makes at least n coefficients available, unless the series is complete
   * first. Beyond MAX_TERMS a series that has not decayed is an error: φ is
   * too rough at this scale for a Hermite series (a kink, say).
   */
  ensure(n: number): void {
    while (this.count < n && !this.done) {
      if (this.count >= MAX_TERMS) {
        throw new NumericalError(
          `${this.where}: the Hermite series of φ at variance ${this.s * this.s} has not decayed after ${MAX_TERMS} terms: φ is too sharp at this scale (a kink, or a steep function such as tanh at a large variance) for the kernel of strongly correlated inputs to reach tol; pass kinks: [...] if φ has kinks, else a larger tol (e.g. 1e-6), or degree: n for Neural Tangents' fixed-degree quadrature (no accuracy guarantee)`,
        );
      }
      this.extend();
    }
  }

  /** φ's parts at the nodes of `level`; returns the E[φ²] of each half-rule. */
  private sample(level: number): [number, number] {
    const h = step(level);
    const width = Math.floor(this.range / (0.5 * h)) + 1;
    const { weights } = hermiteTable(h, 1, width);
    const even = new Float64Array(width);
    const odd = new Float64Array(width);
    const norms = [0, 0];
    for (let i = 0; i < width; i++) {
      const root = weights[i];
      const w = root * root;
      if (i === 0) {
        const f = this.phi(0);
        even[0] = root * f;
        norms[0] += w * f * f;
      } else {
        const x = 0.5 * i * h * this.s;
        const up = this.phi(x);
        const down = this.phi(-x);
        even[i] = root * (up + down);
        odd[i] = root * (up - down);
        norms[i % 2] += w * (up * up + down * down);
      }
    }
    this.even = even;
    this.odd = odd;
    this.level = level;
    return [norms[0], norms[1]];
  }

  /** Computes the next block; returns the E[φ²] of the rule used. */
  private extend(): number {
    const k0 = this.count;
    const k1 = k0 + Math.max(32, k0 >> 2);
    if (this.values.length < k1) {
      const grown = new Float64Array(Math.max(k1, 2 * this.values.length));
      grown.set(this.values.subarray(0, k0));
      this.values = grown;
      const sums = new Float64Array(grown.length + 1);
      sums.set(this.sums.subarray(0, k0 + 1));
      this.sums = sums;
    }
    // Hermite functions up to degree k oscillate with wavenumber up to √k, which
    // the half-rules' step must resolve: h ≤ 3.3/√k (measured on tanh), so start
    // no coarser than that.
    let level = Math.max(this.level, this.startLevel, 0);
    while (step(level) > 3.3 / Math.sqrt(k1)) level++;
    for (; ; level++) {
      if (level >= LEVELS) {
        throw new NumericalError(
          `${this.where}: φ at variance ${this.s * this.s} varies too fast for the quadrature of its Hermite coefficients (step ${step(LEVELS - 1)}); if φ has kinks pass kinks: [...], else use degree: n for fixed-degree quadrature`,
        );
      }
      if (level !== this.level) {
        const [na, nb] = this.sample(level);
        this.levelNorm2 = na + nb === 0 ? 0 : 0.5 * (na + nb);
        if (k0 === 0 && Math.abs(Math.sqrt(na) - Math.sqrt(nb)) > AGREEMENT * Math.sqrt(this.levelNorm2)) continue;
      }
      const norm2 = this.levelNorm2;
      const tolerance = AGREEMENT * Math.sqrt(norm2);
      const even = this.even as Float64Array;
      const odd = this.odd as Float64Array;
      const width = even.length;
      const table = hermiteTable(step(level), k1, width);
      const stride = table.width;
      const t = table.values;
      let agree = true;
      for (let k = k0; k < k1; k++) {
        if (k % 2 === this.vanishing) {
          this.values[k] = 0;
          continue;
        }
        const f = k % 2 === 0 ? even : odd;
        const row = k * stride;
        let sa = 0;
        let sb = 0;
        let i = 0;
        for (; i + 1 < width; i += 2) {
          sa += f[i] * t[row + i];
          sb += f[i + 1] * t[row + i + 1];
        }
        if (i < width) sa += f[i] * t[row + i];
        if (Math.abs(sa - sb) > tolerance) {
          agree = false;
          break;
        }
        this.values[k] = 0.5 * (sa + sb);
      }
      if (!agree) continue;
      for (let k = k0; k < k1; k++) this.sums[k + 1] = this.sums[k] + this.values[k] * this.values[k];
      this.count = k1;
      const scale = Math.sqrt(k0 === 0 ? norm2 : this.norm2);
      let decayed = true;
      for (let k = k0; k < k1 && decayed; k++) decayed = Math.sqrt(k + 1) * Math.abs(this.values[k]) <= COMPLETE * scale;
      this.done = decayed;
      return norm2;
    }
  }
}

/** Coefficients times √(k+1) below this fraction of √E[φ²] for a whole block end the series (those of φ′ have decayed too). */
const COMPLETE = 1e-13;
/** Longest series computed. */
export const MAX_TERMS = 8192;
/** Largest scan point of the integration range, in units of z. */
const Z_SCAN = 64;
/** Trapezoid steps tried, coarse to fine. */
const LEVELS = 16;
/** Agreement required between the two interleaved half-rules (relative to √E[φ²]). */
const AGREEMENT = 1e-8;

function step(level: number): number {
  return 0.5 / Math.SQRT2 ** level;
}

/**
 * Where the integrand can be cut: |φ(s z)|·e^{−z²/4} bounds every
 * |φ(s z) He_k(z) e^{−z²/2}|/√k! up to a constant (Cramér's inequality), so
 * the range ends where that envelope has fallen 18 orders below its maximum.
 */
function integrationRange(phi: (x: number) => number, s: number, where: string): number {
  const spacing = 0.5;
  const n = Math.round(Z_SCAN / spacing);
  const g = new Float64Array(n + 1);
  let peak = 0;
  for (let i = 0; i <= n; i++) {
    const z = i * spacing;
    const up = phi(s * z);
    const down = phi(-s * z);
    if (!Number.isFinite(up) || !Number.isFinite(down)) {
      const x = Number.isFinite(up) ? -s * z : s * z;
      throw new NumericalError(`${where}: φ(${x}) = ${phi(x)}; the activation must be finite wherever the Gaussian pre-activations reach`);
    }
    g[i] = Math.max(Math.abs(up), Math.abs(down)) * Math.exp(-0.25 * z * z);
    if (g[i] > peak) peak = g[i];
  }
  if (peak === 0) return 6;
  if (g[n] > 1e-18 * peak) {
    throw new NumericalError(
      `${where}: φ(x) grows so fast that E[φ(u)²] cannot be integrated at variance ${s * s} (φ(x)·e^{−x²/(4q)} has not decayed at x = ${s * Z_SCAN}); use an activation with at most exponential growth`,
    );
  }
  let i = n;
  while (i > 0 && g[i - 1] <= 1e-18 * peak) i--;
  return Math.max(6, i * spacing);
}
