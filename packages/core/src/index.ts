/**
 * @tangent-lab/core — infinite-width kernels (NNGP, NTK), finite networks,
 * linearization and closed-form training dynamics of wide neural networks
 * (Lee, Xiao et al., "Wide Neural Networks of Any Depth Evolve as Linear
 * Models Under Gradient Descent", NeurIPS 2019), in float64 TypeScript.
 *
 * @example
 * ```ts
 * import { stax } from '@tangent-lab/core';
 * const net = stax.serial(stax.dense(512, { wStd: 1.5, bStd: 0.05 }), stax.erf(), stax.dense(1, { wStd: 1.5, bStd: 0.05 }));
 * const { nngp, ntk } = net.kernel([[0.1], [0.5]], [[0.2], [0.3], [0.4]]);
 * ```
 * @packageDocumentation
 */
export { Matrix, type MatrixLike } from './matrix';
export { Tensor, type NestedArray, type NestedArrayOut, type TensorLike, type InputLike } from './tensor';
export type { Examples } from './examples';
export type { VectorLike, NumericTypedArray } from './arrays/vector';
export { linspace, argmax, oneHot, mean, std, concat, type OneHotOptions, type StdOptions } from './arrays';
export { permutation, randint } from './random';
export * as datasets from './datasets';
export * as io from './io';
export { accuracy, confusionMatrix, type ClassOptions, type ConfusionOptions, type Labels } from './classification';
export { printOptions, type PrintOptions } from './print/options';
export type { ArrayBundle } from './print/html';
export { TangentLabError, ShapeError, InputError, OptionError, NumericalError } from './errors';
export * as random from './random';
export type { Key } from './random';
export * as linalg from './linalg';
export * as stax from './stax';
export type { Get, Kernel, KernelOf, KernelFor, KernelFn, Layer, Params, DenseParams, Tensors, Dims } from './stax';
export {
  batch,
  logProgress,
  formatProgress,
  predictStored,
  runQueueWorker,
  KernelStore,
  StoredMatrix,
  type BatchOptions,
  type BatchedKernelFn,
  type StoredKernelFn,
  type AnyKernelFn,
  type BatchedFn,
  type StoredFn,
  type BatchProgress,
  type ProgressFn,
  type StoredKernel,
  type StoreManifest,
  type QueueWorker,
  type QueueWorkerOptions,
  type StoredKernelSource,
  type StoredInput,
  type Tile,
  type TileValues,
  type KernelFnRest,
  type StoredOf,
} from './batch';
export * as signal from './signal';
export * as ode from './ode';
export * as predict from './predict';
export * as losses from './losses';
export * as empirical from './empirical';
export * as params from './params';
export { linearize, type LinearizedFn } from './linearize';
export { valueAndGrad, grad, type GradOptions, type LossLike, type ValueAndGradFn, type ValueAndGradAuxFn } from './grad';
export type { Differentiable, ModelFn, Network } from './models/differentiable';
export * as train from './train';
export * as engines from './engines';
export { monteCarloKernelFn, type MonteCarloKernelFn, type MonteCarloKernelListFn, type MonteCarloOptions } from './monte-carlo';
