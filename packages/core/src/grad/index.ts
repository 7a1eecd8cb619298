/**
 * Gradients of losses with respect to network parameters, in the style of
 * JAX (`valueAndGrad`, `grad`).
 * @packageDocumentation
 */
export { valueAndGrad, grad, type GradOptions, type LossLike, type ValueAndGradFn, type ValueAndGradAuxFn } from './value-and-grad';
