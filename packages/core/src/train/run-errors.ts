import { NumericalError, ShapeError } from '../errors';
import { crossEntropy } from '../losses/cross-entropy';
import type { Loss } from '../losses/loss';

/** The network's output width does not match the targets' (raised before the first step). */
export function outputMismatchError(where: string, outputs: number, targets: number, loss: Loss): ShapeError {
  return new ShapeError(`${where}: the network has ${outputs} outputs but yTrain has ${targets} columns; ${loss === crossEntropy ? 'use one-hot labels with one column per output' : 'targets need one column per output'}`);
}

/** A non-finite loss at `step`: the run diverged. `member` names the ensemble member when several train together. */
export function divergenceError(where: string, value: number, step: number, learningRate: number, member?: number): NumericalError {
  const who = member === undefined ? '' : ` of ensemble member ${member}`;
  return new NumericalError(
    `${where}: the loss${who} became ${value} at step ${step} — training diverged. The learning rate ${learningRate} is probably above the stable limit; predict.maxLearningRate(ntk, { yTrainSize, momentum }) gives it for MSE (ntk: the empirical NTK of the training set)`,
  );
}
