import type { MatrixLike } from '../matrix';
import { checkOptions } from '../options';
import { predictedClasses, trueClasses, type ClassOptions, type Labels } from './classes';

/**
 * The fraction of examples whose predicted class is the true one.
 *
 * `predictions` are logits, a GP mean or any scores, one row per example:
 * the predicted class is the column of the largest score; a single column is
 * a ±1 classifier (positive → the second class). `labels` are class labels
 * (0…k−1, or values listed in `classes`) or targets shaped like the
 * predictions (one-hot, centred −0.1/0.9, ±1).
 *
 * @example
 * ```ts
 * accuracy([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]], [0, 1, 1]); // 2/3
 * ```
 */
export function accuracy(predictions: MatrixLike, labels: Labels, options: ClassOptions = {}): number {
  checkOptions('accuracy', options, ['classes']);
  const prediction = predictedClasses('accuracy', predictions);
  const predicted = prediction.classes;
  const truth = trueClasses('accuracy', labels, prediction, options);
  let right = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) right++;
  return right / truth.length;
}
