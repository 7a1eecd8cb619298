import { ShapeError } from '../errors';
import { examplesFrom, type Examples } from '../examples';
import { Matrix } from '../matrix';
import type { InputLike } from '../tensor';
import { differentiable, type Differentiable, type Network } from '../models/differentiable';
import { isTracing, recordOutput } from '../grad/trace';
import { checkSameStructure, difference } from '../params/tree';
import type { Params } from '../stax/types';

/** A linearized network: call it like `apply`; train it like a network. */
export interface LinearizedFn {
  (params: Params, x: InputLike): Matrix;
  /** θ₀, the expansion point. */
  readonly params0: Params;
  /** The model trainers and empirical kernels use. */
  readonly model: Differentiable;
}

/**
 * The first-order Taylor expansion of a network around θ₀ (eq. 6):
 *   f_lin(θ, x) = f(θ₀, x) + ∇_θ f(θ₀, x)·(θ − θ₀),
 * evaluated with a Jacobian–vector product (forward-mode, one pass through
 * the network), never forming the Jacobian. Its gradient with respect to θ is
 * J(θ₀)ᵀ — a backward pass at θ₀ — so it trains with
 * `train.gradientDescent` exactly like the network (eqs. 7–8), and for MSE its
 * weights follow the closed form of eq. (9).
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
  /** Forward caches at θ₀ by input (training reuses the same inputs every step). */
  const caches = new WeakMap<Examples, unknown>();
  const cacheAt = (x: Examples) => {
    let c = caches.get(x);
    if (c === undefined) {
      c = base.forward(params0, x).cache;
      caches.set(x, c);
    }
    return c;
  };
  const evaluate = (params: Params, x: Examples): Matrix => {
    const { out, tOut } = layer.jvp(params0, x, difference(params, params0), null);
    if (!(out instanceof Matrix) || !(tOut instanceof Matrix)) throw new ShapeError('linearize: the network must end in one output matrix');
    return new Matrix(out.rows, out.cols, out.data.map((v, i) => v + tOut.data[i]));
  };
  const model: Differentiable = {
    name: `Linearized(${base.name})`,
    layer: base.layer,
    forward: (params, x) => ({ out: evaluate(params, x), cache: cacheAt(x) }),
    gradient: (_params, cache, gOut, visit) => layer.backward(params0, cache, gOut, visit).gParams,
  };
  const fn = (params: Params, x: InputLike): Matrix => {
    checkSameStructure('linearize', params, params0);
    const examples = examplesFrom(x, 'x');
    const out = evaluate(params, examples);
    // Inside valueAndGrad's loss function: the gradient is J(θ₀)ᵀ·gOut, whatever θ (eq. 7).
    if (isTracing()) recordOutput(params, out, (gOut) => model.gradient(params, cacheAt(examples), gOut));
    return out;
  };
  return Object.assign(fn, { params0, model });
}
