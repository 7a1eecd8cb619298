/**
 * Training finite networks (and their linearizations) by gradient descent,
 * SGD and momentum (eqs. 3, 7, 20), in float64.
 * @packageDocumentation
 */
export { gradientDescent, ensemble, type TrainOptions, type TrainResult, type TrainSnapshot } from './gradient-descent';
