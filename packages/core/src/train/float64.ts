import { activeBackend } from '../linalg/backend';
import { exampleCount, takeExamples } from '../examples';
import { Matrix } from '../matrix';
import { axpy, checkSameStructure, cloneParams, difference } from '../params/tree';
import type { Params } from '../stax/types';
import { divergenceError, minibatches, outputMismatchError, type TrainEngine, type TrainPlan, type TrainResult, type TrainSnapshot } from './plan';

/** Runs a validated plan from params0 (cloned), in float64 with the model's own forward and backward passes. */
function runPlan(where: string, p: TrainPlan, params0: Params): TrainResult {
  const { model, x, y, loss, learningRate, steps, momentum } = p;
  let params = cloneParams(params0);
  let previous = momentum > 0 ? cloneParams(params0) : null;
  const losses = new Float64Array(steps + 1);
  const snapshots: TrainSnapshot[] = [];
  const batches = minibatches(exampleCount(x), p.batchSize, p.key);
  const fullBatch = p.batchSize === exampleCount(x);

  const snapshot = (step: number, trainOut: Matrix | null) => {
    const s: TrainSnapshot = { step, train: trainOut ?? model.forward(params, x).out };
    if (p.xTest) s.test = model.forward(params, p.xTest).out;
    if (p.recordParams) s.params = cloneParams(params);
    snapshots.push(s);
  };

  for (let step = 0; step <= steps; step++) {
    // The last evaluation (after the final update) is on the whole training set.
    const rows = step === steps ? null : (batches.next().value as Int32Array);
    const xb = rows === null ? x : takeExamples(x, rows);
    const yb = rows === null ? y : (takeExamples(y, rows) as Matrix);
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

/** The float64 engine: this library's forward and backward passes, BLAS through `linalg`; members one after the other. */
export const float64Engine: TrainEngine = {
  extraOptions: [],
  train: (where, p, members) => members.map((m) => runPlan(where, p, m)),
};
