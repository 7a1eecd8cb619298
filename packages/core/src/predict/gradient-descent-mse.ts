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

/** The (m·k)×(n·k) test-train kernel that goes with a full multi-output train kernel. */
function fullTestKernelArg(where: string, value: MatrixLike, n: number, k: number): Matrix {
  const ktx = Matrix.from(value, 'kTestTrain');
  if (ktx.cols !== n * k || ktx.rows % k !== 0) {
    throw new ShapeError(
      `${where}: kTestTrain is ${ktx.rows}×${ktx.cols}, but kTrainTrain is the full ${n * k}×${n * k} multi-output kernel of ${n} examples and ${k} outputs: pass the full test-train kernel too, (m·${k})×${n * k} for m test points (empirical.ntkFn(f, { traceAxes: [] })(xTest, xTrain, params))`,
    );
  }
  return ktx;
}

/**
 * Closed-form gradient flow on the MSE loss of a linearized network (eqs. 10–12),
 * as Neural Tangents' `predict.gradient_descent_mse`. With Θ the train-train
 * kernel, N = yTrain.size (the loss is ½·mean over all entries) and τ = η·t/N:
 *   f_t(𝒳) = f₀(𝒳) + (e^{−Θτ} − I)(f₀(𝒳) − 𝒴)                      (eq. 10)
 *   f_t(x) = f₀(x) + Θ(x, 𝒳) Θ⁻¹(e^{−Θτ} − I)(f₀(𝒳) − 𝒴)            (eqs. 11–12)
 * Θ is eigendecomposed once (LAPACK dsyevd) on first use and reused for every
 * t; `t = Infinity` gives the converged outputs. `kTrainTrain` and `yTrain`
 * are copied: editing them afterwards does not change this predictor. The
 * product Θ(x, 𝒳)V is reused while `kTestTrain` has the same contents.
 *
 * Two kinds of kernel, told apart by their size:
 * - n×n (an analytic NTK, or the empirical NTK averaged over outputs, the
 *   default `traceAxes: [-1]`): each of the k output columns is trained
 *   independently with the same kernel, exact for the infinite-width network
 *   (Θ ⊗ Id_k, Lee et al. 2019, eq. (S5)) and an approximation for a finite one;
 * - (n·k)×(n·k), the full empirical NTK of all n·k outputs
 *   (`empirical.ntkFn(f, { traceAxes: [] })`, example-major: row i·k + a is
 *   output a of example i): Θ̂₀ = J₀J₀ᵀ of eqs. (9)–(10) for a k-output
 *   network, so the outputs move together and the prediction is exactly the
 *   trained linearized network's (`linearize`) at every t. 𝒴 and f are then
 *   the vectors of their n·k entries, N = n·k as before (the same time unit),
 *   and `kTestTrain` must be the full (m·k)×(n·k) test-train kernel. `diagReg`
 *   is relative to the mean of this kernel's diagonal.
 *
 * @param kTrainTrain - Θ(𝒳, 𝒳), an NTK (empirical or analytic), n×n, or the
 *   full multi-output empirical NTK, (n·k)×(n·k).
 * @param yTrain - targets 𝒴, n×k.
 * @returns `predictFn(t, fx0Train?, fx0Test?, kTestTrain?)`: outputs (n×k, and
 *   m×k on the test set) at time t (an array of results for an array of
 *   times). `fx0Train` defaults to zeros; test outputs are computed when
 *   `kTestTrain` (m×n, or (m·k)×(n·k) with the full kernel) is given, from
 *   `fx0Test` (default zeros: the mean over random initialisations).
 * @example
 * ```ts
 * const predictFn = predict.gradientDescentMse([[2, 1], [1, 2]], [[1], [-1]], { learningRate: 1 });
 * predictFn(Infinity).train.toArray(); // [[1], [-1]]: the targets are fit
 * const { test } = predictFn(1, null, null, [[1.5, 0.5]]); // test: Matrix, no `!` needed
 * const [train, test2] = predictFn(1, null, null, [[1.5, 0.5]]); // Neural Tangents' tuple order
 *
 * // A 3-output network's linearization, exactly: the full (n·3)×(n·3) empirical NTK.
 * const net = stax.serial(stax.dense(64), stax.erf(), stax.dense(3));
 * const { params } = net.init(random.key(0), 2);
 * const xTrain = [[1, 0], [0, 1], [-1, 1]];
 * const yTrain = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
 * const fullNtk = empirical.ntkFn(net.apply, { traceAxes: [] });
 * const exact = predict.gradientDescentMse(fullNtk(xTrain, null, params), yTrain);
 * exact(10, net.apply(params, xTrain), net.apply(params, [[0.5, 0.5]]), fullNtk([[0.5, 0.5]], xTrain, params)).test; // 1×3
 * ```
 */
export function gradientDescentMse(kTrainTrain: MatrixLike, yTrain: MatrixLike, options: GradientDescentMseOptions = {}): GradientDescentMsePredictFn {
  const where = 'predict.gradientDescentMse';
  checkOptions(where, options, ['learningRate', 'diagReg', 'diagRegAbsoluteScale']);
  const targets = matrixArg(where, 'yTrain', yTrain).clone();
  // A private copy, turned into the eigenvectors on first use.
  let k: Matrix | null = trainKernelArg(where, 'kTrainTrain', kTrainTrain, targets.rows, targets.cols).clone();
  // The full multi-output kernel couples the outputs: the n×k targets are then
  // one vector of n·k entries, example-major like the kernel's rows.
  const outputs = targets.cols;
  const full = k.rows !== targets.rows;
  const y = full ? new Matrix(targets.data.length, 1, targets.data) : targets;
  /** An n×k output matrix as the vector the flow acts on (a view), and back. */
  const flat = (m: Matrix) => (full ? new Matrix(m.data.length, 1, m.data) : m);
  const unflat = (m: Matrix) => (full ? new Matrix(m.rows / outputs, outputs, m.data) : m);
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
    const f0 = flat(fx0Train == null ? new Matrix(targets.rows, outputs) : matrixArg(where, 'fx0Train', fx0Train, targets.rows, outputs));
    if (fx0Test != null && kTestTrain == null) {
      throw new ShapeError(`${where}: fx0Test was given without kTestTrain; pass the test-train kernel Θ(x_test, x_train) to predict test outputs`);
    }
    let ktx: Matrix | null = null;
    let g0: Matrix | null = null;
    if (kTestTrain != null) {
      ktx = full ? fullTestKernelArg(where, kTestTrain, targets.rows, outputs) : matrixArg(where, 'kTestTrain', kTestTrain, undefined, y.rows);
      const m = ktx.rows / (full ? outputs : 1);
      g0 = flat(fx0Test == null ? new Matrix(m, outputs) : matrixArg(where, 'fx0Test', fx0Test, m, outputs));
    }
    const { values, vectors } = eigen();
    // Residual at t = 0 in the eigenbasis: z = Vᵀ (f₀ − 𝒴).
    const residual = new Matrix(
      y.rows,
      y.cols,
      f0.data.map((v, i) => v - y.data[i]),
    );
    const z = product(vectors, residual, true);
    let projection: Matrix | null = null;
    if (ktx !== null) {
      if (!last?.key.matches(ktx)) last = { key: new ContentKey(ktx), projection: product(ktx, vectors) };
      projection = last.projection;
    }
    const results = times.map((time) => {
      const tau = time === Infinity ? Infinity : (learningRate * time) / normalization;
      // eq. 10: e^{−λτ} − 1 per eigendirection.
      const trainStep = product(
        vectors,
        scaleRows(
          z,
          values.map((l) => -learned(l, tau)),
        ),
      );
      const train = unflat(
        new Matrix(
          y.rows,
          y.cols,
          f0.data.map((v, i) => v + trainStep.data[i]),
        ),
      );
      if (projection === null || g0 === null) return prediction(train);
      // eqs. 11–12: Θ(x, 𝒳) V · (e^{−λτ} − 1)/λ · Vᵀ(f₀ − 𝒴).
      const testStep = product(
        projection,
        scaleRows(
          z,
          values.map((l) => -gain(l, tau)),
        ),
      );
      return prediction(
        train,
        unflat(
          new Matrix(
            g0.rows,
            y.cols,
            g0.data.map((v, i) => v + testStep.data[i]),
          ),
        ),
      );
    });
    return Array.isArray(t) ? results : results[0];
  }
  return predictFn as GradientDescentMsePredictFn;
}
