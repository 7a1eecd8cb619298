import type { Tensor } from '@tensorflow/tfjs';
import { OptionError } from '../../errors';
import { sliceExamples, type Examples } from '../../examples';
import { differentiable, layerModel, type Network } from '../../models/differentiable';
import { fromSpec } from '../../stax/registry';
import type { Layer, Params } from '../../stax/types';
import type { Tfjs } from './backend';
import type { TfjsCompiler, TfjsForward } from './op';

/** A stax network written in TensorFlow.js ops, for M networks of the same architecture at once. */
export interface TfjsNetwork {
  /** Outputs per network (columns of f). */
  readonly outputDim: number;
  /** The shape of each parameter leaf of one network, in `params.leaves` order: [fan-in, fan-out] for W, [1, fan-out] for b. */
  readonly leafShapes: readonly (readonly number[])[];
  /**
   * f for M networks: `leaves[l]` stacks leaf l of every network, shape
   * [M, ...leafShapes[l]]; x is [n, ...example shape], the same inputs for all; returns [M, n, k].
   */
  apply(tf: Tfjs, leaves: readonly Tensor[], x: Tensor, members: number): Tensor;
}

/**
 * The stax network behind `apply` (net.apply or the layer). A linearized
 * model is refused: its forward pass is a JVP of the float64 network.
 */
export function networkLayer(where: string, apply: Network): Layer {
  const model = differentiable(where, apply);
  if (typeof apply === 'function' && 'model' in apply) {
    throw new OptionError(`${where}: engine 'tfjs' runs stax networks (net.apply); ${model.name} is a linearized model, which runs on engine 'float64'`);
  }
  return model.layer;
}

/** Compiles layers through their own `tfjs` ops, collecting the parameter leaf shapes in `take` order. */
function compilerFor(where: string, leafShapes: number[][]): TfjsCompiler {
  const compiler: TfjsCompiler = {
    compile(layer: Layer, params: Params): TfjsForward {
      const op = layer.impl.tfjs;
      if (!op) {
        throw new OptionError(
          `${where}: engine 'tfjs' cannot run ${layer.name}: its layer type '${layer.spec.type}' has no TensorFlow.js op, and tfjs can only differentiate what is written with its own ops. ` +
            "Use engine 'float64', or give the layer type a tfjs op where it is defined.",
        );
      }
      return op.call(layer.impl, params, compiler);
    },
    leaf(shape) {
      leafShapes.push([...shape]);
    },
  };
  return compiler;
}

/**
 * Translates a stax network to TensorFlow.js, layer by layer through each
 * layer's `tfjs` op, for parameters shaped like `params` and inputs like `x`.
 * Layers without one are an OptionError naming the layer, raised here, before
 * any work.
 */
export function translate(where: string, layer: Layer, params: Params, x: Examples): TfjsNetwork {
  // The float64 network checks parameters and inputs against each other, with
  // its own messages, and tells the output width: one example is enough. It
  // runs on a copy rebuilt from the spec where there can be one, so layers
  // whose passes draw random masks (dropout) start the run with their first.
  const probe = layer.impl.localOnly === undefined ? fromSpec(layer.spec) : layer;
  const outputDim = layerModel(probe).forward(params, sliceExamples(x, 0, 1)).out.cols;
  const leafShapes: number[][] = [];
  const forward = compilerFor(where, leafShapes).compile(layer, params);
  return {
    outputDim,
    leafShapes,
    apply(tf, leaves, input, members) {
      let next = 0;
      const take = () => leaves[next++];
      return forward(tf, tf.broadcastTo(tf.expandDims(input, 0), [members, ...input.shape]), take) as Tensor;
    },
  };
}
