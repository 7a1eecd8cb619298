/**
 * Splittable, reproducible randomness in the style of `jax.random`.
 * @packageDocumentation
 */
export { key, split, foldIn, checkKey, type Key } from './key';
export { normal, uniform, fillNormal, fillUniform, type Shape } from './distributions';
export { threefry2x32 } from './threefry';
export { permutation } from './permutation';
export { randint } from './randint';
