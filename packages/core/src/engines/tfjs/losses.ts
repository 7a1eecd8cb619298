import type { Tensor } from '@tensorflow/tfjs';
import { OptionError } from '../../errors';
import { crossEntropy } from '../../losses/cross-entropy';
import type { Loss } from '../../losses/loss';
import { mse } from '../../losses/mse';
import type { Tfjs } from './backend';

/** The loss of each of M stacked networks: outputs [M, n, k] and targets [n, k] → [M]. */
export type TfjsLoss = (tf: Tfjs, out: Tensor, y: Tensor) => Tensor;

/**
 * The tfjs form of a training loss, with the float64 definitions:
 * MSE ½·mean((f − y)²) over all n·k entries (losses/mse.ts), softmax
 * cross-entropy −(1/n) Σ y·log σ(f) averaged over examples (eq. 24, losses/cross-entropy.ts).
 * tfjs differentiates these; a custom {@link Loss} (JavaScript on matrices) it cannot.
 */
export function tfjsLoss(where: string, loss: Loss): TfjsLoss {
  if (loss === mse) return (tf, out, y) => tf.mul(tf.mean(tf.squaredDifference(out, y), [1, 2]), 0.5);
  if (loss === crossEntropy) return (tf, out, y) => tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(out)), 2), 1));
  throw new OptionError(`${where}: engine 'tfjs' supports loss 'mse' or 'crossEntropy'; a custom Loss (${loss.name}) runs on engine 'float64'`);
}
