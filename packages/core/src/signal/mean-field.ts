import { InputError, NumericalError } from '../errors';
import { checkOptions } from '../options';
import type { Activation, ActivationLayer } from '../stax/activation';

/** Weight and bias scales of every layer of a deep fully-connected network. */
export interface Scales {
  /** σ_w (weights ~ 𝒩(0, σ_w²/n)). */
  wStd: number;
  /** σ_b. */
  bStd?: number;
}

/** Mean-field quantities of signal propagation through a deep network (Poole et al. 2016; Schoenholz et al. 2017). */
export interface MeanField {
  /**
   * Where the variance map q ↦ σ_w² 𝒯(q, q, q) + σ_b² (eq. S3 on the diagonal)
   * takes an input of variance 1 after many layers: its fixed point, 0 when the
   * signal dies out, Infinity when it grows without bound.
   */
  qStar: number;
  /** χ₁ = σ_w² E[φ′(u)²], u ~ 𝒩(0, q*): the growth of small perturbations per layer; 1 on the critical line. */
  chi1: number;
  /** Stable fixed point c* of the correlation map (1 in the ordered phase, < 1 in the chaotic phase). */
  cStar: number;
  /** χ_c = σ_w² E[φ′(u)φ′(v)] at correlation c*: the rate at which correlations approach c*. */
  chiC: number;
  /**
   * Depth scale ξ_c = −1/ln χ_c: correlations reach c* within a few ξ_c layers
   * (K^L = K* + O(e^{−L/ξ_c})); Infinity at criticality; NaN when χ_c > 1, which
   * happens only when the variance itself diverges (unbounded φ, chaotic side).
   */
  xiC: number;
  /** 'ordered' (χ₁ < 1: inputs become alike, gradients vanish), 'chaotic' (χ₁ > 1: inputs decorrelate, gradients explode) or 'critical'. */
  phase: 'ordered' | 'chaotic' | 'critical';
}

const BISECTIONS = 200;
const CRITICAL_BAND = 1e-9;
const DIVERGED = 1e12;

function activationOf(layer: ActivationLayer): Activation {
  const act = (layer as ActivationLayer | undefined)?.impl?.activation;
  if (!act) throw new InputError('signal: pass an activation layer such as stax.erf() or stax.relu()');
  return act;
}

function readScales(where: string, scales: Scales): { w2: number; b2: number } {
  checkOptions(where, scales, ['wStd', 'bStd']);
  const { wStd, bStd = 0 } = scales;
  if (typeof wStd !== 'number' || !(wStd > 0) || !Number.isFinite(wStd)) throw new InputError(`${where}: wStd must be a positive finite number, got ${wStd}`);
  if (typeof bStd !== 'number' || !(bStd >= 0) || !Number.isFinite(bStd))
    throw new InputError(`${where}: bStd must be a non-negative finite number, got ${bStd}`);
  return { w2: wStd * wStd, b2: bStd * bStd };
}

/**
 * Where iterating a monotone increasing map f from x0 ends up: the nearest
 * fixed point in the direction the iterates move (or Infinity). Found by
 * bisection on f(x) − x rather than by iterating, which near a critical point
 * converges only algebraically.
 */
function limitOfIteration(f: (x: number) => number, x0: number, floor: number): number {
  // Differences at round-off level count as zero (e.g. ReLU at σ_w² = 2, σ_b = 0,
  // where every q is a fixed point).
  const g = (x: number) => {
    const d = f(x) - x;
    return Math.abs(d) <= 1e-13 * Math.abs(x) ? 0 : d;
  };
  if (g(x0) === 0) return x0;
  let lo: number;
  let hi: number;
  if (g(x0) <= 0) {
    // Iterates decrease: the largest fixed point in [floor, x0]; g(floor) ≥ 0 there.
    lo = floor;
    hi = x0;
  } else {
    // Iterates increase: the first fixed point above x0, if any.
    lo = x0;
    hi = Math.max(2 * x0, 1);
    while (g(hi) > 0) {
      lo = hi;
      hi *= 2;
      if (hi > DIVERGED) return Infinity;
    }
  }
  for (let it = 0; it < BISECTIONS && hi - lo > 1e-15 * Math.max(hi, 1e-300); it++) {
    const mid = 0.5 * (lo + hi);
    if (g(mid) > 0) lo = mid;
    else hi = mid;
  }
  return g(x0) <= 0 ? lo : hi;
}

/** The smallest x in [lo, hi] with f(x) = x, for f(lo) ≥ lo and f(hi) = hi, by bisection. */
function firstFixedPointAbove(f: (x: number) => number, lo: number, hi: number): number {
  let a = lo;
  let b = hi;
  if (f(a) - a <= 0) return a;
  for (let it = 0; it < BISECTIONS && b - a > 1e-15; it++) {
    const mid = 0.5 * (a + b);
    if (f(mid) - mid > 0) a = mid;
    else b = mid;
  }
  return b;
}

/**
 * The signal-propagation picture of a deep network x ↦ φ(W x + b) repeated
 * (Schoenholz et al. 2017: trainability is determined by the phase diagram): the variance fixed
 * point q*, the slope χ₁ that separates the ordered from the chaotic phase, the
 * correlation fixed point c* and the depth scale ξ_c over which two inputs'
 * correlation forgets its initial value. All from the activation's dual (eq. S1),
 * the same maps that give the NNGP recursion (eq. S3).
 *
 * @example
 * ```ts
 * const mf = signal.meanField(stax.erf(), { wStd: Math.sqrt(Math.PI / 4) });
 * mf.phase; // 'critical' (χ₁ = σ_w² · 4/π = 1 for erf without bias)
 * ```
 */
export function meanField(layer: ActivationLayer, scales: Scales): MeanField {
  const act = activationOf(layer);
  const { w2, b2 } = readScales('signal.meanField', scales);
  const out = new Float64Array(2);
  const variance = (q: number) => {
    act.dual(q, q, q, out, false);
    return w2 * out[0] + b2;
  };
  const qStar = limitOfIteration(variance, 1, 0);
  // The slopes are evaluated at q*, or just inside (0, ∞) when q* sits on the
  // boundary: as q → 0⁺ (correlation 1) or at the largest q examined, exact for
  // positively homogeneous φ such as ReLU.
  const q = Math.min(Math.max(qStar, 1e-300), DIVERGED);
  act.dual(q, q, q, out, true);
  const chi1 = w2 * out[1];
  let cStar = 1;
  if (qStar > 0 && Number.isFinite(qStar)) {
    // The correlation map from c = 0 climbs to its first fixed point: c* = 1
    // in the ordered phase, c* < 1 in the chaotic one (c = 1 is always fixed).
    const correlation = (c: number) => {
      act.dual(qStar, c * qStar, qStar, out, false);
      return (w2 * out[0] + b2) / qStar;
    };
    cStar = Math.min(1, firstFixedPointAbove(correlation, 0, 1));
  }
  act.dual(q, cStar * q, q, out, true);
  const chiC = w2 * out[1];
  const xiC = Math.abs(chiC - 1) <= CRITICAL_BAND ? Infinity : chiC < 1 ? -1 / Math.log(chiC) : NaN;
  const phase = Math.abs(chi1 - 1) <= CRITICAL_BAND ? 'critical' : chi1 < 1 ? 'ordered' : 'chaotic';
  return { qStar, chi1, cStar, chiC, xiC, phase };
}

/**
 * The weight scale σ_w at which χ₁ = 1 for a given σ_b: the critical line of the
 * phase diagram, found by bisection on σ_w² in [lo, hi].
 */
export function criticalWStd(layer: ActivationLayer, { bStd = 0, lo = 1e-3, hi = 16 }: { bStd?: number; lo?: number; hi?: number } = {}): number {
  checkOptions('signal.criticalWStd', { bStd, lo, hi }, ['bStd', 'lo', 'hi']);
  const chi = (w2: number) => meanField(layer, { wStd: Math.sqrt(w2), bStd }).chi1 - 1;
  let a = lo;
  let b = hi;
  if (!(chi(a) < 0 && chi(b) > 0)) {
    throw new NumericalError(`signal.criticalWStd: χ₁ − 1 does not change sign for σ_w² in [${lo}, ${hi}]; widen the range`);
  }
  for (let it = 0; it < 200 && b - a > 1e-14 * b; it++) {
    const m = 0.5 * (a + b);
    if (chi(m) < 0) a = m;
    else b = m;
  }
  return Math.sqrt(0.5 * (a + b));
}
