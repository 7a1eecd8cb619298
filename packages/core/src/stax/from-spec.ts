import { InputError } from '../errors';
import { abRelu } from './activations/ab-relu';
import { abs } from './activations/abs';
import { cos } from './activations/cos';
import { elementwise } from './activations/elementwise';
import { erf } from './activations/erf';
import { gelu } from './activations/gelu';
import { leakyRelu } from './activations/leaky-relu';
import { relu } from './activations/relu';
import { sigmoidLike } from './activations/sigmoid-like';
import { sin } from './activations/sin';
import { dense } from './dense';
import { fanInConcat } from './fan-in-concat';
import { fanInSum } from './fan-in-sum';
import { fanOut } from './fan-out';
import { identity } from './identity';
import { parallel } from './parallel';
import { serial } from './serial';
import type { Layer, LayerSpec } from './types';

type Factory = (...args: never[]) => Layer;

const FACTORIES: Record<string, Factory> = {
  dense, relu, leakyRelu, abRelu, abs, erf, gelu, sin, cos, sigmoidLike, identity,
  fanOut, fanInSum, fanInConcat,
};

/** Compiles the source text of a self-contained function (used only to rebuild `elementwise` in workers). */
function compile(source: string): (x: number) => number {
  return new Function(`"use strict"; return (${source});`)() as (x: number) => number;
}

/**
 * Rebuilds a layer from its {@link LayerSpec} — how worker threads get the same
 * network as the caller. Inverse of `layer.spec`.
 */
export function fromSpec(spec: LayerSpec): Layer {
  switch (spec.type) {
    case 'serial':
      return serial(...(spec.args as LayerSpec[]).map(fromSpec));
    case 'parallel':
      return parallel(...(spec.args as LayerSpec[]).map(fromSpec));
    case 'elementwise': {
      const { fn, grad, degree, kinks } = spec.args[0] as { fn: string; grad?: string; degree: number; kinks?: number[] };
      return elementwise(compile(fn), {
        degree,
        ...(grad === undefined ? {} : { grad: compile(grad) }),
        ...(kinks === undefined ? {} : { kinks }),
      });
    }
    default: {
      const factory = FACTORIES[spec.type];
      if (!factory) throw new InputError(`stax.fromSpec: unknown layer type "${spec.type}"`);
      return (factory as (...args: unknown[]) => Layer)(...spec.args);
    }
  }
}
