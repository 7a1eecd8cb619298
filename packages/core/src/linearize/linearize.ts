import { ShapeError } from '../errors';
import { ContentKey } from '../content-key';
import { examplesFrom, type Examples } from '../examples';
import { Matrix } from '../matrix';
import { differentiable, type Differentiable, type Network } from '../models/differentiable';
import { isTracing, recordOutput } from '../grad/trace';
import { checkSameStructure, cloneParams, difference } from '../params/tree';
import type { InputLike } from '../tensor';
import type { Params } from '../stax/types';
import { outsideWorkspace } from '../workspace';

/** A linearized network: call it like `apply`; train it like a network. */
export interface LinearizedFn {
  (params: Params, x: InputLike): Matrix;
  /** θ₀, the expansion point: a fresh copy on every read (the linearization keeps its own). */
  readonly params0: Params;
  /** The model trainers and empirical kernels use. */
  readonly model: Differentiable;
}

/**
 * How many inputs keep their forward pass at θ₀: training uses the training
 * set and, when it records test outputs, the test set, every step.
 */
const CACHED_INPUTS = 4;

/**
 * The first-order Taylor expansion of a network around θ₀ (eq. 6):
 *   f_lin(θ, x) = f(θ₀, x) + ∇_θ f(θ₀, x)·(θ − θ₀),
 * evaluated with a Jacobian–vector product (forward-mode, one pass through
 * the network), never forming the Jacobian. Its gradient with respect to θ is
 * J(θ₀)ᵀ — a backward pass at θ₀ — so it trains with
 * `train.gradientDescent` exactly like the network (eqs. 7–8), and for MSE its
 * weights follow the closed form of eq. (9).
 *
 * θ₀ is copied: updating `params0` in place afterwards (e.g. with
 * `params.axpy`) does not move the expansion point. The forward pass at θ₀ is
 * reused for inputs with the same contents as a recent one, whatever the
 * array object.
 *
 * @example
 * ```ts
 * const net = stax.serial(stax.dense(256), stax.relu(), stax.dense(1));
 * const { params } = net.init(random.key(0), 2);
 * const fLin = linearize(net.apply, params);
 * fLin(params, [[0.3, -0.1]]); // equals net.apply(params, …) at θ = θ₀
 * ```
 */
export function linearize(apply: Network, params0: Params): LinearizedFn {
  const base = differentiable('linearize', apply);
  const layer = base.layer.impl;
  const theta0 = cloneParams(params0);
  /** Forward caches at θ₀, most recent first, keyed on the input's contents; each computed on the key's own copy. */
  const caches: { key: ContentKey; cache: unknown }[] = [];
  const cacheAt = (x: Examples) => {
    const hit = caches.findIndex((c) => c.key.matches(x));
    if (hit >= 0) {
      const [entry] = caches.splice(hit, 1);
      caches.unshift(entry);
      return entry.cache;
    }
    const key = new ContentKey(x);
    // Kept across calls: its arrays must not be an NTK workspace's, which the next call reuses.
    const entry = { key, cache: outsideWorkspace(() => base.forward(theta0, key.copy).cache) };
    caches.unshift(entry);
    caches.length = Math.min(caches.length, CACHED_INPUTS);
    return entry.cache;
  };
  const evaluate = (params: Params, x: Examples): Matrix => {
    const { out, tOut } = layer.jvp(theta0, x, difference(params, theta0), null);
    if (!(out instanceof Matrix) || !(tOut instanceof Matrix)) throw new ShapeError('linearize: the network must end in one output matrix');
    return new Matrix(
      out.rows,
      out.cols,
      out.data.map((v, i) => v + tOut.data[i]),
    );
  };
  const model: Differentiable = {
    name: `Linearized(${base.name})`,
    layer: base.layer,
    forward: (params, x) => ({ out: evaluate(params, x), cache: cacheAt(x) }),
    gradient: (_params, cache, gOut, visit) => layer.backward(theta0, cache, gOut, visit, false).gParams,
  };
  const fn = (params: Params, x: InputLike): Matrix => {
    checkSameStructure('linearize', params, theta0);
    const examples = examplesFrom(x, 'x');
    const out = evaluate(params, examples);
    // Inside valueAndGrad's loss function: the gradient is J(θ₀)ᵀ·gOut, whatever θ (eq. 7).
    if (isTracing()) recordOutput(params, out, (gOut) => model.gradient(params, cacheAt(examples), gOut));
    return out;
  };
  Object.defineProperty(fn, 'params0', { get: () => cloneParams(theta0), enumerable: true });
  return Object.assign(fn, { model }) as LinearizedFn;
}
