import { engineOption, type EngineInfo } from '../engines/engine';
import type { TfjsBackend } from '../engines/tfjs/backend';
import { trainTfjs } from '../engines/tfjs/train';
import { InputError, ShapeError } from '../errors';
import { activeBackend } from '../linalg/backend';
import { crossEntropy } from '../losses/cross-entropy';
import type { Loss } from '../losses/loss';
import { mse } from '../losses/mse';
import { Matrix, type MatrixLike } from '../matrix';
import { differentiable, type Differentiable } from '../models/differentiable';
import { checkOptions } from '../options';
import { axpy, checkSameStructure, cloneParams, difference } from '../params/tree';
import { key as makeKey, type Key } from '../random/key';
import type { Params } from '../stax/types';
import { minibatches } from './minibatches';
import { divergenceError, outputMismatchError } from './run-errors';

export interface TrainOptions {
  /** η, the step size. */
  learningRate: number;
  /** Number of parameter updates. */
  steps: number;
  /** `'mse'` (½·mean over all entries, as Neural Tangents; default), `'crossEntropy'` (softmax, −mean(y·log σ(f)) over all entries) or a {@link Loss}. */
  loss?: 'mse' | 'crossEntropy' | Loss;
  /** Momentum β of eq. (20) (default 0). */
  momentum?: number;
  /** Minibatch size for SGD (default: the whole training set). */
  batchSize?: number;
  /** Key for the minibatch order (default random.key(0)). */
  key?: Key;
  /** Test inputs whose outputs are recorded alongside the training outputs. */
  xTest?: MatrixLike;
  /** Steps (0 … steps) at which to record outputs (default [0, steps]). */
  recordAt?: readonly number[];
  /** Also record parameters at those steps (default false). */
  recordParams?: boolean;
  /** Called every `progressEvery` steps (default: about 100 times per run). */
  onProgress?: (progress: { step: number; steps: number; loss: number }) => void;
  progressEvery?: number;
  /** `'float64'` (default): this library's forward and backward passes. See {@link TfjsTrainOptions} for `'tfjs'`. */
  engine?: 'float64';
}

/**
 * Options of a run on the `'tfjs'` engine: the same network, translated layer
 * by layer to TensorFlow.js and trained in float32 with the same losses and
 * update rule. Training returns a Promise (backends initialise asynchronously).
 */
export interface TfjsTrainOptions extends Omit<TrainOptions, 'engine' | 'loss'> {
  engine: 'tfjs';
  /** Force a backend; by default the first of tfjs-node-gpu, tfjs-node, wasm, cpu that loads. */
  backend?: TfjsBackend;
  /** `'mse'` (default) or `'crossEntropy'`, defined as on the float64 engine. */
  loss?: 'mse' | 'crossEntropy';
}

/** What a run recorded at one step. */
export interface TrainSnapshot {
  step: number;
  /** Outputs on the whole training set. */
  train: Matrix;
  test?: Matrix;
  params?: Params;
}

export interface TrainResult {
  /** Parameters after the last step. */
  params: Params;
  /** The training loss before each update and after the last one (length steps + 1); for SGD, of each minibatch. */
  losses: Float64Array;
  snapshots: TrainSnapshot[];
  /** What trained the network: `{ name: 'float64', backend: 'openblas' }`, `{ name: 'tfjs', backend: 'wasm' }`, …. */
  engine: EngineInfo;
}

const OPTIONS = ['learningRate', 'steps', 'loss', 'momentum', 'batchSize', 'key', 'xTest', 'recordAt', 'recordParams', 'onProgress', 'progressEvery', 'engine'] as const;

function resolveLoss(where: string, loss: unknown): Loss {
  if (loss === undefined || loss === 'mse') return mse;
  if (loss === 'crossEntropy') return crossEntropy;
  if (loss && typeof loss === 'object' && typeof (loss as Loss).grad === 'function' && typeof (loss as Loss).value === 'function') return loss as Loss;
  throw new InputError(`${where}: loss must be 'mse', 'crossEntropy' or a Loss { value, grad }, got ${JSON.stringify(loss)}`);
}

/** Validated options, shared with the ensemble trainer and the tfjs engine. */
export interface TrainPlan {
  model: Differentiable;
  x: Matrix;
  y: Matrix;
  xTest: Matrix | null;
  loss: Loss;
  learningRate: number;
  steps: number;
  momentum: number;
  batchSize: number;
  key: Key;
  recordAt: Set<number>;
  recordParams: boolean;
  onProgress?: TrainOptions['onProgress'];
  progressEvery: number;
}

/** Checks everything before the first step. */
export function plan(where: string, apply: unknown, xTrain: MatrixLike, yTrain: MatrixLike, options: TrainOptions | TfjsTrainOptions, extra: readonly string[] = []): TrainPlan {
  checkOptions(where, options, [...OPTIONS, ...extra]);
  const model = differentiable(where, apply);
  const x = Matrix.from(xTrain, 'xTrain');
  const y = Matrix.from(yTrain, 'yTrain');
  if (y.rows !== x.rows) throw new ShapeError(`${where}: xTrain has ${x.rows} rows but yTrain has ${y.rows}; one target row per example`);
  const loss = resolveLoss(where, options.loss);
  const { learningRate, steps, momentum = 0, batchSize = x.rows, recordParams = false } = options;
  if (typeof learningRate !== 'number' || !(learningRate > 0) || !Number.isFinite(learningRate)) {
    throw new InputError(`${where}: learningRate must be a positive finite number, got ${String(learningRate)}`);
  }
  if (!Number.isInteger(steps) || steps < 0) throw new InputError(`${where}: steps must be a non-negative integer, got ${String(steps)}`);
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum < 1)) throw new InputError(`${where}: momentum must be in [0, 1), got ${String(momentum)}`);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > x.rows) {
    throw new InputError(`${where}: batchSize must be an integer between 1 and the ${x.rows} training examples, got ${String(batchSize)}`);
  }
  if (loss === crossEntropy) {
    for (let i = 0; i < y.rows; i++) {
      let s = 0;
      for (let j = 0; j < y.cols; j++) {
        const v = y.data[i * y.cols + j];
        if (v < 0) throw new InputError(`${where}: cross-entropy targets must be class probabilities (one-hot labels); yTrain[${i}][${j}] = ${v}`);
        s += v;
      }
      if (Math.abs(s - 1) > 1e-9) throw new InputError(`${where}: cross-entropy targets must sum to 1 per row (one-hot labels); row ${i} sums to ${s}`);
    }
  }
  const xTest = options.xTest === undefined ? null : Matrix.from(options.xTest, 'xTest');
  if (xTest && xTest.cols !== x.cols) throw new ShapeError(`${where}: xTest has ${xTest.cols} features but xTrain has ${x.cols}`);
  const recordAt = new Set(options.recordAt ?? [0, steps]);
  for (const s of recordAt) {
    if (!Number.isInteger(s) || s < 0 || s > steps) throw new InputError(`${where}: recordAt steps must be integers in [0, ${steps}], got ${s}`);
  }
  const progressEvery = options.progressEvery ?? Math.max(1, Math.round(steps / 100));
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') throw new InputError(`${where}: onProgress must be a function`);
  return {
    model, x, y, xTest, loss, learningRate, steps, momentum, batchSize,
    key: options.key ?? makeKey(0), recordAt, recordParams, onProgress: options.onProgress, progressEvery,
  };
}

function rowsOf(m: Matrix, rows: Int32Array): Matrix {
  if (rows.length === m.rows) return m;
  const out = new Matrix(rows.length, m.cols);
  rows.forEach((r, i) => out.data.set(m.row(r), i * m.cols));
  return out;
}

/** Runs a validated plan from params0 (cloned). */
export function runPlan(where: string, p: TrainPlan, params0: Params): TrainResult {
  const { model, x, y, loss, learningRate, steps, momentum } = p;
  let params = cloneParams(params0);
  let previous = momentum > 0 ? cloneParams(params0) : null;
  const losses = new Float64Array(steps + 1);
  const snapshots: TrainSnapshot[] = [];
  const batches = minibatches(x.rows, p.batchSize, p.key);
  const fullBatch = p.batchSize === x.rows;

  const snapshot = (step: number, trainOut: Matrix | null) => {
    const s: TrainSnapshot = { step, train: trainOut ?? model.forward(params, x).out };
    if (p.xTest) s.test = model.forward(params, p.xTest).out;
    if (p.recordParams) s.params = cloneParams(params);
    snapshots.push(s);
  };

  for (let step = 0; step <= steps; step++) {
    // The last evaluation (after the final update) is on the whole training set.
    const rows = step === steps ? null : (batches.next().value as Int32Array);
    const xb = rows === null ? x : rowsOf(x, rows);
    const yb = rows === null ? y : rowsOf(y, rows);
    const { out, cache } = model.forward(params, xb);
    if (step === 0 && out.cols !== y.cols) throw outputMismatchError(where, out.cols, y.cols, loss);
    const value = loss.value(out, yb);
    losses[step] = value;
    if (!Number.isFinite(value)) throw divergenceError(where, value, step, learningRate);
    if (p.recordAt.has(step)) snapshot(step, fullBatch || step === steps ? out : null);
    if (p.onProgress && (step % p.progressEvery === 0 || step === steps)) p.onProgress({ step, steps, loss: value });
    if (step === steps) break;
    const gradient = model.gradient(params, cache, loss.grad(out, yb, new Matrix(out.rows, out.cols)));
    checkSameStructure(where, gradient, params);
    // eq. (20): θ_{k+1} = θ_k − η ∇ℒ(θ_k) + β (θ_k − θ_{k−1}).
    if (previous !== null) {
      const step_ = difference(params, previous);
      previous = params;
      params = cloneParams(params);
      axpy(params, momentum, step_);
    }
    // A divergence shows up as a non-finite loss at the next evaluation.
    axpy(params, -learningRate, gradient);
  }
  return { params, losses, snapshots, engine: { name: 'float64', backend: activeBackend().name } };
}

/**
 * Trains a network (or its linearization) by gradient descent: full batch by
 * default, minibatch SGD with `batchSize`, momentum (eq. 20) with `momentum`.
 * The loss and the learning rate follow Neural Tangents, so `steps` here is
 * the time t of `predict.gradientDescentMse` with the same `learningRate`, up
 * to the discretisation. Float64 by default; a diverging run stops with an
 * error naming the step.
 *
 * With `{ engine: 'tfjs' }` the same network (dense layers, the built-in
 * activations and the combinators) is translated to TensorFlow.js and trained
 * in float32 on the fastest backend that loads (tfjs-node-gpu, tfjs-node,
 * wasm, cpu; `backend` forces one), with the same losses, minibatches, update
 * rule, records and errors; the result (a Promise) holds float64 parameter
 * trees as usual, and `result.engine` says which backend ran.
 *
 * @param apply - `net.apply`, or a `linearize(net.apply, θ₀)` model (float64 engine only).
 * @example
 * ```ts
 * const net = stax.serial(stax.dense(512), stax.relu(), stax.dense(1));
 * const { params } = net.init(random.key(0), 1);
 * const run = train.gradientDescent(net.apply, params, [[-1], [0], [1]], [[1], [0], [1]],
 *   { learningRate: 1, steps: 200, recordAt: [0, 100, 200] });
 * run.losses[200] < run.losses[0]; // true
 * const f32 = await train.gradientDescent(net.apply, params, [[-1], [0], [1]], [[1], [0], [1]],
 *   { learningRate: 1, steps: 200, engine: 'tfjs' });
 * f32.engine; // { name: 'tfjs', backend: 'wasm' } (or 'tfjs-node' where it is installed)
 * ```
 */
export function gradientDescent(apply: unknown, params0: Params, xTrain: MatrixLike, yTrain: MatrixLike, options: TfjsTrainOptions): Promise<TrainResult>;
export function gradientDescent(apply: unknown, params0: Params, xTrain: MatrixLike, yTrain: MatrixLike, options: TrainOptions): TrainResult;
export function gradientDescent(apply: unknown, params0: Params, xTrain: MatrixLike, yTrain: MatrixLike, options: TrainOptions | TfjsTrainOptions): TrainResult | Promise<TrainResult>;
export function gradientDescent(apply: unknown, params0: Params, xTrain: MatrixLike, yTrain: MatrixLike, options: TrainOptions | TfjsTrainOptions): TrainResult | Promise<TrainResult> {
  const where = 'train.gradientDescent';
  if (engineOption(where, options) === 'tfjs') {
    const p = plan(where, apply, xTrain, yTrain, options, ['backend']);
    return trainTfjs(where, apply, p, [params0], (options as TfjsTrainOptions).backend).then(([result]) => result);
  }
  const p = plan(where, apply, xTrain, yTrain, options);
  return runPlan(where, p, params0);
}

/**
 * Trains several independently initialised networks on the same data with
 * the same options (an ensemble, as in Figure 3 of the paper); returns one
 * result per member. The float64 engine trains them one after the other; the
 * `'tfjs'` engine trains all at once, stacked along a leading axis (batched
 * matrix products), and calls `onProgress` once per reported step with the
 * members' mean loss.
 *
 * @example
 * ```ts
 * const keys = random.split(random.key(1), 10);
 * const members = keys.map((k) => net.init(k, 1).params);
 * const runs = train.ensemble(net.apply, members, xTrain, yTrain, { learningRate: 1, steps: 100, xTest });
 * ```
 */
export function ensemble(apply: unknown, members: readonly Params[], xTrain: MatrixLike, yTrain: MatrixLike, options: TfjsTrainOptions): Promise<TrainResult[]>;
export function ensemble(apply: unknown, members: readonly Params[], xTrain: MatrixLike, yTrain: MatrixLike, options: TrainOptions): TrainResult[];
export function ensemble(apply: unknown, members: readonly Params[], xTrain: MatrixLike, yTrain: MatrixLike, options: TrainOptions | TfjsTrainOptions): TrainResult[] | Promise<TrainResult[]>;
export function ensemble(apply: unknown, members: readonly Params[], xTrain: MatrixLike, yTrain: MatrixLike, options: TrainOptions | TfjsTrainOptions): TrainResult[] | Promise<TrainResult[]> {
  const where = 'train.ensemble';
  const engine = engineOption(where, options);
  if (!Array.isArray(members) || members.length === 0) throw new InputError(`${where}: pass a non-empty array of parameter sets (one per member, from net.init)`);
  if (engine === 'tfjs') {
    const p = plan(where, apply, xTrain, yTrain, options, ['backend']);
    return trainTfjs(where, apply, p, members, (options as TfjsTrainOptions).backend);
  }
  const p = plan(where, apply, xTrain, yTrain, options);
  return members.map((m) => runPlan(where, p, m));
}
