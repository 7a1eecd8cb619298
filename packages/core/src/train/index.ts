/**
 * Training finite networks (and their linearizations) by gradient descent,
 * SGD and momentum (Lee et al. 2019, eqs. 3, 7, 20), in float64 — or in float32 on
 * TensorFlow.js with `{ engine: 'tfjs' }`.
 * @packageDocumentation
 */
export { gradientDescent, ensemble } from './gradient-descent';
export type { TfjsTrainOptions, TrainEngine, TrainOptions, TrainPlan, TrainResult, TrainSnapshot } from './plan';
