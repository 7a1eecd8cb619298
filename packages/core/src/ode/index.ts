/**
 * Ordinary differential equation integrators on Float64Array states: the
 * engine of `predict.gradientDescent` (eqs. 24–26 of the paper).
 * @packageDocumentation
 */
export { odeint, type OdeintOptions } from './odeint';
export type { Derivative, OdeSolution, OdeStats } from './types';
