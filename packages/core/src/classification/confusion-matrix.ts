import { InputError } from '../errors';
import { Matrix, type MatrixLike } from '../matrix';
import { checkOptions } from '../options';
import { predictedClasses, trueClasses, type ClassOptions, type Labels } from './classes';

/** Options of {@link confusionMatrix}. */
export interface ConfusionOptions extends ClassOptions {
  /**
   * `'true'`: each row divided by its count (row i: where examples of class i
   * went; the diagonal is the per-class recall); `'pred'`: each column by its
   * count; `'all'`: by n. Default: counts. As scikit-learn's `normalize`.
   */
  normalize?: 'true' | 'pred' | 'all';
}

/**
 * The k×k confusion matrix: entry (i, j) counts the examples of true class i
 * predicted as class j (scikit-learn's convention), with predictions and
 * labels read as by {@link accuracy}. Its trace over n is the accuracy.
 *
 * @example
 * ```ts
 * confusionMatrix([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]], [0, 1, 1]).toArray(); // [[1, 0], [1, 1]]
 * ```
 */
export function confusionMatrix(predictions: MatrixLike, labels: Labels, options: ConfusionOptions = {}): Matrix {
  checkOptions('confusionMatrix', options, ['classes', 'normalize']);
  const { normalize } = options;
  if (normalize !== undefined && normalize !== 'true' && normalize !== 'pred' && normalize !== 'all') {
    throw new InputError(`confusionMatrix: normalize must be 'true', 'pred' or 'all' (or omitted for counts), got ${JSON.stringify(normalize)}`);
  }
  const prediction = predictedClasses('confusionMatrix', predictions);
  const predicted = prediction.classes;
  const truth = trueClasses('confusionMatrix', labels, prediction, options);
  const { k } = prediction;
  const m = new Matrix(k, k);
  for (let i = 0; i < truth.length; i++) m.data[truth[i] * k + predicted[i]] += 1;
  if (normalize === 'all') for (let i = 0; i < m.data.length; i++) m.data[i] /= truth.length;
  if (normalize === 'true' || normalize === 'pred') {
    for (let a = 0; a < k; a++) {
      let total = 0;
      for (let b = 0; b < k; b++) total += normalize === 'true' ? m.data[a * k + b] : m.data[b * k + a];
      if (total === 0) continue;
      for (let b = 0; b < k; b++) {
        if (normalize === 'true') m.data[a * k + b] /= total;
        else m.data[b * k + a] /= total;
      }
    }
  }
  return m;
}
