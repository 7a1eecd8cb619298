import type { Tensor } from '@tensorflow/tfjs';
import { OptionError } from '../../errors';
import type { Matrix } from '../../matrix';
import { differentiable, layerModel } from '../../models/differentiable';
import { SIGMOID_SCALE } from '../../stax/activations/sigmoid-like';
import type { ScaleOptions } from '../../stax/activations/scale-options';
import type { DenseOptions } from '../../stax/dense';
import type { DenseParams, Layer, LayerSpec, Params } from '../../stax/types';
import type { Tfjs } from './backend';

/** Activations of M stacked networks, [M, n, width] — or one such tensor per branch. */
type Hidden = Tensor | readonly Hidden[];

/** One layer's forward pass; `take` hands out the next parameter tensor, in `params.leaves` order. */
type Forward = (tf: Tfjs, h: Hidden, take: () => Tensor) => Hidden;

type Pointwise = (tf: Tfjs, h: Tensor) => Tensor;

/** φ(x) = a·min(x, 0) + b·max(x, 0) = b·relu(x) − a·relu(−x), with φ′ = a below 0 and b above, as the float64 layer. */
const abRelu = (a: number, b: number): Pointwise => (tf, h) => tf.sub(tf.mul(tf.relu(h), b), tf.mul(tf.relu(tf.neg(h)), a));

/** The activations of `stax`, by layer type, written with tfjs ops (so tfjs differentiates them). */
const POINTWISE: Record<string, (args: readonly unknown[]) => Pointwise> = {
  relu: () => (tf, h) => tf.relu(h),
  leakyRelu: ([alpha]) => abRelu(alpha as number, 1),
  abRelu: ([a, b]) => abRelu(a as number, b as number),
  abs: () => (tf, h) => tf.abs(h),
  erf: ([o]) => {
    const { a, b, c } = o as Required<ScaleOptions>;
    return (tf, h) => tf.add(tf.mul(tf.erf(tf.mul(h, b)), a), c);
  },
  sigmoidLike: () => (tf, h) => tf.add(tf.mul(tf.erf(tf.mul(h, 1 / SIGMOID_SCALE)), 0.5), 0.5),
  // x·Φ(x) = ½x(1 + erf(x/√2)): the exact GELU of the float64 layer, not the tanh approximation.
  gelu: () => (tf, h) => tf.mul(tf.mul(h, 0.5), tf.add(tf.erf(tf.mul(h, Math.SQRT1_2)), 1)),
  sin: ([o]) => {
    const { a, b, c } = o as Required<ScaleOptions>;
    return (tf, h) => tf.mul(tf.sin(tf.add(tf.mul(h, b), c)), a);
  },
  cos: ([o]) => {
    const { a, b, c } = o as Required<ScaleOptions>;
    return (tf, h) => tf.mul(tf.cos(tf.add(tf.mul(h, b), c)), a);
  },
};

function describe(spec: LayerSpec): string {
  if (spec.type !== 'elementwise') return `the layer type "${spec.type}"`;
  const source = (spec.args[0] as { fn: string }).fn;
  return `stax.elementwise(${source.length > 60 ? `${source.slice(0, 57)}...` : source})`;
}

function compile(where: string, spec: LayerSpec, params: Params, shapes: number[][]): Forward {
  switch (spec.type) {
    case 'dense': {
      const { wStd, bStd, parameterization } = spec.args[1] as Required<DenseOptions>;
      const { W, b } = params as DenseParams;
      shapes.push([W.rows, W.cols]);
      if (b) shapes.push([1, b.length]);
      // NTK parameterization (eq. 1): h = σ_w/√n · xω + σ_b·β; standard (eq. S32): h = xW + b.
      const ntk = parameterization === 'ntk';
      const scale = ntk ? wStd / Math.sqrt(W.rows) : 1;
      const biasScale = ntk ? bStd : 1;
      const scaled = (tf: Tfjs, t: Tensor, s: number) => (s === 1 ? t : tf.mul(t, s));
      return (tf, h, take) => {
        const out = scaled(tf, tf.matMul(h as Tensor, take()), scale);
        return b ? tf.add(out, scaled(tf, take(), biasScale)) : out;
      };
    }
    case 'serial': {
      const parts = (spec.args as LayerSpec[]).map((s, i) => compile(where, s, (params as readonly Params[])[i], shapes));
      return (tf, h, take) => parts.reduce((acc, f) => f(tf, acc, take), h);
    }
    case 'parallel': {
      const parts = (spec.args as LayerSpec[]).map((s, i) => compile(where, s, (params as readonly Params[])[i], shapes));
      return (tf, h, take) => parts.map((f, i) => f(tf, (h as readonly Hidden[])[i], take));
    }
    case 'fanOut':
      return (_tf, h) => Array.from({ length: spec.args[0] as number }, () => h);
    case 'fanInSum':
      return (tf, h) => (h as readonly Tensor[]).reduce((acc, t) => tf.add(acc, t));
    case 'fanInConcat':
      return (tf, h) => tf.concat(h as Tensor[], -1);
    case 'identity':
      return (_tf, h) => h;
    default: {
      const pointwise = POINTWISE[spec.type];
      if (!pointwise) {
        throw new OptionError(
          `${where}: engine 'tfjs' cannot run ${describe(spec)}: TensorFlow.js can only differentiate what is written with its own ops. `
          + `Use engine 'float64', or the built-in activations (${Object.keys(POINTWISE).join(', ')}) with dense, serial, parallel, fanOut, fanInSum, fanInConcat and identity.`,
        );
      }
      const f = pointwise(spec.args);
      return (tf, h) => f(tf, h as Tensor);
    }
  }
}

/** A stax network written in TensorFlow.js ops, for M networks of the same architecture at once. */
export interface TfjsNetwork {
  /** Outputs per network (columns of f). */
  readonly outputDim: number;
  /** The shape of each parameter leaf of one network, in `params.leaves` order: [fan-in, fan-out] for W, [1, fan-out] for b. */
  readonly leafShapes: readonly (readonly number[])[];
  /**
   * f for M networks: `leaves[l]` stacks leaf l of every network, shape
   * [M, ...leafShapes[l]]; x is [n, d], the same inputs for all; returns [M, n, k].
   */
  apply(tf: Tfjs, leaves: readonly Tensor[], x: Tensor, members: number): Tensor;
}

/**
 * The stax network behind `apply` (net.apply or the layer). A linearized
 * model is refused: its forward pass is a JVP of the float64 network.
 */
export function networkLayer(where: string, apply: unknown): Layer {
  const model = differentiable(where, apply);
  if (typeof apply === 'function' && (apply as { model?: unknown }).model) {
    throw new OptionError(`${where}: engine 'tfjs' runs stax networks (net.apply); ${model.name} is a linearized model, which runs on engine 'float64'`);
  }
  return model.layer;
}

/**
 * Translates a stax network to TensorFlow.js, layer by layer, for parameters
 * shaped like `params` and inputs like `x`. Layers tfjs cannot express are an
 * OptionError naming the layer, raised here, before any work.
 */
export function translate(where: string, layer: Layer, params: Params, x: Matrix): TfjsNetwork {
  // The float64 network checks parameters and inputs against each other, with
  // its own messages, and tells the output width: one example is enough.
  const outputDim = layerModel(layer).forward(params, x.sliceRows(0, 1)).out.cols;
  const leafShapes: number[][] = [];
  const forward = compile(where, layer.spec, params, leafShapes);
  return {
    outputDim,
    leafShapes,
    apply(tf, leaves, input, members) {
      let next = 0;
      const take = () => leaves[next++];
      const [n, d] = input.shape;
      return forward(tf, tf.broadcastTo(tf.expandDims(input, 0), [members, n, d]), take) as Tensor;
    },
  };
}
