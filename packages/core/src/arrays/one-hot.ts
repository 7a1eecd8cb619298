import { InputError, ShapeError } from '../errors';
import { Matrix } from '../matrix';
import { checkOptions } from '../options';
import { vectorArg, type VectorLike } from './vector';

/** Options of {@link oneHot}. */
export interface OneHotOptions {
  /**
   * Subtract 1/k from every entry so each row sums to zero: with ten classes
   * the targets are −0.1 and 0.9, the centred encoding Neural Tangents'
   * examples and the paper's MNIST experiments regress on. Default false.
   */
  center?: boolean;
}

/**
 * One-hot targets, one row per label, as `jax.nn.one_hot`. `classes` is the
 * number of classes k (labels are 0…k−1) or the list of class values (column
 * j stands for `classes[j]`, e.g. `[3, 5]` for a 3-vs-5 task).
 *
 * @example
 * ```ts
 * oneHot([2, 0], 3).toArray();          // [[0, 0, 1], [1, 0, 0]]
 * oneHot([5, 3], [3, 5]).toArray();     // [[0, 1], [1, 0]]
 * ```
 */
export function oneHot(labels: VectorLike, classes: number | readonly number[], options: OneHotOptions = {}): Matrix {
  checkOptions('oneHot', options, ['center']);
  const values = classList('oneHot', classes);
  const column = new Map(values.map((c, j) => [c, j]));
  const y = vectorArg('oneHot', 'labels', labels);
  const k = values.length;
  const off = options.center ? -1 / k : 0;
  const out = new Matrix(y.length, k, new Float64Array(y.length * k).fill(off));
  for (let i = 0; i < y.length; i++) {
    const j = column.get(y[i]);
    if (j === undefined) {
      throw new InputError(`oneHot: labels[${i}] is ${y[i]}, which is not one of the classes ${describeClasses(classes)}`);
    }
    out.data[i * k + j] = 1 + off;
  }
  return out;
}

/** The class values: 0…k−1 for a count, else the (distinct, finite) list. */
export function classList(where: string, classes: number | readonly number[]): number[] {
  if (typeof classes === 'number') {
    if (!Number.isInteger(classes) || classes < 1) throw new InputError(`${where}: the number of classes must be a positive integer, got ${classes}`);
    return Array.from({ length: classes }, (_, i) => i);
  }
  const list = Array.from(vectorArg(where, 'classes', classes));
  if (new Set(list).size !== list.length) throw new ShapeError(`${where}: classes [${list.join(', ')}] has repeated values; list each class once`);
  return list;
}

function describeClasses(classes: number | readonly number[]): string {
  return typeof classes === 'number' ? `0…${classes - 1}` : `[${classes.join(', ')}]`;
}
