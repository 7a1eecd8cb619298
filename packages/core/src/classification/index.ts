/**
 * Scoring classifiers: accuracy and the confusion matrix, from logits, GP
 * means or any scores, against class labels or one-hot / ±1 targets.
 * @packageDocumentation
 */
export { accuracy } from './accuracy';
export { confusionMatrix, type ConfusionOptions } from './confusion-matrix';
export { type ClassOptions, type Labels } from './classes';
