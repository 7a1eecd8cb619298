/**
 * Small numpy-style helpers on vectors, matrices and tensors, so notebooks
 * need not hand-roll loops. All float64; typed arrays are accepted wherever
 * a vector is meant.
 * @packageDocumentation
 */
export { linspace } from './linspace';
export { argmax } from './argmax';
export { oneHot, type OneHotOptions } from './one-hot';
export { mean, std, type StdOptions } from './moments';
export { concat } from './concat';
export { vectorArg, isNumericTypedArray, describeValue, type VectorLike, type NumericTypedArray } from './vector';
