import { InputError, ShapeError } from '../errors';
import { Matrix } from '../matrix';
import type { StoredMatrix } from './store';

/**
 * Predicts on test points whose test–train kernel is stored on disk, one
 * block of test rows at a time: test outputs depend on the test points only
 * through their own rows of Θ(x, 𝒳) (Lee et al. 2019, eqs. 11–12, 13–16 for
 * the mean), so the blocks' predictions stacked are the whole prediction,
 * while memory holds one block. The train–train kernel goes into memory
 * (`stored.toMatrix()`, which refuses when it would not fit).
 *
 * @param kTestTrain - the stored m×n test–train kernel.
 * @param predictRows - the prediction for a block of test rows, given their
 *   rows of the kernel (e.g. `(k) => predictFn(t, null, null, k).test!`).
 * @returns the m×k predictions, rows in test order.
 * @example
 * ```ts
 * const train = await batch(net.kernel, { batchSize: 1000, store: 'k/train' })(xTrain, null, 'ntk');
 * const predictFn = predict.gradientDescentMse(train.toMatrix(), yTrain);
 * const testTrain = await batch(net.kernel, { batchSize: 1000, store: 'k/test' })(xTest, xTrain, 'ntk');
 * const yTest = predictStored(testTrain, (k) => predictFn(Infinity, null, null, k).test!);
 * ```
 */
export function predictStored(
  kTestTrain: StoredMatrix,
  predictRows: (kTestTrainRows: Matrix, rows: { i0: number; i1: number }) => Matrix,
  { rowsPerBlock }: { rowsPerBlock?: number } = {},
): Matrix {
  if (typeof predictRows !== 'function') throw new InputError('predictStored: predictRows must be a function (kTestTrainRows) => Matrix');
  if (rowsPerBlock !== undefined && (!Number.isInteger(rowsPerBlock) || rowsPerBlock < 1)) {
    throw new InputError(`predictStored: rowsPerBlock must be a positive integer, got ${rowsPerBlock}`);
  }
  let out: Matrix | undefined;
  for (const { i0, i1, block } of kTestTrain.rowBlocks(rowsPerBlock)) {
    const p = predictRows(block, { i0, i1 });
    if (!(p instanceof Matrix) || p.rows !== i1 - i0 || (out && p.cols !== out.cols)) {
      throw new ShapeError(`predictStored: predictRows must return one row per kernel row (${i1 - i0}) with the same columns every time`);
    }
    out ??= new Matrix(kTestTrain.rows, p.cols);
    out.data.set(p.data, i0 * p.cols);
  }
  return out ?? new Matrix(0, 0);
}
