/**
 * Vector operations on parameter trees (what a layer's init returns).
 * @packageDocumentation
 */
export { leaves, cloneParams, zerosLike, checkSameStructure, axpy, dot, norm, difference, count, allFinite } from './tree';
