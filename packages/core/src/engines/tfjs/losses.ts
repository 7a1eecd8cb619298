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
 * MSE ½·mean((f − y)²) and softmax cross-entropy −mean(y·log σ(f)), both
 * means over all n·k entries (losses/mse.ts, losses/cross-entropy.ts; eq. 24).
 * tfjs differentiates these; a custom {@link Loss} (JavaScript on matrices) it cannot.
 */
export function tfjsLoss(where: string, loss: Loss): TfjsLoss {
  if (loss === mse) return (tf, out, y) => tf.mul(tf.mean(tf.squaredDifference(out, y), [1, 2]), 0.5);
  if (loss === crossEntropy) return (tf, out, y) => tf.neg(tf.mean(tf.mul(y, tf.logSoftmax(out)), [1, 2]));
  throw new OptionError(`${where}: engine 'tfjs' supports loss 'mse' or 'crossEntropy'; a custom Loss (${loss.name}) runs on engine 'float64'`);
}
