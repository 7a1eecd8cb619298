/** The network, data and kernels shared by the predict tests. */
import { Matrix, stax } from '@tangent-lab/core';
import { inputs } from '../helpers/compare';
import { runPython } from '../helpers/python';

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

/**
 * The numpy/scipy reference (`fixtures/predict_reference.py`) on this
 * problem's kernels and targets: learning rate 2, outputs f0/g0 at t = 0,
 * unless `overrides` says otherwise.
 */
export function numpyReference<T>(overrides: Record<string, unknown>): T {
  return runPython<T>('predict_reference.py', {
    kxx: nngp.toArray(),
    ktx: nngpTest.toArray(),
    ktt: nngpTestTest.toArray(),
    ntk_xx: ntk.toArray(),
    ntk_tx: ntkTest.toArray(),
    ntk_tt: ntkTestTest.toArray(),
    y: yTrain,
    f0,
    g0,
    lr: 2,
    ...overrides,
  });
}
