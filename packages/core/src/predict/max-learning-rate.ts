import { InputError } from '../errors';
import { eigh } from '../linalg';
import type { MatrixLike } from '../matrix';
import { checkOptions } from '../options';
import { matrixArg } from './inputs';

/**
 * The largest stable learning rate of discrete gradient descent on MSE for a
 * (linearized or infinitely wide) network with NTK Θ, as Neural Tangents'
 * `predict.max_learning_rate`: the step η/N·Θ must keep I − η/N·Θ a
 * contraction, so η < 2N/λ_max(Θ); with momentum β the bound becomes
 * 2(1 + β)N/λ_max (Goh, "Why momentum really works"). N is the number of
 * outputs the loss averages over (`yTrainSize`, default the kernel's size).
 *
 * @example
 * ```ts
 * predict.maxLearningRate([[2, 0], [0, 1]]); // 2·2/2 = 2
 * ```
 */
export function maxLearningRate(kTrainTrain: MatrixLike, options: { yTrainSize?: number; momentum?: number } = {}): number {
  const where = 'predict.maxLearningRate';
  checkOptions(where, options, ['yTrainSize', 'momentum']);
  const k = matrixArg(where, 'kTrainTrain', kTrainTrain);
  const { yTrainSize = k.rows, momentum = 0 } = options;
  if (!Number.isInteger(yTrainSize) || yTrainSize < 1)
    throw new InputError(`${where}: yTrainSize must be a positive integer (the number of entries of yTrain), got ${yTrainSize}`);
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum < 1)) throw new InputError(`${where}: momentum must be in [0, 1), got ${momentum}`);
  const { eigenvalues } = eigh(k);
  const maxEigenvalue = eigenvalues[eigenvalues.length - 1];
  if (!(maxEigenvalue > 0)) throw new InputError(`${where}: kTrainTrain has no positive eigenvalue (largest ${maxEigenvalue}); any learning rate is stable`);
  return (2 * (1 + momentum) * yTrainSize) / (maxEigenvalue + 1e-12);
}
