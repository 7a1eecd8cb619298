/**
 * Training finite networks (and their linearizations) by gradient descent,
 * SGD and momentum (eqs. 3, 7, 20), in float64 — or in float32 on
 * TensorFlow.js with `{ engine: 'tfjs' }`.
 * @packageDocumentation
 */
export {
  gradientDescent, ensemble, type TfjsTrainOptions, type TrainOptions, type TrainResult, type TrainSnapshot,
} from './gradient-descent';
