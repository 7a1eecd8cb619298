import { classList } from '../arrays/one-hot';
import { isVectorInput, vectorArg, type VectorLike } from '../arrays/vector';
import { InputError, ShapeError } from '../errors';
import { Matrix, type MatrixLike } from '../matrix';

/**
 * Labels for the classification helpers: class labels (a vector of
 * integers), or targets with one row per example (one-hot, centred one-hot,
 * or one ±1 column) — what `datasets.mnist` returns as `labels*` and `y*`.
 */
export type Labels = VectorLike | MatrixLike;

/** Options shared by {@link accuracy} and {@link confusionMatrix}. */
export interface ClassOptions {
  /**
   * The class each prediction column stands for, when `labels` are class
   * values rather than 0…k−1 (e.g. `[3, 5]` for digits 3 and 5, or
   * `data.classes` from `datasets.mnist`).
   */
  classes?: readonly number[];
}

/**
 * The predicted class index of each example: the column of the largest
 * output, or for a single output column (a ±1 regression) 1 where it is
 * positive and 0 elsewhere.
 */
export function predictedClasses(where: string, predictions: MatrixLike): { classes: number[]; k: number; cols: number } {
  const p = Matrix.from(predictions, `${where}: predictions`);
  if (p.cols === 1) return { classes: Array.from(p.data, (v) => (v > 0 ? 1 : 0)), k: 2, cols: 1 };
  const out = new Array<number>(p.rows);
  for (let i = 0; i < p.rows; i++) {
    let best = 0;
    for (let j = 1; j < p.cols; j++) if (p.data[i * p.cols + j] > p.data[i * p.cols + best]) best = j;
    out[i] = best;
  }
  return { classes: out, k: p.cols, cols: p.cols };
}

/** The true class index (0…k−1) of each example, read from labels or targets. */
export function trueClasses(where: string, labels: Labels, predicted: { classes: number[]; k: number; cols: number }, options: ClassOptions): number[] {
  const { k, cols } = predicted;
  const n = predicted.classes.length;
  let out: number[];
  if (isVectorInput(labels)) {
    const values = vectorArg(where, 'labels', labels);
    if (options.classes !== undefined) {
      const list = classList(where, options.classes);
      if (list.length !== k)
        throw new ShapeError(
          `${where}: classes lists ${list.length} classes but the predictions have ${cols === 1 ? '1 column (a ±1 output, two classes)' : `${cols} columns`}`,
        );
      const index = new Map(list.map((c, j) => [c, j]));
      out = Array.from(values, (v, i) => {
        const j = index.get(v);
        if (j === undefined) throw new InputError(`${where}: labels[${i}] is ${v}, which is not one of the classes [${list.join(', ')}]`);
        return j;
      });
    } else {
      out = Array.from(values, (v, i) => {
        if (!Number.isInteger(v) || v < 0 || v >= k) {
          throw new InputError(
            `${where}: labels[${i}] is ${v}, but the predictions have ${cols === 1 ? 'one ±1 column (classes 0 and 1)' : `${cols} columns (classes 0…${k - 1})`}; pass { classes: [...] } to say which class each column stands for (e.g. data.classes from datasets.mnist), or pass the targets (one-hot or ±1) instead`,
          );
        }
        return v;
      });
    }
  } else {
    const y = Matrix.from(labels, `${where}: labels`);
    if (y.cols !== cols)
      throw new ShapeError(
        `${where}: the targets have ${y.cols} columns but the predictions have ${cols}; pass targets shaped like the predictions, or class labels as a vector`,
      );
    out = predictedClasses(where, y).classes;
  }
  if (out.length !== n) throw new ShapeError(`${where}: ${n} predictions but ${out.length} labels; pass one label per example`);
  return out;
}
