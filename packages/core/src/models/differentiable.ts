import { InputError, ShapeError } from '../errors';
import type { Examples } from '../examples';
import { Matrix } from '../matrix';
import type { InputLike } from '../tensor';
import type { ApplyFn, BackwardVisitor, Layer, Params } from '../stax/types';

/**
 * A model f(θ, x) that can be trained and differentiated: a network
 * (`net.apply`) or its linearization (`linearize(net.apply, θ₀)`).
 */
export interface Differentiable {
  readonly name: string;
  /** The network the model is built from (its layers give the per-layer gradient Grams). */
  readonly layer: Layer;
  /** Outputs f(θ, x) (rows = examples) and what {@link gradient} needs. */
  forward(params: Params, x: Examples): { out: Matrix; cache: unknown };
  /** ∂⟨gOut, f(θ, x)⟩/∂θ: the vector–Jacobian product Jᵀ·gOut (Lee et al. 2019, eqs. 3, 7). */
  gradient(params: Params, cache: unknown, gOut: Matrix, visit?: BackwardVisitor): Params;
}

/** A model function that carries its {@link Differentiable}: what `linearize` returns. */
export interface ModelFn {
  (params: Params, x: InputLike): Matrix;
  readonly model: Differentiable;
}

/**
 * What trainers and empirical kernels take as a network: its `apply`
 * (`net.apply`), the layer itself, or a linearization (`linearize(...)`).
 */
export type Network = ApplyFn | Layer | ModelFn;

/** The model of a network's forward pass. */
export function layerModel(layer: Layer): Differentiable {
  const { impl } = layer;
  return {
    name: layer.name,
    layer,
    forward(params, x) {
      const { out, cache } = impl.forward(params, x);
      if (!(out instanceof Matrix)) {
        throw new ShapeError(
          out instanceof Array
            ? `${layer.name}: the network ends in several branches; join them with fanInSum or fanInConcat`
            : `${layer.name}: the network's outputs are still spatial (shape ${(out as { shape: number[] }).shape.join('×')}); end it with stax.flatten() or stax.globalAvgPool() and a dense readout`,
        );
      }
      return { out, cache };
    },
    // The gradient with respect to the input is never returned: not computed.
    gradient: (params, cache, gOut, visit) => impl.backward(params, cache, gOut, visit, false).gParams,
  };
}

/**
 * Whether `apply` is a {@link Network} — a network's apply, a linearization,
 * or a layer — rather than, say, a plain function (which the tfjs engine takes
 * as a TensorFlow.js model).
 */
export function isNetwork(apply: unknown): apply is Network {
  if (typeof apply === 'function') return 'model' in apply || 'layer' in apply;
  return apply !== null && typeof apply === 'object' && typeof (apply as Layer).impl?.forward === 'function';
}

/**
 * Finds the model behind what a user passes as a network: `net.apply`, a
 * `linearize(...)` result, or a layer itself.
 */
export function differentiable(where: string, apply: Network): Differentiable {
  if (typeof apply === 'function') {
    const tagged = apply as { model?: Differentiable; layer?: Layer };
    if (tagged.model) return tagged.model;
    if (tagged.layer) return layerModel(tagged.layer);
  }
  if (isNetwork(apply)) return layerModel(apply as Layer);
  throw new InputError(
    `${where}: pass a network's apply (net.apply from stax), a linearize(net.apply, params) model, or the layer itself; got ${typeof apply}`,
  );
}
