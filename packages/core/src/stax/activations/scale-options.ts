import { InputError } from '../../errors';
import { checkOptions } from '../../options';

/** The affine wrapper a·φ(b·x + c) that Neural Tangents' Erf, Sin and Cos take. */
export interface ScaleOptions {
  /** Output scale a (default 1). */
  a?: number;
  /** Input scale b (default 1). */
  b?: number;
  /** Shift c (default 0): added to the output for erf, to the phase for sin/cos. */
  c?: number;
}

export function readScaleOptions(where: string, options: ScaleOptions = {}): Required<ScaleOptions> {
  checkOptions(where, options, ['a', 'b', 'c']);
  const { a = 1, b = 1, c = 0 } = options;
  for (const [name, v] of [
    ['a', a],
    ['b', b],
    ['c', c],
  ] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`${where}: ${name} must be a finite number, got ${v}`);
  }
  return { a, b, c };
}
