/**
 * Training losses shared by function-space dynamics (`predict`) and finite
 * networks: mean squared error as Neural Tangents defines it, and softmax
 * cross-entropy. Both are means over all N·k entries of the outputs, so
 * training times and learning rates mean the same for both.
 * @packageDocumentation
 */
export type { Loss } from './loss';
export { mse } from './mse';
export { crossEntropy } from './cross-entropy';
