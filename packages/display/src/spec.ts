/**
 * The figure as plain data: what `application/vnd.tangent-lab.plot+json`
 * carries, what the SVG and the plotly pictures are drawn from. It holds
 * numbers and user strings only — colours are palette indices that a theme
 * turns into colours, so the same figure follows a light or dark front end.
 */

/** The MIME type of our figures, rendered by the @tangent-lab/jupyterlab extension. */
export const MIME_TYPE = 'application/vnd.tangent-lab.plot+json';

/**
 * Bumped when the shape of {@link FigureSpec} changes. Version 2 added large
 * heatmaps as an encoded grid, the heatmap `origin` and cell text, named and
 * hidden axes, image grids, panels, tables and progress bars; renderers read
 * versions 1 and 2.
 */
export const SPEC_VERSION = 2;

/** The versions `parseSpec` reads. */
export const SPEC_VERSIONS: readonly number[] = [1, 2];

/** Which builder made the figure (a plot: axes and traces). */
export type FigureKind = 'gpBands' | 'lineChart' | 'heatmap' | 'imageGrid';

/** One axis: its label, whether it is logarithmic, and optionally named ticks or no axis at all. */
export interface AxisSpec {
  label?: string;
  log: boolean;
  /** Ticks at these values with these texts (class names of a confusion matrix, say), instead of numbers. */
  ticks?: { values: number[]; labels: string[] };
  /** No ticks, no line, no grid (an image grid). */
  hidden?: boolean;
}

/** `{ title }`, or `{}` when there is no title. */
export function optionalTitle(title: string | undefined): { title?: string } {
  return title === undefined ? {} : { title };
}

/** An axis, with no `label` key when there is no label (the spec is JSON: no `undefined`). */
export function axisSpec(label: string | undefined, log: boolean): AxisSpec {
  return label === undefined ? { log } : { label, log };
}

/** A filled band between `lower` and `upper` over sorted `x` (the ±2σ region). */
export interface BandTrace {
  type: 'band';
  name: string;
  color: number;
  x: number[];
  lower: number[];
  upper: number[];
}

/** A polyline over sorted `x`: a posterior mean, a sample, a loss curve, a fitted slope. */
export interface LineTrace {
  type: 'line';
  name: string;
  color: number;
  x: number[];
  y: number[];
  /** `solid` for means and curves, `dash` for fits, `thin` for samples. */
  style: 'solid' | 'dash' | 'thin';
  /** Whether the trace has its own legend entry (samples share one). */
  legend: boolean;
}

/** Markers at given points: the training set. */
export interface PointsTrace {
  type: 'points';
  name: string;
  color: number;
  x: number[];
  y: number[];
}

/**
 * A colour map of `z[i][j]` at `(x[j], y[i])`, with contour lines at
 * `contours` levels. Small matrices travel as `z`, with their true values;
 * large ones as `grid`, the means of blocks of entries (see {@link EncodedGrid}),
 * with `x` and `y` the blocks' centres.
 */
export interface HeatmapTrace {
  type: 'heatmap';
  x: number[];
  y: number[];
  z?: number[][];
  grid?: EncodedGrid;
  contours: number[];
  /** Text written in each cell (rows × cols), e.g. the counts of a confusion matrix. */
  text?: string[][];
  /** `'upper'`: row 0 at the top (a matrix, as `imshow`); `'lower'`: y increases upwards. Version 1 figures are `'lower'`. */
  origin: 'upper' | 'lower';
}

/**
 * A large matrix reduced to at most 100² cells (`GRID_MAX` in grid.ts): each cell is the
 * mean of a block of `blockRows × blockCols` entries of the
 * `sourceRows × sourceCols` matrix (the last blocks may be smaller), stored
 * as 16-bit levels between `min` and `max` (an error of at most
 * (max − min)/131070), base64 of little-endian uint16, row-major.
 */
export interface EncodedGrid {
  rows: number;
  cols: number;
  min: number;
  max: number;
  blockRows: number;
  blockCols: number;
  sourceRows: number;
  sourceCols: number;
  data: string;
}

/**
 * A picture: a PNG (base64) of `width × height` pixels placed with its
 * top-left pixel's centre at (x0, y0), one data unit per pixel (y grows
 * downwards), as an image grid lays out its images.
 */
export interface ImageTrace {
  type: 'image';
  x0: number;
  y0: number;
  width: number;
  height: number;
  png: string;
}

export type TraceSpec = BandTrace | LineTrace | PointsTrace | HeatmapTrace | ImageTrace;

/** Text placed at a data point, in the colour of palette entry `color`. */
export interface AnnotationSpec {
  x: number;
  y: number;
  text: string;
  color: number;
}

/** New values for one trace at one slider step. */
export interface TraceUpdate {
  trace: number;
  y?: number[];
  lower?: number[];
  upper?: number[];
}

/** A slider over training time: each step replaces the data of some traces. */
export interface SliderSpec {
  /** The variable the slider moves, e.g. `t`. */
  name: string;
  values: number[];
  /** The step shown by the static pictures and first shown by the interactive ones. */
  active: number;
  steps: TraceUpdate[][];
}

/** A whole figure. Traces are drawn in order (bands first, so lines stay visible). */
export interface FigureSpec {
  version: typeof SPEC_VERSION;
  kind: FigureKind;
  title?: string;
  xAxis: AxisSpec;
  yAxis: AxisSpec;
  traces: TraceSpec[];
  annotations: AnnotationSpec[];
  slider?: SliderSpec;
}

/** Several figures in a grid of panels, row by row (`null` leaves a panel empty). */
export interface PanelsSpec {
  version: typeof SPEC_VERSION;
  kind: 'panels';
  title?: string;
  rows: number;
  cols: number;
  panels: (FigureSpec | null)[];
}

/** A table: column names and rows of cells (numbers, strings, or null for a missing value). */
export interface TableSpec {
  version: typeof SPEC_VERSION;
  kind: 'table';
  title?: string;
  columns: string[];
  rows: (number | string | null)[][];
  /** Rows of the whole table; `rows` holds the first ones when the table is longer than a figure keeps. */
  totalRows: number;
}

/** A progress bar's state: `done` of `total` steps after `seconds`; `finished` once `done()` was called. */
export interface ProgressSpec {
  version: typeof SPEC_VERSION;
  kind: 'progress';
  label: string;
  done: number;
  total: number;
  seconds: number;
  finished: boolean;
}

/** Anything `application/vnd.tangent-lab.plot+json` carries. */
export type DisplaySpec = FigureSpec | PanelsSpec | TableSpec | ProgressSpec;
