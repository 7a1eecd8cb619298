import type { EngineInfo } from '../engines/engine';
import type { TfjsBackend } from '../engines/tfjs/backend';
import { InputError, NumericalError, ShapeError } from '../errors';
import { crossEntropy } from '../losses/cross-entropy';
import type { Loss } from '../losses/loss';
import { mse } from '../losses/mse';
import { describeExamples, exampleCount, examplesFrom, sameExampleShape, type Examples } from '../examples';
import { Matrix, type MatrixLike } from '../matrix';
import type { InputLike } from '../tensor';
import { differentiable, type Differentiable, type Network } from '../models/differentiable';
import { checkOptions } from '../options';
import { fillUniform } from '../random/distributions';
import { key as makeKey, split, type Key } from '../random/key';
import type { Params } from '../stax/types';

/*
 * What every training engine shares: the options, their validation into a
 * plan, the result types, the minibatch schedule, the run errors, and the
 * engine interface. The trainer (gradient-descent.ts) validates once and
 * hands the plan to the engine.
 */

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
  xTest?: InputLike;
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

const OPTIONS = [
  'learningRate',
  'steps',
  'loss',
  'momentum',
  'batchSize',
  'key',
  'xTest',
  'recordAt',
  'recordParams',
  'onProgress',
  'progressEvery',
  'engine',
] as const;

/** The `loss` option of training: a built-in name or a {@link Loss} with value and gradient. */
function trainingLoss(where: string, loss: unknown): Loss {
  if (loss === undefined || loss === 'mse') return mse;
  if (loss === 'crossEntropy') return crossEntropy;
  if (loss && typeof loss === 'object' && typeof (loss as Loss).grad === 'function' && typeof (loss as Loss).value === 'function') return loss as Loss;
  throw new InputError(`${where}: loss must be 'mse', 'crossEntropy' or a Loss { value, grad }, got ${JSON.stringify(loss)}`);
}

/** Validated options, shared with the ensemble trainer and the tfjs engine. */
export interface TrainPlan {
  /** The network as the caller gave it. */
  network: Network;
  model: Differentiable;
  x: Examples;
  y: Matrix;
  xTest: Examples | null;
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
export function plan(
  where: string,
  apply: Network,
  xTrain: InputLike,
  yTrain: MatrixLike,
  options: TrainOptions | TfjsTrainOptions,
  extra: readonly string[] = [],
): TrainPlan {
  checkOptions(where, options, [...OPTIONS, ...extra]);
  const model = differentiable(where, apply);
  const x = examplesFrom(xTrain, 'xTrain');
  const n = exampleCount(x);
  const y = Matrix.from(yTrain, 'yTrain');
  if (y.rows !== n) throw new ShapeError(`${where}: xTrain has ${n} examples but yTrain has ${y.rows} rows; one target row per example`);
  const loss = trainingLoss(where, options.loss);
  const { learningRate, steps, momentum = 0, batchSize = n, recordParams = false } = options;
  if (typeof learningRate !== 'number' || !(learningRate > 0) || !Number.isFinite(learningRate)) {
    throw new InputError(`${where}: learningRate must be a positive finite number, got ${String(learningRate)}`);
  }
  if (!Number.isInteger(steps) || steps < 0) throw new InputError(`${where}: steps must be a non-negative integer, got ${String(steps)}`);
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum < 1)) throw new InputError(`${where}: momentum must be in [0, 1), got ${String(momentum)}`);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > n) {
    throw new InputError(`${where}: batchSize must be an integer between 1 and the ${n} training examples, got ${String(batchSize)}`);
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
  const xTest = options.xTest === undefined ? null : examplesFrom(options.xTest, 'xTest');
  if (xTest && !sameExampleShape(xTest, x)) throw new ShapeError(`${where}: xTest has ${describeExamples(xTest)} but xTrain has ${describeExamples(x)}`);
  const recordAt = new Set(options.recordAt ?? [0, steps]);
  for (const s of recordAt) {
    if (!Number.isInteger(s) || s < 0 || s > steps) throw new InputError(`${where}: recordAt steps must be integers in [0, ${steps}], got ${s}`);
  }
  const progressEvery = options.progressEvery ?? Math.max(1, Math.round(steps / 100));
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') throw new InputError(`${where}: onProgress must be a function`);
  return {
    network: apply,
    model,
    x,
    y,
    xTest,
    loss,
    learningRate,
    steps,
    momentum,
    batchSize,
    key: options.key ?? makeKey(0),
    recordAt,
    recordParams,
    onProgress: options.onProgress,
    progressEvery,
  };
}

/**
 * A training engine: runs a validated plan for one network or several
 * (an ensemble), from their initial parameters.
 */
export interface TrainEngine {
  /** Option names this engine takes beyond {@link TrainOptions}'s. */
  readonly extraOptions: readonly string[];
  /** Trains every member with the plan; `options` are the caller's (for engine-specific ones). */
  train(where: string, plan: TrainPlan, members: readonly Params[], options: TrainOptions | TfjsTrainOptions): TrainResult[] | Promise<TrainResult[]>;
}

/**
 * Minibatch row indices for SGD: a fresh random permutation every epoch (keys
 * from successive splits), or every row every step for full-batch descent.
 * Both engines draw from this, so a float64 and a tfjs run see the same batches.
 */
export function* minibatches(n: number, batchSize: number, key: Key): Generator<Int32Array> {
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

/** The network's output width does not match the targets' (raised before the first step). */
export function outputMismatchError(where: string, outputs: number, targets: number, loss: Loss): ShapeError {
  return new ShapeError(
    `${where}: the network has ${outputs} outputs but yTrain has ${targets} columns; ${loss === crossEntropy ? 'use one-hot labels with one column per output' : 'targets need one column per output'}`,
  );
}

/** A non-finite loss at `step`: the run diverged. `member` names the ensemble member when several train together. */
export function divergenceError(where: string, value: number, step: number, learningRate: number, member?: number): NumericalError {
  const who = member === undefined ? '' : ` of ensemble member ${member}`;
  return new NumericalError(
    `${where}: the loss${who} became ${value} at step ${step} — training diverged. The learning rate ${learningRate} is probably above the stable limit; predict.maxLearningRate(ntk, { yTrainSize, momentum }) gives it for MSE (ntk: the empirical NTK of the training set)`,
  );
}
