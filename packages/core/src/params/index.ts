/**
 * Vector operations on parameter trees (what a layer's init returns).
 * `add`, `sub`, `scale` and `difference` return new trees; `axpy` is the one
 * that works in place (y ← y + a·x), for tight training loops.
 * @packageDocumentation
 */
export { leaves, cloneParams, zerosLike, checkSameStructure, axpy, dot, norm, difference, count, allFinite } from './tree';
export { add, sub, scale } from './arithmetic';
