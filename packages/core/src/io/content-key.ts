import { createHash, type Hash } from 'node:crypto';
import { isNumericTypedArray } from '../arrays/vector';
import { Matrix } from '../matrix';
import { Tensor } from '../tensor';

/**
 * Feeds a value into a hash so that equal content gives equal bytes whatever
 * its form: a Matrix, a Tensor and the same numbers as nested arrays hash
 * alike (shape and float64 entries); objects hash with sorted keys; functions
 * by their source text. Lists that are not one rectangular array (inputs of
 * several branches) hash entry by entry.
 */
export function feed(h: Hash, v: unknown): void {
  const array = asArray(v);
  if (array) {
    h.update(`A${array.shape.join(',')};`);
    h.update(new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength));
    return;
  }
  if (Array.isArray(v)) {
    h.update(`L${v.length}[`);
    v.forEach((e) => feed(h, e));
    h.update(']');
    return;
  }
  if (typeof v === 'function') {
    h.update(`F${v.toString().length}:${v.toString()}`);
    return;
  }
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    h.update(`O${keys.length}{`);
    for (const k of keys) {
      h.update(`${JSON.stringify(k)}:`);
      feed(h, (v as Record<string, unknown>)[k]);
    }
    h.update('}');
    return;
  }
  h.update(`${typeof v}:${String(v)};`);
}

/** The SHA-256 of a value's content (see {@link feed}), hex. */
export function contentKey(v: unknown): string {
  const h = createHash('sha256');
  feed(h, v);
  return h.digest('hex');
}

function asArray(v: unknown): { shape: readonly number[]; data: Float64Array } | null {
  if (v instanceof Matrix) return { shape: [v.rows, v.cols], data: v.data };
  if (v instanceof Tensor) return v;
  if (isNumericTypedArray(v)) return { shape: [v.length], data: Float64Array.from(v) };
  if (Array.isArray(v) && v.length > 0 && (typeof v[0] === 'number' || Array.isArray(v[0]) || isNumericTypedArray(v[0]))) {
    try {
      return Tensor.from(v as never);
    } catch {
      return null;
    }
  }
  return null;
}
