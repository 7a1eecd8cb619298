import { checkOptions, positiveInteger } from '../options';
import { InputError } from '../errors';

/**
 * How {@link Matrix} and {@link Tensor} print (console, tslab cells, HTML),
 * after numpy's `set_printoptions`.
 */
export interface PrintOptions {
  /** Digits after the decimal point (fixed notation) or of the mantissa (scientific). Default 4. */
  precision: number;
  /** Arrays with more entries than this are summarised: each long axis shows its first and last `edgeItems`. Default 200. */
  threshold: number;
  /** Entries shown at each end of a summarised axis. Default 3. */
  edgeItems: number;
}

const DEFAULTS: PrintOptions = { precision: 4, threshold: 200, edgeItems: 3 };
const current: PrintOptions = { ...DEFAULTS };

/**
 * Reads, and with an argument changes, the print options of every matrix
 * and tensor in this process (numpy's `np.set_printoptions`). Returns the
 * options in force after the change; `printOptions('defaults')` restores them.
 *
 * @example
 * ```ts
 * printOptions({ precision: 2 });
 * console.log(Matrix.from([[1 / 3]]).toString()); // Matrix 1×1 [[0.33]]
 * printOptions('defaults');
 * ```
 */
export function printOptions(options?: Partial<PrintOptions> | 'defaults'): PrintOptions {
  if (options === 'defaults') {
    Object.assign(current, DEFAULTS);
    return { ...current };
  }
  checkOptions('printOptions', options, Object.keys(DEFAULTS));
  const next = { ...current, ...options };
  positiveInteger('printOptions', 'threshold', next.threshold);
  positiveInteger('printOptions', 'edgeItems', next.edgeItems);
  if (!Number.isInteger(next.precision) || next.precision < 0 || next.precision > 16) {
    throw new InputError(`printOptions: precision must be an integer from 0 to 16, got ${String(next.precision)}`);
  }
  Object.assign(current, next);
  return { ...current };
}

/** The options in force (read-only copy). */
export function currentPrintOptions(): PrintOptions {
  return { ...current };
}
