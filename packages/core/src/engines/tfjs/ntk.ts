import type { Tensor, Tensor2D } from '@tensorflow/tfjs';
import { kernelInputs } from '../../empirical/inputs';
import { InputError, ShapeError } from '../../errors';
import { batchShape, exampleCount, type Examples } from '../../examples';
import { Matrix } from '../../matrix';
import type { InputLike } from '../../tensor';
import { isNetwork } from '../../models/differentiable';
import { leaves } from '../../params/tree';
import type { Params } from '../../stax/types';
import { withTfjs, type Tfjs, type TfjsBackend } from './backend';
import { networkLayer, translate } from './layers';

/** Parameters of a TensorFlow.js model function: a list of tensors, or a record of them. */
export type TfjsParams = readonly Tensor[] | Readonly<Record<string, Tensor>>;

/**
 * A model written with TensorFlow.js ops, f(θ, x): parameters and inputs
 * x [n, d] (rows = examples) → outputs [n, k]. tfjs differentiates it, so any
 * architecture tfjs can express works.
 */
export type TfjsModelFn<P extends TfjsParams = TfjsParams> = (params: P, x: Tensor2D) => Tensor2D;

/**
 * An empirical kernel on the `'tfjs'` engine: (x1, x2 | null, params) → a
 * Promise of the kernel, a float64 {@link Matrix} of float32-accurate values.
 */
export type TfjsEmpiricalKernelFn<P> = (x1: InputLike, x2: InputLike | null, params: P) => Promise<Matrix>;

/** f with its parameters as one flat list, the form `tf.grads` differentiates. */
type FlatModel = (ps: readonly Tensor[], x: Tensor2D) => Tensor;

function isTensor(v: unknown): v is Tensor {
  return v !== null && typeof v === 'object' && typeof (v as Tensor).dataSync === 'function' && Array.isArray((v as Tensor).shape);
}

/** A user's parameters as a flat list, and how to give them back to the model in the user's form. */
function flatten(where: string, params: unknown): { list: Tensor[]; rebuild: (ts: readonly Tensor[]) => TfjsParams } {
  let flat: { list: Tensor[]; rebuild: (ts: readonly Tensor[]) => TfjsParams } | null = null;
  if (Array.isArray(params)) {
    flat = { list: [...params], rebuild: (ts) => ts };
  } else if (params !== null && typeof params === 'object' && !isTensor(params)) {
    const keys = Object.keys(params);
    flat = { list: keys.map((key) => (params as Record<string, Tensor>)[key]), rebuild: (ts) => Object.fromEntries(keys.map((key, i) => [key, ts[i]])) };
  }
  if (flat === null || !flat.list.every(isTensor)) {
    throw new InputError(`${where}: with a TensorFlow.js model, params must be an array or a record of tf.Tensor, as the model function takes them`);
  }
  if (flat.list.length === 0) throw new ShapeError(`${where}: the model has no parameters, so its NTK is zero`);
  const wrong = flat.list.find((t) => t.dtype !== 'float32');
  if (wrong) throw new InputError(`${where}: parameters must be float32 tensors (tfjs differentiates floats only), got one of dtype ${wrong.dtype}`);
  return flat;
}

/** The model's number of outputs k, checking that it maps one input row to one output row. */
function outputWidth(where: string, tf: Tfjs, f: FlatModel, ps: readonly Tensor[], x: Tensor2D): number {
  const out = tf.tidy(() => f(ps, tf.slice(x, [0], [1])));
  const shape = isTensor(out) ? out.shape : null;
  tf.dispose(isTensor(out) ? out : []);
  if (shape === null || shape.length !== 2 || shape[0] !== 1) {
    throw new ShapeError(
      `${where}: the model function must return a rank-2 tensor with one row per input row (columns = outputs); for one input row it returned ${shape ? `shape [${shape.join(', ')}]` : 'no tensor'}`,
    );
  }
  return shape[1];
}

/**
 * Rows [r0, r1) of the per-example Jacobian: row (r, o) is ∂f_o(x_r)/∂θ over
 * all parameters, one tfjs backward pass per example and output.
 */
function jacobianRows(tf: Tfjs, f: FlatModel, ps: readonly Tensor[], x: Tensor2D, r0: number, r1: number, k: number): Tensor {
  const rows: Tensor[] = [];
  for (let r = r0; r < r1; r++) {
    for (let o = 0; o < k; o++) {
      rows.push(
        tf.tidy(() => {
          const xr = tf.slice(x, [r], [1]);
          const grads = tf.grads((...qs: Tensor[]) => tf.sum(tf.slice(f(qs, xr), [0, o], [1, 1])))(ps as Tensor[]);
          return tf.concat(grads.map((g) => tf.reshape(g, [-1])));
        }),
      );
    }
  }
  const j = tf.stack(rows);
  tf.dispose(rows);
  return j;
}

/**
 * eq. (5) with tfjs autodiff: Θ̂ = J₁J₂ᵀ averaged over the k outputs (as the
 * float64 ntkFn and Neural Tangents' default trace over the output axis), in
 * blocks of rows whose Jacobians fit `memoryLimit`.
 */
function ntk(where: string, tf: Tfjs, f: FlatModel, ps: readonly Tensor[], a: Examples, b: Examples | null, memoryLimit: number): Matrix {
  const batch = (m: Examples) => tf.tensor(Float32Array.from(m.data), batchShape(m), 'float32') as Tensor as Tensor2D;
  const xa = batch(a);
  const xb = b === null ? xa : batch(b);
  const rowsA = exampleCount(a);
  try {
    const k = outputWidth(where, tf, f, ps, xa);
    const size = ps.reduce((s, t) => s + t.size, 0);
    const rowsB = b === null ? rowsA : exampleCount(b);
    const block = Math.max(1, Math.floor(memoryLimit / (2 * 4 * size * k)));
    const theta = new Matrix(rowsA, rowsB);
    /** [rows·k, P] → [k, rows, P]: one Jacobian per output. */
    const byOutput = (j: Tensor, rows: number) => tf.transpose(tf.reshape(j, [rows, k, size]), [1, 0, 2]);
    for (let i0 = 0; i0 < rowsA; i0 += block) {
      const i1 = Math.min(i0 + block, rowsA);
      const ja = jacobianRows(tf, f, ps, xa, i0, i1, k);
      for (let j0 = b === null ? i0 : 0; j0 < rowsB; j0 += block) {
        const j1 = Math.min(j0 + block, rowsB);
        const jb = b === null && j0 === i0 ? ja : jacobianRows(tf, f, ps, xb, j0, j1, k);
        const gram = tf.tidy(() => tf.mean(tf.matMul(byOutput(ja, i1 - i0), byOutput(jb, j1 - j0), false, true), 0));
        const values = gram.dataSync();
        tf.dispose(jb === ja ? [gram] : [gram, jb]);
        for (let i = i0; i < i1; i++) {
          for (let j = j0; j < j1; j++) {
            const v = values[(i - i0) * (j1 - j0) + (j - j0)];
            theta.data[i * rowsB + j] = v;
            if (b === null) theta.data[j * rowsB + i] = v;
          }
        }
      }
      ja.dispose();
    }
    return theta;
  } finally {
    tf.dispose(b === null ? [xa] : [xa, xb]);
  }
}

/**
 * The empirical NTK on the `'tfjs'` engine, of a stax network (params: its
 * float64 tree, run in float32) or of a user's {@link TfjsModelFn} (params:
 * tensors). Inputs and parameters are checked when the kernel function is
 * called, before TensorFlow.js runs.
 */
export function tfjsNtkFn(where: string, apply: unknown, backend: TfjsBackend | undefined, memoryLimit: number): TfjsEmpiricalKernelFn<TfjsParams | Params> {
  if (!isNetwork(apply) && typeof apply !== 'function') {
    throw new InputError(`${where}: pass a TensorFlow.js model function (params, x) => tf.Tensor2D, or a stax network's apply; got ${typeof apply}`);
  }
  if (!isNetwork(apply)) {
    const model = apply as TfjsModelFn;
    return (x1, x2, params) => {
      const { a, b } = kernelInputs(where, x1, x2);
      const { list, rebuild } = flatten(where, params);
      return withTfjs(where, backend, ({ tf }) => ntk(where, tf, (ps, x) => model(rebuild(ps), x), list, a, b, memoryLimit));
    };
  }
  const layer = networkLayer(where, apply);
  return (x1, x2, params) => {
    const { a, b } = kernelInputs(where, x1, x2);
    if (leaves(params as Params).length === 0) throw new ShapeError(`${where}: the network has no parameters, so its NTK is zero`);
    const network = translate(where, layer, params as Params, a);
    const values = leaves(params as Params);
    return withTfjs(where, backend, ({ tf }) => {
      const ps = network.leafShapes.map((shape, l) => tf.tensor(Float32Array.from(values[l]), [1, ...shape]));
      try {
        return ntk(where, tf, (qs, x) => tf.squeeze(network.apply(tf, qs, x, 1), [0]), ps, a, b, memoryLimit);
      } finally {
        tf.dispose(ps);
      }
    });
  };
}
