import { currentPrintOptions } from './options';
import { numberFormatter } from './numbers';

/** The positions shown along one axis: all, or the first and last `edge` with −1 marking the gap. */
export function shownIndices(n: number, summarise: boolean, edge: number): number[] {
  if (!summarise || n <= 2 * edge) return Array.from({ length: n }, (_, i) => i);
  return [...Array.from({ length: edge }, (_, i) => i), -1, ...Array.from({ length: edge }, (_, i) => n - edge + i)];
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  return strides;
}

/** The shape as `3×4`, or `scalar` for rank 0. */
export function shapeLabel(shape: readonly number[]): string {
  return shape.length === 0 ? 'scalar' : shape.join('×');
}

/**
 * A numpy-style text picture of a row-major array: nested brackets, one
 * innermost row per line, entries right-aligned to a common width, sub-blocks
 * separated by blank lines, long axes summarised with `...` when the array has
 * more entries than the print threshold (leading axes of rank ≥ 3 keep one
 * block at each end). Starts with `kind` and the shape.
 *
 * @example
 * ```text
 * Matrix 2×3
 * [[ 1.0  2.5 -3.0]
 *  [ 4.0  5.0  6.0]]
 * ```
 */
export function formatArray(kind: string, shape: readonly number[], data: ArrayLike<number>): string {
  const { precision, threshold, edgeItems } = currentPrintOptions();
  const header = `${kind} ${shapeLabel(shape)}`;
  if (shape.length === 0) return `${header} ${numberFormatter([data[0]], precision)(data[0])}`;
  if (data.length === 0) return `${header} []`;
  const summarise = data.length > threshold;
  // Leading axes of a summarised tensor of rank ≥ 3 show one block at each end, so a batch
  // of images prints in tens of lines, not hundreds.
  const shown = shape.map((n, d) => shownIndices(n, summarise, d < shape.length - 2 ? 1 : edgeItems));
  const strides = stridesOf(shape);
  const values: number[] = [];
  const collect = (d: number, offset: number): void => {
    for (const i of shown[d]) {
      if (i < 0) continue;
      if (d === shape.length - 1) values.push(data[offset + i]);
      else collect(d + 1, offset + i * strides[d]);
    }
  };
  collect(0, 0);
  const format = numberFormatter(values, precision);
  const width = Math.max(summarise ? 3 : 1, ...values.map((v) => format(v).length));
  const render = (d: number, offset: number, indent: number): string => {
    if (d === shape.length - 1) {
      const items = shown[d].map((i) => (i < 0 ? '...'.padStart(width) : format(data[offset + i]).padStart(width)));
      return `[${items.join(' ')}]`;
    }
    const separator = `\n${'\n'.repeat(shape.length - d - 2)}${' '.repeat(indent + 1)}`;
    const blocks = shown[d].map((i) => (i < 0 ? '...' : render(d + 1, offset + i * strides[d], indent + 1)));
    return `[${blocks.join(separator)}]`;
  };
  const body = render(0, 0, 0);
  return body.includes('\n') ? `${header}\n${body}` : `${header} ${body}`;
}
