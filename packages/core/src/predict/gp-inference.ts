import { NumericalError } from '../errors';
import { choSolve, cholesky } from '../linalg';
import { product } from '../linalg/product';
import { Matrix, type MatrixLike } from '../matrix';
import { checkOptions } from '../options';
import { diagRegArg, matrixArg, trainKernelArg } from './inputs';

/** A Gaussian over outputs: its mean (m×k) and, when asked for, its covariance (m×m, shared by the k outputs). */
export interface Gaussian {
  mean: Matrix;
  cov?: Matrix;
}

/**
 * The exact Gaussian-process posterior (eqs. 13–14): with 𝒦 = kTrainTrain
 * (plus diagReg·mean(diag 𝒦)·I),
 *   μ(x) = 𝒦(x, 𝒳) 𝒦⁻¹ 𝒴,   Σ(x, x′) = 𝒦(x, x′) − 𝒦(x, 𝒳) 𝒦⁻¹ 𝒦(𝒳, x′).
 * With the NNGP this is exact Bayesian inference in an infinitely wide network;
 * with the NTK, Neural Tangents' "NTK-GP" posterior. Uses one Cholesky
 * factorisation (dpotrf), cached across calls.
 *
 * @example
 * ```ts
 * const posterior = predict.gpInference([[1, 0.5], [0.5, 1]], [[1], [0]], { diagReg: 1e-6 });
 * const { mean, cov } = posterior([[0.9, 0.6]], [[1]]);
 * ```
 */
export function gpInference(
  kTrainTrain: MatrixLike,
  yTrain: MatrixLike,
  options: { diagReg?: number } = {},
): (kTestTrain: MatrixLike, kTestTest?: MatrixLike | null) => Gaussian {
  const where = 'predict.gpInference';
  checkOptions(where, options, ['diagReg']);
  const y = matrixArg(where, 'yTrain', yTrain).clone();
  const k = trainKernelArg(where, 'kTrainTrain', kTrainTrain, y.rows).clone();
  const diagReg = diagRegArg(where, options.diagReg ?? 0);
  let factor: Matrix | undefined;
  const chol = (): Matrix => {
    if (factor) return factor;
    const reg = k.clone();
    const n = k.rows;
    const shift = (diagReg * k.trace()) / n;
    for (let i = 0; i < n; i++) reg.data[i * n + i] += shift;
    try {
      factor = cholesky(reg);
    } catch (error) {
      throw new NumericalError(`${where}: kTrainTrain is not positive definite (${(error as Error).message.replace(/^linalg\.cholesky: /, '')}); pass diagReg > 0, e.g. 1e-4`);
    }
    return factor;
  };
  let alpha: Matrix | undefined;
  return (kTestTrain, kTestTest) => {
    const ktx = matrixArg(where, 'kTestTrain', kTestTrain, undefined, y.rows);
    const ktt = kTestTest == null ? null : matrixArg(where, 'kTestTest', kTestTest, ktx.rows, ktx.rows);
    const l = chol();
    alpha ??= choSolve(l, y);
    const out: Gaussian = { mean: product(ktx, alpha) };
    if (ktt) {
      const w = choSolve(l, ktx.transpose());
      const reduction = product(ktx, w);
      out.cov = new Matrix(ktt.rows, ktt.cols, ktt.data.map((v, i) => v - reduction.data[i]));
    }
    return out;
  };
}
