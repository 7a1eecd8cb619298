/**
 * Layers that compose, like Neural Tangents' `stax`: each layer is one value
 * holding its finite network (`init`, `apply`, and behind `impl` its backward
 * pass, JVP and tfjs op) and its infinite-width kernel rule (`kernel`, Lee et
 * al. 2019, eqs. S1–S18). Every layer type is declared once, in its own file,
 * and registered; adding one is that file plus one export line here.
 * @packageDocumentation
 */
export { dense, type DenseOptions, type Parameterization } from './dense';
export { conv, type ConvOptions } from './conv';
export { avgPool, type AvgPoolOptions } from './avg-pool';
export { globalAvgPool } from './global-avg-pool';
export { flatten } from './flatten';
export type { Padding } from './spatial/window';
export { relu } from './activations/relu';
export { leakyRelu } from './activations/leaky-relu';
export { abRelu } from './activations/ab-relu';
export { abs } from './activations/abs';
export { erf } from './activations/erf';
export { gelu } from './activations/gelu';
export { sin } from './activations/sin';
export { cos } from './activations/cos';
export { sigmoidLike } from './activations/sigmoid-like';
export { tanh } from './activations/tanh';
export { sign } from './activations/sign';
export { exp, type ExpOptions } from './activations/exp';
export { expNormalized, type ExpNormalizedOptions } from './activations/exp-normalized';
export { gaussian, type GaussianOptions } from './activations/gaussian';
export { rbf } from './activations/rbf';
export { gabor } from './activations/gabor';
export { monomial } from './activations/monomial';
export { rectifiedMonomial } from './activations/rectified-monomial';
export { polynomial } from './activations/polynomial';
export { hermite } from './activations/hermite';
export { elementwise, type ElementwiseOptions } from './activations/elementwise';
export type { NngpFn } from './activations/nngp-fn-dual';
export type { ScaleOptions } from './activations/scale-options';
export { identity } from './identity';
export { layerNorm, type LayerNormOptions } from './layer-norm';
export { dropout, type DropoutOptions } from './dropout';
export { repeat } from './repeat';
export { fanInProd } from './fan-in-prod';
export { serial } from './serial';
export { parallel } from './parallel';
export { fanOut } from './fan-out';
export { fanInSum } from './fan-in-sum';
export { fanInConcat } from './fan-in-concat';
export { defineActivation, defineLayer } from './define';
export { fromSpec, layerTypes, type LayerFactory, type LayerType } from './registry';
export type { Activation, ActivationImpl, ActivationLayer, ActivationType } from './activation';
export type { Dual, DualMatrix, DualMatrixJob, DualRow } from './dual-rows';
export type { NativeDual } from '../native/dual-steps';
export { nativeInfo, type NativeInfo } from '../native/library';
export type {
  ApplyFn,
  BackwardVisitor,
  DenseParams,
  Dims,
  Get,
  InputShape,
  Kernel,
  KernelFn,
  KernelInput,
  Layer,
  LayerImpl,
  LayerSpec,
  NetworkInput,
  Params,
  SpatialDims,
  SpatialNeed,
  Tensors,
} from './types';
export type { KernelAffine, Kernels, KernelState } from './kernel-state';
export type { DeferredDual } from './deferred-duals';
export type { KernelOf, KernelFor } from './kernel-result';
