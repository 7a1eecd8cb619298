import { ShapeError } from '../errors';
import { product } from '../linalg/product';
import { ContentKey } from '../content-key';
import { Matrix, type MatrixLike } from '../matrix';
import { checkOptions } from '../options';
import { learningRateArg, matrixArg, regularizerArg, timesArg, trainKernelArg } from './inputs';
import { prediction, type Prediction, type PredictionWithTest, type TrainPrediction } from './results';
import { scaleRows } from './scale-rows';
import { gain, learned, spectrum, type Spectrum } from './spectrum';

export type { Prediction, PredictionWithTest, TrainPrediction } from './results';

export interface GradientDescentMseOptions {
  /** η; training time is measured in units of it (default 1). */
  learningRate?: number;
  /** Diagonal regulariser, relative to mean(diag Θ) (default 0). */
  diagReg?: number;
  /** Add `diagReg` to the diagonal as is, not scaled by mean(diag Θ) (default false; Neural Tangents' `diag_reg_absolute_scale`). */
  diagRegAbsoluteScale?: boolean;
}

/** Initial outputs a predictor may be given: a matrix, or nothing (zero, the infinite-ensemble mean). */
export type Outputs = MatrixLike | null | undefined;

/**
 * The prediction function returned by {@link gradientDescentMse}: test
 * outputs are there (typed so) exactly when `kTestTrain` is passed.
 */
export interface GradientDescentMsePredictFn {
  (t: number, fx0Train: Outputs, fx0Test: Outputs, kTestTrain: MatrixLike): PredictionWithTest;
  (t: readonly number[], fx0Train: Outputs, fx0Test: Outputs, kTestTrain: MatrixLike): PredictionWithTest[];
  (t: number, fx0Train?: Outputs, fx0Test?: null, kTestTrain?: null): TrainPrediction;
  (t: readonly number[], fx0Train?: Outputs, fx0Test?: null, kTestTrain?: null): TrainPrediction[];
  (t: number, fx0Train?: Outputs, fx0Test?: Outputs, kTestTrain?: MatrixLike | null): Prediction;
  (t: readonly number[], fx0Train?: Outputs, fx0Test?: Outputs, kTestTrain?: MatrixLike | null): Prediction[];
}

/**
 * Closed-form gradient flow on the MSE loss of a linearized network (eqs. 10–12),
 * as Neural Tangents' `predict.gradient_descent_mse`. With Θ the train-train
 * kernel, N = yTrain.size (the loss is ½·mean over all entries) and τ = η·t/N:
 *   f_t(𝒳) = f₀(𝒳) + (e^{−Θτ} − I)(f₀(𝒳) − 𝒴)                      (eq. 10)
 *   f_t(x) = f₀(x) + Θ(x, 𝒳) Θ⁻¹(e^{−Θτ} − I)(f₀(𝒳) − 𝒴)            (eqs. 11–12)
 * Θ is eigendecomposed once (LAPACK dsyevd) on first use and reused for every
 * t; `t = Infinity` gives the converged outputs. Each output column is
 * trained independently with the same kernel. `kTrainTrain` and `yTrain` are
 * copied: editing them afterwards does not change this predictor. The product
 * Θ(x, 𝒳)V is reused while `kTestTrain` has the same contents.
 *
 * @param kTrainTrain - Θ(𝒳, 𝒳), an NTK (empirical or analytic), n×n.
 * @param yTrain - targets 𝒴, n×k.
 * @returns `predictFn(t, fx0Train?, fx0Test?, kTestTrain?)`: outputs at time t
 *   (an array of results for an array of times). `fx0Train` defaults to zeros;
 *   test outputs are computed when `kTestTrain` (m×n) is given, from `fx0Test`
 *   (default zeros: the mean over random initialisations).
 * @example
 * ```ts
 * const predictFn = predict.gradientDescentMse([[2, 1], [1, 2]], [[1], [-1]], { learningRate: 1 });
 * predictFn(Infinity).train.toArray(); // [[1], [-1]]: the targets are fit
 * const { test } = predictFn(1, null, null, [[1.5, 0.5]]); // test: Matrix, no `!` needed
 * const [train, test2] = predictFn(1, null, null, [[1.5, 0.5]]); // Neural Tangents' tuple order
 * ```
 */
export function gradientDescentMse(
  kTrainTrain: MatrixLike,
  yTrain: MatrixLike,
  options: GradientDescentMseOptions = {},
): GradientDescentMsePredictFn {
  const where = 'predict.gradientDescentMse';
  checkOptions(where, options, ['learningRate', 'diagReg', 'diagRegAbsoluteScale']);
  const y = matrixArg(where, 'yTrain', yTrain).clone();
  // A private copy, turned into the eigenvectors on first use.
  let k: Matrix | null = trainKernelArg(where, 'kTrainTrain', kTrainTrain, y.rows).clone();
  const learningRate = learningRateArg(where, options.learningRate ?? 1);
  const reg = regularizerArg(where, options);
  const normalization = y.data.length;
  let cached: Spectrum | Error | undefined;
  const eigen = (): Spectrum => {
    if (cached === undefined) {
      try {
        cached = spectrum(where, 'kTrainTrain', k as Matrix, reg, true);
      } catch (error) {
        cached = error as Error; // the copy is spent: the same error every time
      }
      k = null;
    }
    if (cached instanceof Error) throw cached;
    return cached;
  };
  let last: { key: ContentKey; projection: Matrix } | undefined;

  function predictFn(
    t: number | readonly number[],
    fx0Train?: MatrixLike | null,
    fx0Test?: MatrixLike | null,
    kTestTrain?: MatrixLike | null,
  ): Prediction | Prediction[] {
    const times = timesArg(where, t);
    const f0 = fx0Train == null ? new Matrix(y.rows, y.cols) : matrixArg(where, 'fx0Train', fx0Train, y.rows, y.cols);
    if (fx0Test != null && kTestTrain == null) {
      throw new ShapeError(`${where}: fx0Test was given without kTestTrain; pass the test-train kernel Θ(x_test, x_train) to predict test outputs`);
    }
    let ktx: Matrix | null = null;
    let g0: Matrix | null = null;
    if (kTestTrain != null) {
      ktx = matrixArg(where, 'kTestTrain', kTestTrain, undefined, y.rows);
      g0 = fx0Test == null ? new Matrix(ktx.rows, y.cols) : matrixArg(where, 'fx0Test', fx0Test, ktx.rows, y.cols);
    }
    const { values, vectors } = eigen();
    // Residual at t = 0 in the eigenbasis: z = Vᵀ (f₀ − 𝒴).
    const residual = new Matrix(y.rows, y.cols, f0.data.map((v, i) => v - y.data[i]));
    const z = product(vectors, residual, true);
    let projection: Matrix | null = null;
    if (ktx !== null) {
      if (!last?.key.matches(ktx)) last = { key: new ContentKey(ktx), projection: product(ktx, vectors) };
      projection = last.projection;
    }
    const results = times.map((time) => {
      const tau = time === Infinity ? Infinity : (learningRate * time) / normalization;
      // eq. 10: e^{−λτ} − 1 per eigendirection.
      const trainStep = product(vectors, scaleRows(z, values.map((l) => -learned(l, tau))));
      const train = new Matrix(y.rows, y.cols, f0.data.map((v, i) => v + trainStep.data[i]));
      if (projection === null || g0 === null) return prediction(train);
      // eqs. 11–12: Θ(x, 𝒳) V · (e^{−λτ} − 1)/λ · Vᵀ(f₀ − 𝒴).
      const testStep = product(projection, scaleRows(z, values.map((l) => -gain(l, tau))));
      return prediction(train, new Matrix(g0.rows, y.cols, g0.data.map((v, i) => v + testStep.data[i])));
    });
    return Array.isArray(t) ? results : results[0];
  }
  return predictFn as GradientDescentMsePredictFn;
}
