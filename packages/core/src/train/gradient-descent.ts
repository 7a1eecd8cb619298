import { InputError, NumericalError, ShapeError } from '../errors';
import { crossEntropy } from '../losses/cross-entropy';
import type { Loss } from '../losses/loss';
import { mse } from '../losses/mse';
import { Matrix, type MatrixLike } from '../matrix';
import { differentiable, type Differentiable } from '../models/differentiable';
import { checkOptions } from '../options';
import { axpy, checkSameStructure, cloneParams, difference } from '../params/tree';
import { key as makeKey, split, type Key } from '../random/key';
import { fillUniform } from '../random/distributions';
import type { Params } from '../stax/types';

export interface TrainOptions {
  /** η, the step size. */
  learningRate: number;
  /** Number of parameter updates. */
  steps: number;
  /** `'mse'` (½·mean over all entries, as Neural Tangents; default), `'crossEntropy'` (softmax, averaged over examples) or a {@link Loss}. */
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
}

const OPTIONS = ['learningRate', 'steps', 'loss', 'momentum', 'batchSize', 'key', 'xTest', 'recordAt', 'recordParams', 'onProgress', 'progressEvery'] as const;

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
export function plan(where: string, apply: unknown, xTrain: MatrixLike, yTrain: MatrixLike, options: TrainOptions, extra: readonly string[] = []): TrainPlan {
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

/** Minibatch row indices: a fresh random permutation every epoch (keys from foldIn-like splits). */
function* minibatches(n: number, batchSize: number, key: Key): Generator<Int32Array> {
  if (batchSize === n) {
    const all = Int32Array.from({ length: n }, (_, i) => i);
    for (;;) yield all;
  }
  let k = key;
  for (;;) {
    const [next, sub] = split(k, 2);
    k = next;
    const u = new Float64Array(n);
    fillUniform(sub, u);
    const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => u[a] - u[b]);
    for (let start = 0; start + batchSize <= n; start += batchSize) yield order.subarray(start, start + batchSize);
  }
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
    if (step === 0 && out.cols !== y.cols) {
      throw new ShapeError(`${where}: the network has ${out.cols} outputs but yTrain has ${y.cols} columns; ${loss === crossEntropy ? 'use one-hot labels with one column per output' : 'targets need one column per output'}`);
    }
    const value = loss.value(out, yb);
    losses[step] = value;
    if (!Number.isFinite(value)) {
      throw new NumericalError(
        `${where}: the loss became ${value} at step ${step} — training diverged. The learning rate ${learningRate} is probably above the stable limit; predict.maxLearningRate(ntk, { yTrainSize, momentum }) gives it for MSE (ntk: the empirical NTK of the training set)`,
      );
    }
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
  return { params, losses, snapshots };
}

/**
 * Trains a network (or its linearization) by gradient descent: full batch by
 * default, minibatch SGD with `batchSize`, momentum (eq. 20) with `momentum`.
 * The loss and the learning rate follow Neural Tangents, so `steps` here is
 * the time t of `predict.gradientDescentMse` with the same `learningRate`, up
 * to the discretisation. Float64 throughout; a diverging run stops with an
 * error naming the step.
 *
 * @param apply - `net.apply`, or a `linearize(net.apply, θ₀)` model.
 * @example
 * ```ts
 * const net = stax.serial(stax.dense(512), stax.relu(), stax.dense(1));
 * const { params } = net.init(random.key(0), 1);
 * const run = train.gradientDescent(net.apply, params, [[-1], [0], [1]], [[1], [0], [1]],
 *   { learningRate: 1, steps: 200, recordAt: [0, 100, 200] });
 * run.losses[200] < run.losses[0]; // true
 * ```
 */
export function gradientDescent(apply: unknown, params0: Params, xTrain: MatrixLike, yTrain: MatrixLike, options: TrainOptions): TrainResult {
  const where = 'train.gradientDescent';
  const p = plan(where, apply, xTrain, yTrain, options);
  return runPlan(where, p, params0);
}

/**
 * Trains several independently initialised networks on the same data with
 * the same options (an ensemble, as in Figure 3 of the paper), one after the
 * other; returns one result per member.
 *
 * @example
 * ```ts
 * const keys = random.split(random.key(1), 10);
 * const members = keys.map((k) => net.init(k, 1).params);
 * const runs = train.ensemble(net.apply, members, xTrain, yTrain, { learningRate: 1, steps: 100, xTest });
 * ```
 */
export function ensemble(apply: unknown, members: readonly Params[], xTrain: MatrixLike, yTrain: MatrixLike, options: TrainOptions): TrainResult[] {
  const where = 'train.ensemble';
  if (!Array.isArray(members) || members.length === 0) throw new InputError(`${where}: pass a non-empty array of parameter sets (one per member, from net.init)`);
  const p = plan(where, apply, xTrain, yTrain, options);
  return members.map((m) => runPlan(where, p, m));
}
