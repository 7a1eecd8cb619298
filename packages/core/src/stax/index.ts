/**
 * Layers that compose, like Neural Tangents' `stax`: each layer is one value
 * holding its finite network (`init`, `apply`, backward/JVP) and its
 * infinite-width kernel rule (`kernel`, seed 002 eqs. S1–S18).
 * @packageDocumentation
 */
export { dense, type DenseOptions, type Parameterization } from './dense';
export { relu } from './activations/relu';
export { leakyRelu } from './activations/leaky-relu';
export { abRelu } from './activations/ab-relu';
export { abs } from './activations/abs';
export { erf } from './activations/erf';
export { gelu } from './activations/gelu';
export { sin } from './activations/sin';
export { cos } from './activations/cos';
export { sigmoidLike } from './activations/sigmoid-like';
export { elementwise, type ElementwiseOptions } from './activations/elementwise';
export type { ScaleOptions } from './activations/scale-options';
export { identity } from './identity';
export { serial } from './serial';
export { parallel } from './parallel';
export { fanOut } from './fan-out';
export { fanInSum } from './fan-in-sum';
export { fanInConcat } from './fan-in-concat';
export { fromSpec } from './from-spec';
export { activationLayer, type Activation, type ActivationLayer } from './activation';
export { makeLayer } from './make-layer';
export type {
  DenseParams, Dims, Get, Kernel, KernelFn, KernelInput, Kernels, Layer, LayerDef, LayerSpec, Params, Tensors,
} from './types';
export type { KernelState } from './kernel-state';
