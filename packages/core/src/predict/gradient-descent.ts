import { InputError, ShapeError } from '../errors';
import { activeBackend } from '../linalg/backend';
import { crossEntropy } from '../losses/cross-entropy';
import type { Loss } from '../losses/loss';
import { mse } from '../losses/mse';
import { Matrix, type MatrixLike } from '../matrix';
import { odeint } from '../ode/odeint';
import { checkOptions } from '../options';
import { learningRateArg, matrixArg, timesArg, trainKernelArg } from './inputs';
import { prediction, type Prediction, type PredictionWithTest, type TrainPrediction } from './results';

/** The gradient ∂ℒ/∂f of a loss at the training outputs f (N×k), given targets y. */
export type LossGradient = (fx: Matrix, yTrain: Matrix) => Matrix;

export interface GradientDescentOptions {
  /** η (default 1). Without momentum time is in units of η; with momentum, of √η (as Neural Tangents). */
  learningRate?: number;
  /** Momentum β of eq. (20), in [0, 1); omitted: plain gradient flow. */
  momentum?: number;
  /** Tolerances of the dopri5 integrator (defaults 1e-8, 1e-10). */
  rtol?: number;
  atol?: number;
}

/** The prediction function returned by {@link gradientDescent}: test outputs are there (typed so) exactly when `kTestTrain` is passed. */
export interface GradientDescentPredictFn {
  (t: number, fx0Train: MatrixLike, fx0Test: MatrixLike | null | undefined, kTestTrain: MatrixLike): PredictionWithTest;
  (t: readonly number[], fx0Train: MatrixLike, fx0Test: MatrixLike | null | undefined, kTestTrain: MatrixLike): PredictionWithTest[];
  (t: number, fx0Train: MatrixLike, fx0Test?: null, kTestTrain?: null): TrainPrediction;
  (t: readonly number[], fx0Train: MatrixLike, fx0Test?: null, kTestTrain?: null): TrainPrediction[];
  (t: number, fx0Train: MatrixLike, fx0Test?: MatrixLike | null, kTestTrain?: MatrixLike | null): Prediction;
  (t: readonly number[], fx0Train: MatrixLike, fx0Test?: MatrixLike | null, kTestTrain?: MatrixLike | null): Prediction[];
}

/** The `loss` argument of function-space training: what gives ∂ℒ/∂f. */
function lossGradientOption(where: string, loss: unknown): Loss | LossGradient {
  if (loss === 'mse') return mse;
  if (loss === 'crossEntropy') return crossEntropy;
  if (typeof loss === 'function') return loss as LossGradient;
  if (loss && typeof loss === 'object' && typeof (loss as Loss).grad === 'function') return loss as Loss;
  throw new InputError(
    `${where}: loss must be 'mse', 'crossEntropy', a Loss ({ grad }) or a gradient function (fx, yTrain) => ∂ℒ/∂fx; got ${JSON.stringify(loss)}`,
  );
}

/**
 * Training of a linearized (or infinitely wide) network in function space for
 * any loss, by integrating the ODE of eqs. (24)–(26) / (S22)–(S25) with dopri5
 * (Neural Tangents' `predict.gradient_descent`):
 *   ḟ_t(𝒳) = −η Θ(𝒳, 𝒳) ∇_f ℒ(f_t(𝒳)),   ḟ_t(x) = −η Θ(x, 𝒳) ∇_f ℒ(f_t(𝒳)).
 * With `momentum` β, the continuous limit of eq. (21), eqs. (22)–(23):
 *   f̈ = β̃ ḟ − Θ ∇_f ℒ,  β̃ = (β − 1)/√η, time in units of √η.
 * Losses: `'mse'` (½·mean over all entries, matching {@link gradientDescentMse}
 * exactly), `'crossEntropy'` (softmax, eq. 24, −mean(y·log σ(f)) over all N·k
 * entries — the same normalisation, so the same time unit), a {@link Loss},
 * or a function giving ∂ℒ/∂f.
 *
 * @example
 * ```ts
 * const k = [[2, 1], [1, 2]];
 * const y = [[1, 0], [0, 1]];                       // one-hot labels
 * const predictFn = predict.gradientDescent('crossEntropy', k, y, { learningRate: 1 });
 * const { train } = predictFn(10, [[0, 0], [0, 0]]); // logits after t = 10
 * ```
 */
export function gradientDescent(
  loss: 'mse' | 'crossEntropy' | Loss | LossGradient,
  kTrainTrain: MatrixLike,
  yTrain: MatrixLike,
  options: GradientDescentOptions = {},
): GradientDescentPredictFn {
  const where = 'predict.gradientDescent';
  checkOptions(where, options, ['learningRate', 'momentum', 'rtol', 'atol']);
  const lossFn = lossGradientOption(where, loss);
  // Private copies: editing the arguments later must not change this predictor.
  const y = matrixArg(where, 'yTrain', yTrain).clone();
  const k = trainKernelArg(where, 'kTrainTrain', kTrainTrain, y.rows).clone();
  const learningRate = learningRateArg(where, options.learningRate ?? 1);
  const { momentum, rtol = 1e-8, atol = 1e-10 } = options;
  if (momentum !== undefined && (typeof momentum !== 'number' || !(momentum >= 0 && momentum < 1))) {
    throw new InputError(`${where}: momentum must be in [0, 1), got ${String(momentum)}`);
  }
  if (lossFn === crossEntropy && y.cols < 2) {
    throw new ShapeError(`${where}: cross-entropy needs one column per class (one-hot labels, at least 2 columns); yTrain has ${y.cols}`);
  }
  const n = y.rows;
  const outputs = y.cols;
  const gradient = (fx: Matrix): Matrix => {
    if (typeof lossFn === 'function') {
      const g = lossFn(fx, y);
      if (!(g instanceof Matrix) || g.rows !== n || g.cols !== outputs) {
        throw new ShapeError(`${where}: the loss gradient must return a ${n}×${outputs} Matrix like fx`);
      }
      return g;
    }
    return lossFn.grad(fx, y, new Matrix(n, outputs));
  };

  function predictFn(
    t: number | readonly number[],
    fx0Train: MatrixLike,
    fx0Test?: MatrixLike | null,
    kTestTrain?: MatrixLike | null,
  ): Prediction | Prediction[] {
    const times = timesArg(where, t, false);
    times.forEach((v, i) => {
      if (i > 0 && !(v > times[i - 1])) throw new InputError(`${where}: times must be strictly increasing, but t[${i}] = ${v} follows ${times[i - 1]}`);
    });
    if (fx0Train === undefined || fx0Train === null) {
      throw new InputError(`${where}: pass fx0Train, the outputs at t = 0 (zeros for an ensemble mean only make sense for MSE)`);
    }
    const f0 = matrixArg(where, 'fx0Train', fx0Train, n, outputs);
    if (fx0Test != null && kTestTrain == null) throw new ShapeError(`${where}: fx0Test was given without kTestTrain`);
    const ktx = kTestTrain == null ? null : matrixArg(where, 'kTestTrain', kTestTrain, undefined, n);
    const m = ktx === null ? 0 : ktx.rows;
    const g0 = ktx === null ? null : fx0Test == null ? new Matrix(m, outputs) : matrixArg(where, 'fx0Test', fx0Test, m, outputs);
    const trainSize = n * outputs;
    const size = trainSize + m * outputs;
    // Without momentum, time runs in units of η; with it, in units of √η and β̃ = (β − 1)/√η.
    const scale = momentum === undefined ? learningRate : Math.sqrt(learningRate);
    const friction = momentum === undefined ? 0 : (momentum - 1) / Math.sqrt(learningRate);
    const backend = activeBackend();
    const fx = new Matrix(n, outputs);
    const rhs = (state: Float64Array): Float64Array => {
      const dstate = new Float64Array(state.length);
      fx.data.set(state.subarray(0, trainSize));
      const g = gradient(fx);
      // −Θ ∇ℒ on the train outputs (eq. 25) and −Θ(x, 𝒳) ∇ℒ on the test outputs (eq. 26).
      const force = new Float64Array(size);
      backend.gemm(false, false, n, outputs, n, -1, k.data, g.data, 0, force.subarray(0, trainSize));
      if (ktx !== null) {
        const testForce = new Float64Array(m * outputs);
        backend.gemm(false, false, m, outputs, n, -1, ktx.data, g.data, 0, testForce);
        force.set(testForce, trainSize);
      }
      if (momentum === undefined) {
        dstate.set(force);
        return dstate;
      }
      // State (f, ḟ): ḟ = q, q̇ = β̃ q − Θ∇ℒ (eqs. 22–23).
      for (let i = 0; i < size; i++) {
        dstate[i] = state[size + i];
        dstate[size + i] = friction * state[size + i] + force[i];
      }
      return dstate;
    };
    const y0 = new Float64Array(momentum === undefined ? size : 2 * size);
    y0.set(f0.data);
    if (g0 !== null) y0.set(g0.data, trainSize);
    const scaled = times.map((v) => v * scale);
    const withStart = scaled[0] === 0 ? scaled : [0, ...scaled];
    const states = odeint(rhs, y0, withStart, { rtol, atol });
    const offset = scaled[0] === 0 ? 0 : 1;
    const results = scaled.map((_, i): Prediction => {
      const s = states[i + offset];
      return prediction(new Matrix(n, outputs, s.slice(0, trainSize)), g0 === null ? null : new Matrix(m, outputs, s.slice(trainSize, size)));
    });
    return Array.isArray(t) ? results : results[0];
  }
  return predictFn as GradientDescentPredictFn;
}
