import { InputError, ShapeError } from '../errors';

/** The typed arrays that hold real numbers (BigInt arrays are not among them). */
export type NumericTypedArray = Float64Array | Float32Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint8ClampedArray | Uint16Array | Uint32Array;

/** A vector: a plain array of numbers or a numeric typed array (`Float64Array`, …). */
export type VectorLike = readonly number[] | NumericTypedArray;

/** True for a typed array of real numbers (not a DataView, not a BigInt64Array). */
export function isNumericTypedArray(v: unknown): v is NumericTypedArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array);
}

/** A flat `number[]` or a typed array (not rows of a matrix, not a Matrix). */
export function isVectorInput(v: unknown): v is VectorLike {
  return isNumericTypedArray(v) || (Array.isArray(v) && v.every((e) => typeof e === 'number'));
}

/**
 * A short description of any value for error messages: what was given, so
 * the message can say it next to what is accepted.
 */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}${'length' in v ? ` of length ${(v as { length: number }).length}` : ''}`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `the ${typeof v} ${String(v)}`;
  if (typeof v === 'function') return 'a function';
  const name = (v as object).constructor?.name;
  if (name && name !== 'Object') return `a ${name}`;
  const keys = Object.keys(v as object);
  return `an object with keys { ${keys.slice(0, 6).join(', ')}${keys.length > 6 ? ', …' : ''} }`;
}

/**
 * Reads a vector argument into a new `Float64Array`: a `number[]`, any
 * numeric typed array, or a one-column / one-row matrix-like value (anything
 * with `rows`, `cols` and `data`). Raises before any work starts, saying what
 * was given and what is accepted; NaN and ±Infinity are rejected.
 */
export function vectorArg(where: string, name: string, v: unknown, { allowEmpty = false } = {}): Float64Array {
  let out: Float64Array;
  if (Array.isArray(v)) {
    out = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) {
      if (typeof v[i] !== 'number') {
        throw new InputError(
          `${where}: ${name}[${i}] is ${describeValue(v[i])}; ${name} must be a vector of numbers (number[] or a typed array such as Float64Array)`,
        );
      }
      out[i] = v[i];
    }
  } else if (isNumericTypedArray(v)) {
    out = Float64Array.from(v);
  } else if (isMatrixShaped(v) && (v.rows === 1 || v.cols === 1)) {
    out = Float64Array.from(v.data);
  } else {
    const extra =
      v instanceof BigInt64Array || v instanceof BigUint64Array
        ? ' (convert BigInt arrays with Float64Array.from(a, Number))'
        : isMatrixShaped(v)
          ? ` (a ${v.rows}×${v.cols} matrix is not a vector; pass one row or column)`
          : '';
    throw new InputError(
      `${where}: ${name} must be a vector — number[], a typed array such as Float64Array, or a one-column matrix — got ${describeValue(v)}${extra}`,
    );
  }
  if (!allowEmpty && out.length === 0) throw new ShapeError(`${where}: ${name} is empty; pass a non-empty vector (at least one number)`);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) throw new InputError(`${where}: ${name}[${i}] is ${out[i]}; remove or impute NaN and ±Infinity first`);
  }
  return out;
}

function isMatrixShaped(v: unknown): v is { rows: number; cols: number; data: Float64Array } {
  return (
    v !== null &&
    typeof v === 'object' &&
    typeof (v as { rows?: unknown }).rows === 'number' &&
    typeof (v as { cols?: unknown }).cols === 'number' &&
    (v as { data?: unknown }).data instanceof Float64Array
  );
}
