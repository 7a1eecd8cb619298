/** The network, data and kernels shared by the predict tests. */
import { Matrix, stax } from '@tangent-lab/core';
import { inputs } from '../helpers/compare';

export const net = stax.serial(
  stax.dense(512, { wStd: 1.5, bStd: 0.05 }),
  stax.erf(),
  stax.dense(512, { wStd: 1.5, bStd: 0.05 }),
  stax.erf(),
  stax.dense(1, { wStd: 1.5, bStd: 0.05 }),
);
export const xTrain = inputs(6, 2, 1);
export const xTest = inputs(4, 2, 2);
export const yTrain = xTrain.map(([a, b]) => [Math.sin(2 * a) + 0.5 * b, Math.cos(a - b)]);
export const ntk = net.kernel(xTrain, null, 'ntk') as Matrix;
export const ntkTest = net.kernel(xTest, xTrain, 'ntk') as Matrix;
export const ntkTestTest = net.kernel(xTest, null, 'ntk') as Matrix;
export const nngp = net.kernel(xTrain, null, 'nngp') as Matrix;
export const nngpTest = net.kernel(xTest, xTrain, 'nngp') as Matrix;
export const nngpTestTest = net.kernel(xTest, null, 'nngp') as Matrix;
export const f0 = inputs(6, 2, 3);
export const g0 = inputs(4, 2, 4);
