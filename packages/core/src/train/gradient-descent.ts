import { engineOption, type Engine } from '../engines/engine';
import { tfjsEngine } from '../engines/tfjs/train';
import { InputError } from '../errors';
import type { MatrixLike } from '../matrix';
import type { InputLike } from '../tensor';
import type { Network } from '../models/differentiable';
import type { Params } from '../stax/types';
import { float64Engine } from './float64';
import { plan, type TfjsTrainOptions, type TrainEngine, type TrainOptions, type TrainResult } from './plan';

/** The engines a network trains on; `tfjs` loads TensorFlow.js only when it runs. */
const TRAIN_ENGINES: Record<Engine, TrainEngine> = { float64: float64Engine, tfjs: tfjsEngine };

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
export function gradientDescent(apply: Network, params0: Params, xTrain: InputLike, yTrain: MatrixLike, options: TfjsTrainOptions): Promise<TrainResult>;
export function gradientDescent(apply: Network, params0: Params, xTrain: InputLike, yTrain: MatrixLike, options: TrainOptions): TrainResult;
export function gradientDescent(
  apply: Network,
  params0: Params,
  xTrain: InputLike,
  yTrain: MatrixLike,
  options: TrainOptions | TfjsTrainOptions,
): TrainResult | Promise<TrainResult>;
export function gradientDescent(
  apply: Network,
  params0: Params,
  xTrain: InputLike,
  yTrain: MatrixLike,
  options: TrainOptions | TfjsTrainOptions,
): TrainResult | Promise<TrainResult> {
  const where = 'train.gradientDescent';
  const engine = TRAIN_ENGINES[engineOption(where, options)];
  const results = engine.train(where, plan(where, apply, xTrain, yTrain, options, engine.extraOptions), [params0], options);
  return results instanceof Promise ? results.then(([result]) => result) : results[0];
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
export function ensemble(apply: Network, members: readonly Params[], xTrain: InputLike, yTrain: MatrixLike, options: TfjsTrainOptions): Promise<TrainResult[]>;
export function ensemble(apply: Network, members: readonly Params[], xTrain: InputLike, yTrain: MatrixLike, options: TrainOptions): TrainResult[];
export function ensemble(
  apply: Network,
  members: readonly Params[],
  xTrain: InputLike,
  yTrain: MatrixLike,
  options: TrainOptions | TfjsTrainOptions,
): TrainResult[] | Promise<TrainResult[]>;
export function ensemble(
  apply: Network,
  members: readonly Params[],
  xTrain: InputLike,
  yTrain: MatrixLike,
  options: TrainOptions | TfjsTrainOptions,
): TrainResult[] | Promise<TrainResult[]> {
  const where = 'train.ensemble';
  const engine = TRAIN_ENGINES[engineOption(where, options)];
  if (!Array.isArray(members) || members.length === 0)
    throw new InputError(`${where}: pass a non-empty array of parameter sets (one per member, from net.init)`);
  return engine.train(where, plan(where, apply, xTrain, yTrain, options, engine.extraOptions), members, options);
}
