import { InputError, ShapeError } from './errors';
import { Figure } from './figure';
import { checkOptions, describe, optionalBoolean, optionalString } from './input/options';
import { toMatrix, toVector, type MatrixLike, type VectorLike } from './input/vector';
import { SPEC_VERSION } from './spec';

/** Options of {@link confusionHeatmap}. */
export interface ConfusionHeatmapOptions {
  /** Counts: row i, column j = examples of true class i predicted as class j. Or pass labels and predicted. */
  matrix?: MatrixLike;
  /** True classes, as indices 0 … k−1. */
  labels?: VectorLike;
  /** Predicted classes, as indices 0 … k−1. */
  predicted?: VectorLike;
  /** Names of the classes (default 0 … k−1). */
  classes?: readonly (string | number)[];
  /** Colour by the fraction of each true class (rows sum to 1) instead of counts. Cells still show counts. */
  normalize?: boolean;
  title?: string;
}

/**
 * A confusion matrix as a heatmap: true classes down, predicted classes
 * across, row 0 at the top as the matrix is written, each cell with its count
 * (coloured by its share of the true class when `normalize`). The title gives the
 * accuracy, the diagonal's share of all examples.
 *
 * @example
 * ```ts
 * import { confusionHeatmap, show } from '@tangent-lab/display';
 * show(confusionHeatmap({ labels: labelsTest, predicted: argmax(mean), normalize: true }));
 * ```
 */
export function confusionHeatmap(options: ConfusionHeatmapOptions): Figure {
  const where = 'confusionHeatmap';
  if (options === null || typeof options !== 'object') throw new InputError(`${where}: pass { matrix } or { labels, predicted }, got ${describe(options)}`);
  checkOptions(where, options, ['matrix', 'labels', 'predicted', 'classes', 'normalize', 'title']);
  const normalize = optionalBoolean(where, 'normalize', options.normalize) ?? false;
  let counts: number[][];
  if (options.matrix !== undefined) {
    if (options.labels !== undefined || options.predicted !== undefined) throw new InputError(`${where}: pass either matrix or labels and predicted, not both`);
    counts = toMatrix(options.matrix, { where, name: 'matrix' });
    if (counts.length !== counts[0].length)
      throw new ShapeError(`${where}: matrix is ${counts.length}×${counts[0].length}; a confusion matrix is square (classes × classes)`);
    counts.forEach((row, i) =>
      row.forEach((v, j) => {
        if (!(v >= 0)) throw new InputError(`${where}: matrix[${i}][${j}] is ${v}; counts must be ≥ 0`);
      }),
    );
  } else {
    if (options.labels === undefined || options.predicted === undefined)
      throw new InputError(`${where}: pass matrix (the counts), or both labels and predicted`);
    const truth = classIndices(toVector(options.labels, { where, name: 'labels' }), 'labels', where);
    const guess = classIndices(toVector(options.predicted, { where, name: 'predicted' }), 'predicted', where);
    if (truth.length !== guess.length) throw new ShapeError(`${where}: labels has ${truth.length} entries but predicted has ${guess.length}`);
    const k = Math.max(options.classes?.length ?? 0, ...truth, ...guess) + (options.classes ? 0 : 1);
    counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    truth.forEach((t, i) => {
      counts[t][guess[i]] += 1;
    });
  }
  const k = counts.length;
  if (k > 50) throw new ShapeError(`${where}: ${k} classes are more than a confusion heatmap shows (50); group them, or draw heatmap({ z }) of the counts`);
  const classes = options.classes ? [...options.classes] : Array.from({ length: k }, (_, i) => i);
  if (classes.length !== k) throw new ShapeError(`${where}: classes names ${classes.length} classes but the counts have ${k}`);
  classes.forEach((c, i) => {
    if (typeof c !== 'string' && typeof c !== 'number') throw new InputError(`${where}: classes[${i}] must be a string or a number, got ${describe(c)}`);
  });
  const total = counts.flat().reduce((a, b) => a + b, 0);
  const correct = counts.reduce((s, row, i) => s + row[i], 0);
  const rowSums = counts.map((row) => row.reduce((a, b) => a + b, 0));
  const z = normalize ? counts.map((row, i) => row.map((v) => (rowSums[i] > 0 ? v / rowSums[i] : 0))) : counts;
  const text = counts.map((row) => row.map((v) => String(v)));
  const index = classes.map((_, i) => i);
  const ticks = { values: index, labels: classes.map(String) };
  const accuracy = total > 0 ? `accuracy ${((100 * correct) / total).toFixed(1)}% of ${total}` : 'no examples';
  const title = optionalString(where, 'title', options.title) ?? `confusion matrix (${accuracy})`;
  return new Figure({
    version: SPEC_VERSION,
    kind: 'heatmap',
    title,
    xAxis: { label: 'predicted', log: false, ticks },
    yAxis: { label: 'true', log: false, ticks },
    traces: [{ type: 'heatmap', x: index, y: index, z, contours: [], text, origin: 'upper' }],
    annotations: [],
  });
}

function classIndices(values: number[], name: string, where: string): number[] {
  values.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0)
      throw new InputError(`${where}: ${name}[${i}] is ${v}; classes are whole numbers 0 … k−1 (use argmax of one-hot rows or logits)`);
  });
  return values;
}
