/**
 * The contract between a layer and the `'tfjs'` engine: a layer that can run
 * on TensorFlow.js gives its forward pass in tfjs ops (`LayerImpl.tfjs`), and
 * tfjs differentiates it. Types only, so declaring an op loads nothing.
 */
import type { Tensor } from '@tensorflow/tfjs';
import type { Layer, Params } from '../../stax/types';
import type { Tfjs } from './backend';

/** Activations of M stacked networks, [M, n, width] — or one such tensor per branch. */
export type Hidden = Tensor | readonly Hidden[];

/**
 * One layer's forward pass on M stacked networks. `take` hands out the next
 * parameter tensor (stacked over the M networks), in `params.leaves` order.
 */
export type TfjsForward = (tf: Tfjs, h: Hidden, take: () => Tensor) => Hidden;

/** A pointwise activation in tfjs ops, applied to [M, n, width] activations. */
export type TfjsPointwise = (tf: Tfjs, h: Tensor) => Tensor;

/** What a layer's `tfjs` op is compiled with. */
export interface TfjsCompiler {
  /** Compiles a sub-layer (of a combinator) with its parameters; a layer without a tfjs op is an OptionError naming it. */
  compile(layer: Layer, params: Params): TfjsForward;
  /** Declares the shape of the next parameter leaf the op will `take` (one network's, without the M axis). */
  leaf(shape: readonly number[]): void;
}
