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

/**
 * Options that are all finite numbers, with their defaults: unknown names
 * (with suggestions) and non-finite values are errors that name the option.
 */
export function readFiniteOptions<K extends string>(where: string, options: Partial<Record<K, number>>, defaults: Record<K, number>): Record<K, number> {
  const names = Object.keys(defaults) as K[];
  checkOptions(where, options, names);
  const out = { ...defaults };
  for (const name of names) {
    const v = options[name] === undefined ? defaults[name] : options[name];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`${where}: ${name} must be a finite number, got ${v}`);
    out[name] = v;
  }
  return out;
}

export function readScaleOptions(where: string, options: ScaleOptions = {}): Required<ScaleOptions> {
  return readFiniteOptions(where, options, { a: 1, b: 1, c: 0 });
}
