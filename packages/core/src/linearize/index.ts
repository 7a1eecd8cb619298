export { linearize, type LinearizedFn } from './linearize';
