/**
 * Empirical kernels of finite networks: the tangent kernel of eq. (5) and the
 * outputs' covariance, for any `stax` network or its linearization.
 * @packageDocumentation
 */
export { ntkFn, type NtkFnOptions } from './ntk';
export { nngpFn, type EmpiricalKernelFn } from './nngp';
