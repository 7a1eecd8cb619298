/**
 * Empirical kernels of finite networks: the tangent kernel of eq. (5) and the
 * outputs' covariance, for any `stax` network or its linearization — and the
 * tangent kernel of a TensorFlow.js model on the `'tfjs'` engine.
 * @packageDocumentation
 */
export { ntkFn, type NtkFnOptions, type TfjsNtkFnOptions } from './ntk';
export { nngpFn, type EmpiricalKernelFn, type DiagonalEmpiricalKernelFn, type OutputKernelFn } from './nngp';
export type { OutputAxis, OutputAxes, DiagonalOutputAxes, OutputAxesOptions } from './output-axes';
export type { TfjsEmpiricalKernelFn, TfjsModelFn, TfjsParams } from '../engines/tfjs/ntk';
