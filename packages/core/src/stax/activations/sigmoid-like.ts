import { activationType } from '../activation';
import { erfActivation } from './erf';

/**
 * The constant for which ½·erf(x/s) + ½ is closest to the logistic sigmoid in
 * squared error on [−5, 5] (Neural Tangents' `Sigmoid_like`).
 */
export const SIGMOID_SCALE = 2.4020563531719796;

/** A sigmoid-like φ(x) = ½·erf(x / 2.4020563531719796) + ½, with the erf closed form. */
export const sigmoidLike = activationType({
  type: 'sigmoidLike',
  create: () => erfActivation('SigmoidLike', { a: 0.5, b: 1 / SIGMOID_SCALE, c: 0.5 }),
});
