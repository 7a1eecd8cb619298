import type { Tensor } from '@tensorflow/tfjs';
import { batchShape, exampleCount, type Examples } from '../../examples';
import { Matrix } from '../../matrix';
import { checkSameStructure, cloneParams, leaves } from '../../params/tree';
import type { Params } from '../../stax/types';
import {
  divergenceError,
  minibatches,
  outputMismatchError,
  type TfjsTrainOptions,
  type TrainEngine,
  type TrainPlan,
  type TrainResult,
  type TrainSnapshot,
} from '../../train/plan';
import { backendOption, withTfjs, type TfjsRuntime } from './backend';
import { networkLayer, translate, type TfjsNetwork } from './layers';
import { tfjsLoss, type TfjsLoss } from './losses';

/**
 * Losses stay on the device until a progress report, a record or this many
 * steps have passed: one read (a device sync) per chunk instead of per step.
 */
const READ_EVERY = 64;

/** Row block m of a [M, rows, cols] tensor's data, as a float64 matrix. */
function memberMatrix(data: Float32Array, m: number, rows: number, cols: number): Matrix {
  return new Matrix(rows, cols, Float64Array.from(data.subarray(m * rows * cols, (m + 1) * rows * cols)));
}

/** Member m's parameters from stacked leaf data, as a float64 tree shaped like `like`. */
function memberParams(like: Params, data: readonly Float32Array[], m: number): Params {
  const tree = cloneParams(like);
  leaves(tree).forEach((leaf, l) => leaf.set(data[l].subarray(m * leaf.length, (m + 1) * leaf.length)));
  return tree;
}

function stackMembers(tf: TfjsRuntime['tf'], network: TfjsNetwork, members: readonly Params[]): Tensor[] {
  return network.leafShapes.map((shape, l) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(members.length * size);
    members.forEach((member, m) => data.set(leaves(member)[l], m * size));
    return tf.tensor(data, [members.length, ...shape], 'float32');
  });
}

/** The training loop: the float64 engine's (train/float64.ts), step for step, on M stacked networks. */
function run({ tf, backend }: TfjsRuntime, where: string, p: TrainPlan, network: TfjsNetwork, loss: TfjsLoss, members: readonly Params[]): TrainResult[] {
  const count = members.length;
  const { steps, learningRate, momentum } = p;
  const [n, k] = [exampleCount(p.x), network.outputDim];
  const fullBatch = p.batchSize === n;
  const batches = minibatches(n, p.batchSize, p.key);
  const losses = members.map(() => new Float64Array(steps + 1));
  const snapshots: TrainSnapshot[][] = members.map(() => []);
  const unread: { step: number; loss: Tensor }[] = [];

  const batch = (m: Examples) => tf.tensor(Float32Array.from(m.data), batchShape(m), 'float32');
  const x = batch(p.x);
  const y = batch(p.y);
  const xTest = p.xTest && batch(p.xTest);
  let params = stackMembers(tf, network, members);
  let previous = momentum > 0 ? params.map((t) => tf.clone(t)) : null;

  /** Stores, checks and reports the losses not read yet, in step order (as the float64 loop does each step). */
  const read = () => {
    const stacked = tf.stack(unread.map((u) => u.loss));
    const values = stacked.dataSync() as Float32Array;
    tf.dispose([stacked, ...unread.map((u) => u.loss)]);
    const steps_ = unread.splice(0).map((u) => u.step);
    steps_.forEach((step, j) => {
      let sum = 0;
      for (let m = 0; m < count; m++) {
        const value = values[j * count + m];
        if (!Number.isFinite(value)) throw divergenceError(where, value, step, learningRate, count > 1 ? m : undefined);
        losses[m][step] = value;
        sum += value;
      }
      if (p.onProgress && (step % p.progressEvery === 0 || step === steps)) p.onProgress({ step, steps, loss: sum / count });
    });
  };

  const record = (step: number, trainOut: Tensor | null) => {
    const evaluate = (input: Tensor) => {
      const out = tf.tidy(() => network.apply(tf, params, input, count));
      const data = out.dataSync() as Float32Array;
      out.dispose();
      return data;
    };
    const train = trainOut ? (trainOut.dataSync() as Float32Array) : evaluate(x);
    const test = xTest && evaluate(xTest);
    const paramData = p.recordParams ? params.map((t) => t.dataSync() as Float32Array) : null;
    members.forEach((member, m) => {
      const s: TrainSnapshot = { step, train: memberMatrix(train, m, n, k) };
      if (test) s.test = memberMatrix(test, m, exampleCount(p.xTest as Examples), k);
      if (paramData) s.params = memberParams(member, paramData, m);
      snapshots[m].push(s);
    });
  };

  try {
    for (let step = 0; step <= steps; step++) {
      // The last evaluation (after the final update) is on the whole training set, as on the float64 engine.
      const rows = step === steps ? null : (batches.next().value as Int32Array);
      const recordNow = p.recordAt.has(step);
      const keepOut = recordNow && (fullBatch || rows === null);
      const kept: { loss?: Tensor; out?: Tensor } = {};
      /** Σ over members of each member's loss: its gradient is every member's own gradient. */
      const total =
        (xb: Tensor, yb: Tensor) =>
        (...ps: Tensor[]) => {
          const o = network.apply(tf, ps, xb, count);
          kept.loss = tf.keep(loss(tf, o, yb));
          if (keepOut) kept.out = tf.keep(o);
          return tf.sum(kept.loss);
        };
      const grads = tf.tidy(() => {
        if (rows === null) {
          total(x, y)(...params);
          return [];
        }
        const picked = fullBatch ? null : tf.tensor1d(rows, 'int32');
        const xb = picked ? tf.gather(x, picked) : x;
        const yb = picked ? tf.gather(y, picked) : y;
        return tf.grads(total(xb, yb))(params);
      });
      unread.push({ step, loss: kept.loss as Tensor });
      if (recordNow) record(step, kept.out ?? null);
      tf.dispose(kept.out ?? []);
      if (rows === null) {
        read();
        break;
      }
      const next = tf.tidy(() =>
        params.map((t, l) => {
          const descended = tf.sub(t, tf.mul(grads[l], learningRate));
          // eq. (20): θ_{k+1} = θ_k − η ∇ℒ(θ_k) + β (θ_k − θ_{k−1}).
          return previous ? tf.add(descended, tf.mul(tf.sub(t, previous[l]), momentum)) : descended;
        }),
      );
      tf.dispose(grads);
      tf.dispose(previous ?? params);
      if (previous) previous = params;
      params = next;
      if (unread.length >= READ_EVERY || (p.onProgress && step % p.progressEvery === 0)) read();
    }
    const final = params.map((t) => t.dataSync() as Float32Array);
    return members.map((member, m) => ({
      params: memberParams(member, final, m),
      losses: losses[m],
      snapshots: snapshots[m],
      engine: { name: 'tfjs', backend },
    }));
  } finally {
    tf.dispose([x, y, ...(xTest ? [xTest] : []), ...params, ...(previous ?? []), ...unread.map((u) => u.loss)]);
  }
}

/**
 * The `'tfjs'` engine: trains `members` (one network, or an ensemble)
 * stacked on TensorFlow.js. Everything is checked synchronously, before
 * TensorFlow.js is even loaded: the backend name, the loss, that the network
 * is a stax network tfjs can express, and the parameters and shapes.
 */
export const tfjsEngine: TrainEngine = {
  extraOptions: ['backend'],
  train(where, p, members, options) {
    const forced = backendOption(where, (options as TfjsTrainOptions).backend);
    const loss = tfjsLoss(where, p.loss);
    const layer = networkLayer(where, p.network);
    members.forEach((member) => checkSameStructure(where, member, members[0]));
    const network = translate(where, layer, members[0], p.x);
    if (network.outputDim !== p.y.cols) throw outputMismatchError(where, network.outputDim, p.y.cols, p.loss);
    return withTfjs(where, forced, (runtime) => run(runtime, where, p, network, loss, members));
  },
};
