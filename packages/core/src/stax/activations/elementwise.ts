import { InputError } from '../../errors';
import { checkOptions, positiveInteger } from '../../options';
import { gaussHermite } from '../../special/gauss-hermite';
import { gaussianRule } from '../../special/gaussian-expectation';
import { activationType, type Activation } from '../activation';
import { checkTol, DEFAULT_TOL, sharedHermiteSeries } from './hermite-series';
import { nngpFnActivation, type NngpFn } from './nngp-fn-dual';
import { piecewiseDerivative } from './piecewise-derivative';

export interface ElementwiseOptions {
  /**
   * Relative accuracy of the NNGP and NTK (default 1e−10) for a smooth φ,
   * whose kernels come from its Hermite series (Mehler's formula): series
   * lengths and quadrature steps are chosen to meet it.
   */
  tol?: number;
  /**
   * Fixed-degree two-dimensional Gauss–Hermite quadrature with this many points
   * per dimension instead (Neural Tangents' `ElementwiseNumerical(fn, deg)`);
   * cost grows as degree² per kernel entry and the error is not controlled.
   */
  degree?: number;
  /**
   * φ′; if omitted, a difference of `fn` is used for the backward pass (and
   * wherever φ′ itself is integrated): fourth-order central, or with `kinks`
   * sixth-order within each smooth piece (never across a kink).
   */
  grad?: (x: number) => number;
  /**
   * Points where φ or φ′ is not smooth, e.g. `[0]` for ReLU-like functions.
   * When given, the kernels are integrated with Gauss–Legendre panels split at
   * the kinks instead (accurate to ~1e−12, with or without `grad`: measured
   * against ReLU's, ABRelu's and RectifiedMonomial's closed forms and scipy's
   * ELU, at correlations up to ±0.99): a Hermite series or Gauss–Hermite
   * converges only algebraically across a kink.
   */
  kinks?: readonly number[];
  /**
   * The NNGP dual in closed form, (q11, q12, q22) ↦ E[φ(u)φ(v)] for
   * (u, v) ~ 𝒩(0, [[q11, q12], [q12, q22]]) (Neural Tangents'
   * `Elementwise(fn, nngp_fn)`, with the covariance first); the NTK's
   * E[φ′(u)φ′(v)] = ∂/∂q12 of it is derived.
   */
  nngpFn?: NngpFn;
}

/** φ′ by the five-point central difference, error O(h⁴) with h scaled to |x|. */
export function numericalDerivative(fn: (x: number) => number): (x: number) => number {
  return (x) => {
    const h = 1e-3 * Math.max(1, Math.abs(x));
    return (fn(x - 2 * h) - 8 * fn(x - h) + 8 * fn(x + h) - fn(x + 2 * h)) / (12 * h);
  };
}

/**
 * The dual of any activation by two-dimensional Gauss–Hermite quadrature (as
 * Neural Tangents' `ElementwiseNumerical`): with (u, v) written through the
 * Cholesky factor of Σ,
 *   u = √(2 q11) x,  v = q12 √(2/q11) x + √(2 (q22 − q12²/q11)) y,
 *   E[g(u) g(v)] ≈ Σᵢⱼ wᵢ wⱼ g(uᵢ) g(vᵢⱼ) / π.
 * Exponentially accurate for smooth φ; across a kink (ReLU, |x|) the error
 * decays only algebraically in `degree` (percents at degree 64), which is what
 * `kinkedQuadratureActivation` is for.
 */
export function quadratureActivation(name: string, fn: (x: number) => number, grad: (x: number) => number, degree: number): Omit<Activation, 'localOnly'> {
  const { nodes, weights } = gaussHermite(degree);
  const fu = new Float64Array(degree);
  const gu = new Float64Array(degree);
  return {
    name,
    fn,
    grad,
    dual(q11, q12, q22, out, wantDot) {
      const su = Math.sqrt(2 * Math.max(q11, 0));
      const a = q11 > 0 ? q12 * Math.sqrt(2 / q11) : 0;
      const resid = q11 > 0 ? q22 - (q12 * q12) / q11 : q22;
      const sv = Math.sqrt(2 * Math.max(resid, 0));
      for (let i = 0; i < degree; i++) {
        fu[i] = fn(su * nodes[i]);
        if (wantDot) gu[i] = grad(su * nodes[i]);
      }
      let t = 0;
      let tDot = 0;
      for (let i = 0; i < degree; i++) {
        const base = a * nodes[i];
        let rowT = 0;
        let rowDot = 0;
        for (let j = 0; j < degree; j++) {
          const v = base + sv * nodes[j];
          rowT += weights[j] * fn(v);
          if (wantDot) rowDot += weights[j] * grad(v);
        }
        t += weights[i] * fu[i] * rowT;
        if (wantDot) tDot += weights[i] * gu[i] * rowDot;
      }
      out[0] = t / Math.PI;
      if (wantDot) out[1] = tDot / Math.PI;
    },
  };
}

/** A function of numbers: φ, φ′ (one argument) or nngpFn (three). */
type NumberFn = (...args: number[]) => number;

/** Arguments at which a function rebuilt from source must agree with the original. */
const PROBES = [-2.5, -1, -0.3, 0, 0.7, 1.9, 3.2].map((x) => [x]);
/** For nngpFn: covariances (q11, q12, q22) with |q12| ≤ √(q11 q22). */
const COVARIANCE_PROBES = [
  [1, 0.3, 1.2],
  [0.5, -0.2, 2],
  [2, 2, 2],
  [0.1, 0, 0.7],
];

/**
 * The source text worker threads rebuild a function from. Functions of the
 * `Math` object (`Math.tanh`) print as native code and are named instead.
 */
function sourceOf(f: NumberFn): string {
  const text = f.toString();
  if (text.includes('[native code]')) {
    const name = f.name;
    if ((Math as unknown as Record<string, unknown>)[name] === f) return `Math.${name}`;
  }
  return text;
}

/** Compiles the source text of a self-contained function (how workers rebuild `elementwise`). */
function functionFromSource(source: string): NumberFn {
  // The source is the user's own function, sent to a worker thread of this process.
  // eslint-disable-next-line no-new-func
  return new Function(`"use strict"; return (${source});`)() as NumberFn;
}

/**
 * Why a function cannot be rebuilt from its source text on a worker thread
 * (it refers to variables outside its body, or is a built-in), or undefined.
 */
function rebuildProblem(what: string, f: NumberFn, source: string, probes: readonly number[][] = PROBES): string | undefined {
  const wrap = `wrap it in a self-contained arrow function, e.g. (v) => Math.tanh(v), with every constant written inside`;
  if (source.includes('[native code]')) {
    return `${what} ${f.name || 'fn'} is a built-in function, whose source cannot be sent to a worker thread; ${wrap}`;
  }
  let copy: NumberFn;
  try {
    copy = functionFromSource(source);
  } catch (error) {
    return `${what} cannot be rebuilt from its source text on a worker thread (${(error as Error).message}); ${wrap}`;
  }
  for (const args of probes) {
    let same: boolean;
    try {
      same = Object.is(copy(...args), f(...args));
    } catch (error) {
      return `${what} refers to variables outside its own body (${(error as Error).message}), so a worker thread cannot rebuild it; ${wrap}`;
    }
    if (!same)
      return `${what} refers to variables outside its own body (rebuilt from its source text it gives other values, at ${args.length === 1 ? `x = ${args[0]}` : `(${args.join(', ')})`}), so a worker thread cannot rebuild it; ${wrap}`;
  }
  return undefined;
}

/**
 * How many sources {@link canonical} remembers (the last used): each keeps its
 * series' expansion cache alive (up to its limit, megabytes), as the worker
 * threads keep their 16 last-used layers.
 */
const CANONICAL_LIMIT = 16;
const canonicalFunctions = new Map<string, NumberFn>();

/**
 * The function that every series `elementwise` layer whose φ (or φ′) has
 * this source text computes with: the first one seen, for functions that
 * their source text rebuilds (`rebuildProblem` finds none; worker threads
 * compute with such a rebuilt copy already). Why: the series activation, its
 * expansion cache and its grid tables are shared by function
 * (`sharedHermiteSeries`), and a notebook writes
 * `stax.elementwise((x) => Math.tanh(x))` afresh for each network, a new
 * function each time that shared nothing: its first call on 400 inputs paid
 * the quadratures at the grid variances again (1.6 ms of 6.3), and a
 * synchronous loop of such networks kept a cache per network until it ended.
 * A function rebuilt from its source is determined by it, so this changes no
 * value (φ is taken to be pure, as everywhere).
 */
function canonical<F extends NumberFn>(f: F, source: string): F {
  const known = canonicalFunctions.get(source);
  canonicalFunctions.delete(source);
  canonicalFunctions.set(source, known ?? f);
  if (canonicalFunctions.size > CANONICAL_LIMIT) canonicalFunctions.delete(canonicalFunctions.keys().next().value as string);
  return (known ?? f) as F;
}

/** The spec form of `elementwise`'s arguments: the functions as source text. */
interface ElementwiseSpec {
  fn: string;
  grad?: string;
  tol?: number;
  degree?: number;
  kinks?: readonly number[];
  nngpFn?: string;
}

/** Which rule computes the kernels, from the options (validated). */
type Method =
  { kind: 'series'; tol: number } | { kind: 'degree'; degree: number } | { kind: 'kinks'; kinks: readonly number[] } | { kind: 'nngpFn'; nngpFn: NngpFn };

function checkElementwise(fn: unknown, options: ElementwiseOptions): Method {
  if (typeof fn !== 'function') {
    throw new InputError('stax.elementwise: needs the activation function, e.g. stax.elementwise((x) => Math.tanh(x))');
  }
  checkOptions('stax.elementwise', options, ['tol', 'degree', 'grad', 'kinks', 'nngpFn']);
  const { tol, degree, grad, kinks, nngpFn } = options;
  const chosen = (['tol', 'degree', 'kinks', 'nngpFn'] as const).filter((k) => options[k] !== undefined);
  if (chosen.length > 1) {
    throw new InputError(
      `stax.elementwise: ${chosen.join(' and ')} choose different ways to compute the kernels; pass one of tol (Hermite series, the default), degree (fixed quadrature), kinks (piecewise-smooth φ) or nngpFn (closed form)`,
    );
  }
  if (grad !== undefined && typeof grad !== 'function') {
    throw new InputError('stax.elementwise: grad must be a function x => φ′(x) when given');
  }
  if (kinks !== undefined) {
    if (!Array.isArray(kinks) || !kinks.every((k) => typeof k === 'number' && Number.isFinite(k))) {
      throw new InputError('stax.elementwise: kinks must be an array of finite numbers, e.g. [0] for a ReLU-like function');
    }
    return { kind: 'kinks', kinks };
  }
  if (degree !== undefined) {
    positiveInteger('stax.elementwise', 'degree', degree);
    if (degree > 400)
      throw new InputError(`stax.elementwise: degree ${degree} is too large (cost grows as degree²); use at most 400, or tol for the Hermite series`);
    return { kind: 'degree', degree };
  }
  if (nngpFn !== undefined) {
    if (typeof nngpFn !== 'function') throw new InputError('stax.elementwise: nngpFn must be a function (q11, q12, q22) => E[φ(u)φ(v)]');
    return { kind: 'nngpFn', nngpFn };
  }
  return { kind: 'series', tol: checkTol('stax.elementwise', tol ?? DEFAULT_TOL) };
}

function label(method: Method): string {
  switch (method.kind) {
    case 'series':
      return `tol=${method.tol}`;
    case 'degree':
      return `degree=${method.degree}`;
    case 'kinks':
      return `kinks=[${method.kinks.join(', ')}]`;
    case 'nngpFn':
      return `nngpFn=${method.nngpFn.name || 'closed form'}`;
  }
}

/**
 * Any pointwise activation φ = `fn`, its kernels (eq. S1 of Lee et al. 2019)
 * computed numerically:
 * - smooth φ (tanh, softplus, swish, sigmoid, …), by default: Mehler's
 *   formula, 𝒯 = Σ_k a_k(q11) a_k(q22) ρ^k with the Hermite coefficients of
 *   φ at each distinct variance computed once, to the relative accuracy `tol`
 *   (default 1e−10) — about as fast as a closed form;
 * - piecewise-smooth φ: `kinks` lists where φ or φ′ jumps (ReLU6: [0, 6]);
 * - `degree`: Neural Tangents' fixed two-dimensional Gauss–Hermite rule;
 * - `nngpFn`: the user's closed form of 𝒯, with 𝒯̇ = ∂𝒯/∂q12 derived.
 *
 * Worker threads rebuild `fn` (and `grad`, `nngpFn`) from their source text,
 * so to use them there (`batch` with `workers`) the functions must be
 * self-contained — refer to nothing outside their own body. Functions of
 * `Math` (`Math.tanh`) are recognised by name. Other functions still work on
 * the calling thread.
 *
 * @example
 * ```ts
 * const swish = stax.elementwise((x) => x / (1 + Math.exp(-x)));
 * const relu6 = stax.elementwise((x) => Math.min(Math.max(x, 0), 6), { kinks: [0, 6] });
 * const erfLike = stax.elementwise((x) => Math.tanh(x), { tol: 1e-8 });
 * ```
 */
export const elementwise = activationType({
  type: 'elementwise',
  create: (fn: (x: number) => number, options: ElementwiseOptions = {}) => {
    const method = checkElementwise(fn, options);
    const { grad } = options;
    // With kinks, differences must not straddle one (a straddling stencil is off by O(1) there).
    const makeDerivative = () => grad ?? (method.kind === 'kinks' ? piecewiseDerivative(fn, method.kinks) : numericalDerivative(fn));
    const source = sourceOf(fn);
    const shown = fn.name || (source.length > 60 ? `${source.slice(0, 57)}...` : source);
    const name = `Elementwise(${shown}, ${label(method)})`;
    const fnProblem = rebuildProblem('the elementwise function', fn, source);
    const gradSource = grad === undefined ? undefined : sourceOf(grad);
    const gradProblem = grad === undefined ? undefined : rebuildProblem('the elementwise grad', grad, gradSource as string);
    let rule: Omit<Activation, 'localOnly'>;
    switch (method.kind) {
      case 'series': {
        const phi = fnProblem === undefined ? canonical(fn, source) : fn;
        const phiGrad = grad !== undefined && gradProblem === undefined ? canonical(grad, gradSource as string) : grad;
        rule = sharedHermiteSeries(name, phi, method.tol, phiGrad, () => numericalDerivative(phi));
        break;
      }
      case 'degree':
        rule = quadratureActivation(name, fn, makeDerivative(), method.degree);
        break;
      case 'kinks':
        rule = kinkedQuadratureActivation(name, fn, makeDerivative(), method.kinks);
        break;
      case 'nngpFn':
        rule = nngpFnActivation(name, fn, makeDerivative(), method.nngpFn);
        break;
    }
    const localOnly =
      fnProblem ??
      gradProblem ??
      (method.kind === 'nngpFn' ? rebuildProblem('the elementwise nngpFn', method.nngpFn, sourceOf(method.nngpFn), COVARIANCE_PROBES) : undefined);
    return { ...rule, localOnly };
  },
  toSpec: (fn, options = {}): [ElementwiseSpec] => {
    const method = checkElementwise(fn, options);
    return [
      {
        fn: sourceOf(fn),
        ...(options.grad === undefined ? {} : { grad: sourceOf(options.grad) }),
        ...(method.kind === 'series' ? { tol: method.tol } : {}),
        ...(method.kind === 'degree' ? { degree: method.degree } : {}),
        ...(method.kind === 'kinks' ? { kinks: [...method.kinks] } : {}),
        ...(method.kind === 'nngpFn' ? { nngpFn: sourceOf(method.nngpFn) } : {}),
      },
    ];
  },
  fromSpec: (args): [(x: number) => number, ElementwiseOptions] => {
    const { fn, grad, tol, degree, kinks, nngpFn } = args[0] as ElementwiseSpec;
    return [
      functionFromSource(fn) as (x: number) => number,
      {
        ...(grad === undefined ? {} : { grad: functionFromSource(grad) as (x: number) => number }),
        ...(tol === undefined ? {} : { tol }),
        ...(degree === undefined ? {} : { degree }),
        ...(kinks === undefined ? {} : { kinks }),
        ...(nngpFn === undefined ? {} : { nngpFn: functionFromSource(nngpFn) as NngpFn }),
      },
    ];
  },
});

/** Panels this short or longer at a crossing need no grading (the panels of {@link gaussianRule} are 2 long). */
const GRADED_UP_TO = 2;

/**
 * Outer breakpoints where the inner expectation E_w[g(slope·z + sv·w)] turns
 * sharply: it smooths g's kink k over |z − k/slope| ≲ sv/|slope|, a width that
 * shrinks with 1 − ρ², so at strong correlations panels of length 2 cannot
 * resolve it (ReLU's NTK dual was off by 1e−8 relative at ρ = 0.994). Panels
 * graded geometrically from that width around each crossing keep every panel's
 * integrand smooth on its own scale.
 */
function innerKinkCrossings(kinks: readonly number[], slope: number, sv: number): number[] {
  if (slope === 0) return [];
  const width = sv / Math.abs(slope);
  const cuts: number[] = [];
  for (const k of kinks) {
    const z = k / slope;
    cuts.push(z);
    for (let d = width; d < GRADED_UP_TO; d *= 2) cuts.push(z - d, z + d);
  }
  return cuts;
}

/**
 * The dual of an activation with kinks, by nested one-dimensional
 * integration: writing u = √q11·z and v | u ~ 𝒩(q12 z/√q11, q22 − q12²/q11),
 *   E[g(u) g(v)] = E_z[ g(√q11 z) · E_w[ g(q12 z/√q11 + s w) ] ],
 * both expectations by {@link gaussianRule} with breakpoints where u or v
 * crosses a kink, the outer one graded where v's conditional mean does
 * ({@link innerKinkCrossings}). When Σ is singular (s = 0, e.g. on the diagonal) the inner
 * expectation is g at the conditional mean.
 */
export function kinkedQuadratureActivation(
  name: string,
  fn: (x: number) => number,
  grad: (x: number) => number,
  kinks: readonly number[],
): Omit<Activation, 'localOnly'> {
  return {
    name,
    fn,
    grad,
    dual(q11, q12, q22, out, wantDot) {
      const su = Math.sqrt(Math.max(q11, 0));
      const slope = su > 0 ? q12 / su : 0;
      // The conditional variance as det Σ / q11, which is exactly 0 for q11 = q12 = q22
      // (a diagonal entry), where q22 − q12²/q11 may round to ±1 ulp: near ρ = 1 the
      // NTK's dual is not Lipschitz, and that ulp would move it by ~1e−9.
      const resid = su > 0 ? (q11 * q22 - q12 * q12) / q11 : q22;
      const sv = Math.sqrt(Math.max(resid, 0));
      const degenerate = !(sv > 1e-12 * Math.sqrt(Math.max(q22, 0)));
      const outer = gaussianRule(su > 0 ? [...kinks.map((k) => k / su), ...(degenerate ? [] : innerKinkCrossings(kinks, slope, sv))] : []);
      let t = 0;
      let tDot = 0;
      for (let i = 0; i < outer.z.length; i++) {
        const u = su * outer.z[i];
        const mean = slope * outer.z[i];
        let innerT: number;
        let innerDot = 0;
        if (degenerate) {
          innerT = fn(mean);
          if (wantDot) innerDot = grad(mean);
        } else {
          const inner = gaussianRule(kinks.map((k) => (k - mean) / sv));
          innerT = 0;
          for (let j = 0; j < inner.z.length; j++) {
            const v = mean + sv * inner.z[j];
            innerT += inner.w[j] * fn(v);
            if (wantDot) innerDot += inner.w[j] * grad(v);
          }
        }
        t += outer.w[i] * fn(u) * innerT;
        if (wantDot) tDot += outer.w[i] * grad(u) * innerDot;
      }
      out[0] = t;
      if (wantDot) out[1] = tDot;
    },
  };
}
