import { InputError, ShapeError } from './errors';
import { Figure } from './figure';
import { checkOptions, describe, optionalString } from './input/options';
import { isMatrixShape, type MatrixShape } from './input/vector';
import { indexedPng } from './png';
import { SPEC_VERSION, type AnnotationSpec } from './spec';

/** An n-D array seen structurally: @tangent-lab/core's `Tensor` (row-major `data`, `shape`) fits. */
export interface TensorShape {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

/**
 * Images: a list of 2-D arrays (rows of pixels); a matrix with one flattened
 * image per row (square, or of `shape`); or a tensor of shape (n, h, w) or
 * (n, h, w, 1), as `datasets.mnist` gives.
 */
export type ImagesLike = readonly (readonly (readonly number[])[])[] | MatrixShape | TensorShape | readonly (readonly number[] | Float64Array | Float32Array)[];

/** Options of {@link imageGrid}. */
export interface ImageGridOptions {
  images: ImagesLike;
  /** One label per image, written under it (the true class, say). */
  labels?: readonly (string | number)[];
  /** One predicted label per image: written as `label → predicted`, in a warning colour where they differ. */
  predicted?: readonly (string | number)[];
  /** Images per row (default: up to 10). */
  columns?: number;
  /** Height and width of a flattened image when it is not square. */
  shape?: readonly [number, number];
  title?: string;
}

/** The most images one grid shows. */
export const MAX_IMAGES = 100;
/** The PNG of the grid may take this many bytes (it is stored three times: figure, SVG, HTML). */
const PNG_BUDGET = 22_000;
const GAP = 2;
const LABEL_ROWS = 12;

/**
 * A grid of small images — MNIST digits with their true and predicted labels —
 * drawn in grey levels, ink dark on white (each grid scaled from its smallest
 * to its largest value). Hover in the interactive view shows the pixel.
 *
 * @example
 * ```ts
 * import { imageGrid, show } from '@tangent-lab/display';
 * const { xTest, labelsTest } = datasets.mnist({ nTrain: 100, nTest: 20, seed: 0 });
 * show(imageGrid({ images: xTest, labels: labelsTest, predicted: argmax(prediction), title: 'test digits: true → predicted' }));
 * ```
 */
export function imageGrid(options: ImageGridOptions): Figure {
  const where = 'imageGrid';
  if (options === null || typeof options !== 'object') throw new InputError(`${where}: pass { images, labels?, predicted?, title? }, got ${describe(options)}`);
  checkOptions(where, options, ['images', 'labels', 'predicted', 'columns', 'shape', 'title']);
  const images = readImages(options.images, options.shape, where);
  const n = images.length;
  if (n > MAX_IMAGES)
    throw new ShapeError(
      `${where}: ${n} images are more than one grid shows (${MAX_IMAGES}); pass a subset, e.g. the first ${MAX_IMAGES} or the misclassified ones`,
    );
  const labels = readLabels(options.labels, n, 'labels', where);
  const predicted = readLabels(options.predicted, n, 'predicted', where);
  const columns = options.columns ?? Math.min(n, 10);
  if (!Number.isInteger(columns) || columns < 1) throw new InputError(`${where}: columns must be a whole number ≥ 1, got ${describe(options.columns)}`);
  const [h, w] = [images[0].length, images[0][0].length];
  const rows = Math.ceil(n / columns);
  const captions = labels !== undefined || predicted !== undefined;
  const cellW = w + GAP;
  const cellH = h + GAP + (captions ? LABEL_ROWS : 0);
  const width = columns * cellW - GAP;
  const height = rows * cellH - GAP;

  let lo = Infinity;
  let hi = -Infinity;
  for (const img of images)
    for (const row of img)
      for (const v of row) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
  const encode = (levels: number) => {
    const pixels = new Uint8Array(width * height); // 0: background (white)
    images.forEach((img, k) => {
      const [r0, c0] = [Math.floor(k / columns) * cellH, (k % columns) * cellW];
      img.forEach((row, i) =>
        row.forEach((v, j) => {
          const u = hi > lo ? (v - lo) / (hi - lo) : 0;
          pixels[(r0 + i) * width + c0 + j] = Math.round(Math.round(u * (levels - 1)) * (255 / (levels - 1)));
        }),
      );
    });
    return indexedPng(width, height, pixels, GREYS);
  };
  let png = encode(256);
  // Grey levels beyond 16 add little to a picture of digits; they go first when the picture is large.
  if (png.length > PNG_BUDGET) png = encode(16);
  if (png.length > PNG_BUDGET) {
    const fit = Math.max(1, Math.floor((n * PNG_BUDGET) / png.length));
    throw new ShapeError(
      `${where}: ${n} images of ${h}×${w} make a ${Math.round(png.length / 1024)} KB picture, more than a notebook figure should hold; show about ${fit} of them`,
    );
  }
  const annotations: AnnotationSpec[] = [];
  if (captions) {
    images.forEach((_, k) => {
      const truth = labels?.[k];
      const guess = predicted?.[k];
      const text = truth !== undefined && guess !== undefined ? `${truth} → ${guess}` : String(truth ?? guess);
      const wrong = truth !== undefined && guess !== undefined && truth !== guess;
      annotations.push({ x: (k % columns) * cellW + (w - 1) / 2, y: Math.floor(k / columns) * cellH + h + LABEL_ROWS / 2, text, color: wrong ? 1 : 6 });
    });
  }
  const title = optionalString(where, 'title', options.title);
  return new Figure({
    version: SPEC_VERSION,
    kind: 'imageGrid',
    ...(title === undefined ? {} : { title }),
    xAxis: { log: false, hidden: true },
    yAxis: { log: false, hidden: true },
    traces: [{ type: 'image', x0: 0, y0: 0, width, height, png: png.toString('base64') }],
    annotations,
  });
}

/** 256 greys from white (0) to black (255): ink on paper. */
const GREYS = Array.from({ length: 256 }, (_, k) => `#${(255 - k).toString(16).padStart(2, '0').repeat(3)}`);

function readImages(value: unknown, shape: readonly [number, number] | undefined, where: string): number[][][] {
  let images: number[][][];
  const reshape = (flat: ArrayLike<number>, k: number): number[][] => {
    const size = flat.length;
    const [h, w] = shape ?? [Math.round(Math.sqrt(size)), Math.round(Math.sqrt(size))];
    if (h * w !== size)
      throw new ShapeError(`${where}: image ${k} has ${size} pixels, which is not ${shape ? `${h}×${w}` : 'a square'}; pass shape: [height, width]`);
    return Array.from({ length: h }, (_, i) => Array.from({ length: w }, (_, j) => flat[i * w + j]));
  };
  if (shape !== undefined && !(Array.isArray(shape) && shape.length === 2 && shape.every((d) => Number.isInteger(d) && d > 0))) {
    throw new InputError(`${where}: shape must be [height, width], got ${describe(shape)}`);
  }
  if (isMatrixShape(value)) {
    images = Array.from({ length: value.rows }, (_, k) =>
      reshape(
        Array.from({ length: value.cols }, (_, j) => value.data[k * value.cols + j]),
        k,
      ),
    );
  } else if (value !== null && typeof value === 'object' && Array.isArray((value as TensorShape).shape) && !Array.isArray(value)) {
    const t = value as TensorShape;
    const [n, h, w, c = 1] = t.shape;
    if (!(t.shape.length === 3 || (t.shape.length === 4 && c === 1))) {
      throw new ShapeError(`${where}: a tensor of images must have shape (n, height, width) or (n, height, width, 1), got (${t.shape.join(', ')})`);
    }
    images = Array.from({ length: n }, (_, k) => Array.from({ length: h }, (_, i) => Array.from({ length: w }, (_, j) => t.data[(k * h + i) * w + j])));
  } else if (Array.isArray(value)) {
    images = value.map((img, k) => {
      if (ArrayBuffer.isView(img) || (Array.isArray(img) && img.every((v) => typeof v === 'number'))) return reshape(img as ArrayLike<number>, k);
      if (Array.isArray(img) && img.every((r) => Array.isArray(r) || ArrayBuffer.isView(r))) return (img as ArrayLike<number>[]).map((r) => Array.from(r));
      throw new ShapeError(`${where}: image ${k} must be rows of pixels or a flat array, got ${describe(img)}`);
    });
  } else {
    throw new ShapeError(`${where}: images must be a list of images, a matrix with one image per row, or a tensor (n, h, w[, 1]), got ${describe(value)}`);
  }
  if (images.length === 0) throw new ShapeError(`${where}: images is empty`);
  const [h, w] = [images[0].length, images[0][0]?.length ?? 0];
  if (h === 0 || w === 0) throw new ShapeError(`${where}: image 0 is empty`);
  images.forEach((img, k) => {
    if (img.length !== h || img.some((r) => r.length !== w)) throw new ShapeError(`${where}: image ${k} is not ${h}×${w} like image 0`);
    img.forEach((r, i) =>
      r.forEach((v, j) => {
        if (typeof v !== 'number' || !Number.isFinite(v))
          throw new InputError(`${where}: image ${k} has ${describe(v)} at (${i}, ${j}); pixels must be finite numbers`);
      }),
    );
  });
  return images;
}

function readLabels(value: unknown, n: number, name: string, where: string): (string | number)[] | undefined {
  if (value === undefined) return undefined;
  const list = ArrayBuffer.isView(value) ? Array.from(value as unknown as ArrayLike<number>) : value;
  if (!Array.isArray(list)) throw new InputError(`${where}: ${name} must be a list with one label per image, got ${describe(value)}`);
  if (list.length !== n) throw new ShapeError(`${where}: ${name} has ${list.length} entries but there are ${n} images`);
  return list.map((v, k) => {
    if (typeof v !== 'string' && typeof v !== 'number') throw new InputError(`${where}: ${name}[${k}] must be a string or a number, got ${describe(v)}`);
    return v;
  });
}
