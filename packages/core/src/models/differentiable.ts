import { InputError, ShapeError } from '../errors';
import { Matrix } from '../matrix';
import type { BackwardVisitor, Layer, Params } from '../stax/types';

/**
 * A model f(θ, x) that can be trained and differentiated: a network
 * (`net.apply`) or its linearization (`linearize(net.apply, θ₀)`).
 */
export interface Differentiable {
  readonly name: string;
  /** The network the model is built from (its layers give the per-layer gradient Grams). */
  readonly layer: Layer;
  /** Outputs f(θ, x) (rows = examples) and what {@link gradient} needs. */
  forward(params: Params, x: Matrix): { out: Matrix; cache: unknown };
  /** ∂⟨gOut, f(θ, x)⟩/∂θ: the vector–Jacobian product Jᵀ·gOut (eqs. 3, 7). */
  gradient(params: Params, cache: unknown, gOut: Matrix, visit?: BackwardVisitor): Params;
}

/** The model of a network's forward pass. */
export function layerModel(layer: Layer): Differentiable {
  return {
    name: layer.name,
    layer,
    forward(params, x) {
      const { out, cache } = layer.forward(params, x);
      if (!(out instanceof Matrix)) throw new ShapeError(`${layer.name}: the network ends in several branches; join them with fanInSum or fanInConcat`);
      return { out, cache };
    },
    gradient: (params, cache, gOut, visit) => layer.backward(params, cache, gOut, visit).gParams,
  };
}

/**
 * Whether `apply` is something {@link differentiable} accepts — a network's
 * apply, a linearization, or a layer — rather than, say, a plain function
 * (which the tfjs engine takes as a TensorFlow.js model).
 */
export function isNetwork(apply: unknown): boolean {
  if (typeof apply === 'function') return 'model' in apply || 'layer' in apply;
  return apply !== null && typeof apply === 'object' && typeof (apply as Layer).forward === 'function' && typeof (apply as Layer).backward === 'function';
}

/**
 * Finds the model behind what a user passes as `apply`: `net.apply`, a
 * `linearize(...)` result, or a layer itself.
 */
export function differentiable(where: string, apply: unknown): Differentiable {
  if (typeof apply === 'function') {
    const tagged = apply as { model?: Differentiable; layer?: Layer };
    if (tagged.model) return tagged.model;
    if (tagged.layer) return layerModel(tagged.layer);
  }
  if (typeof apply === 'object' && isNetwork(apply)) return layerModel(apply as Layer);
  throw new InputError(`${where}: pass a network's apply (net.apply from stax), a linearize(net.apply, params) model, or the layer itself; got ${typeof apply}`);
}
