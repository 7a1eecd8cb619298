import { InputError } from '../errors';
import { checkOptions, finiteNumber } from '../options';

/**
 * `num` evenly spaced numbers from `start` to `stop`, as `numpy.linspace`:
 * the last one is exactly `stop` unless `endpoint` is false (then the
 * spacing is (stop − start)/num and `stop` is left out).
 *
 * @example
 * ```ts
 * linspace(0, 1, 5); // Float64Array [0, 0.25, 0.5, 0.75, 1]
 * ```
 */
export function linspace(start: number, stop: number, num = 50, options: { endpoint?: boolean } = {}): Float64Array {
  checkOptions('linspace', options, ['endpoint']);
  finiteNumber('linspace', 'start', start);
  finiteNumber('linspace', 'stop', stop);
  if (!Number.isInteger(num) || num < 0) throw new InputError(`linspace: num must be a non-negative integer (how many points), got ${String(num)}`);
  const endpoint = options.endpoint ?? true;
  const out = new Float64Array(num);
  const intervals = endpoint ? num - 1 : num;
  const step = intervals > 0 ? (stop - start) / intervals : 0;
  for (let i = 0; i < num; i++) out[i] = start + i * step;
  if (endpoint && num > 1) out[num - 1] = stop;
  return out;
}
