/**
 * @tangent-lab/display — the pictures of wide-network notebooks: GP bands
 * (posterior mean ±2σ, samples, training points, several models, a slider over
 * training time), loss and convergence curves, heatmaps — as one MIME bundle
 * with an interactive plotly view, a static SVG and a text summary, shown in
 * tslab notebooks by {@link show}.
 *
 * @example
 * ```ts
 * import { gpBands, show } from '@tangent-lab/display';
 * const x = Array.from({ length: 50 }, (_, i) => -2 + (4 * i) / 49);
 * show(gpBands({ name: 'NTK-GP', x, mean: x.map(Math.sin), std: x.map((v) => 0.1 + 0.1 * v * v),
 *                train: { x: [-1, 0, 1], y: [-0.84, 0, 0.84] }, title: 'posterior at t = ∞' }));
 * ```
 * @packageDocumentation
 */
export { MIME_TYPE, SPEC_VERSION } from './spec';
export type {
  FigureSpec,
  FigureKind,
  TraceSpec,
  AxisSpec,
  SliderSpec,
  AnnotationSpec,
  TraceUpdate,
  BandTrace,
  LineTrace,
  PointsTrace,
  HeatmapTrace,
  EncodedGrid,
  DisplaySpec,
  PanelsSpec,
  TableSpec,
  ProgressSpec,
  ImageTrace,
} from './spec';
export { Figure, type FigureBundle, type BundleOptions } from './figure';
export type { SaveOptions } from './save';
export { interactiveNotebook, type NotebookLike } from './notebook-html';
export { gpBands, type GpSeries } from './gp-bands';
export { lineChart, type LineChartOptions } from './line-chart';
export { heatmap, type HeatmapOptions } from './heatmap';
export { confusionHeatmap, type ConfusionHeatmapOptions } from './confusion-heatmap';
export { imageGrid, type ImageGridOptions, type ImagesLike, type TensorShape } from './image-grid';
export { panels } from './panels';
export { table, type Cell, type TableOptions } from './table';
export { progress, type Progress, type ProgressOptions } from './progress';
export { show, liveDisplay, type Showable, type ShowOptions, type LiveDisplay } from './show';
export { dataFrameBundle, isDataFrameLike, type DataFrameLike } from './dataframe';
export { renderSvg } from './svg/render-svg';
export { parseSpec, parseDisplaySpec } from './parse-spec';
export { displayPlotly, displaySvg } from './render-display';
export { toPlotly, type PlotlyFigure } from './plotly/to-plotly';
export { LIGHT, DARK, type Theme } from './theme';
export { viridis, VIRIDIS } from './colormap';
export { escapeXml, jsonForScript } from './escape';
export { TangentLabError, ShapeError, InputError, OptionError, KernelError } from './errors';
export type { VectorLike, MatrixLike, MatrixShape } from './input/vector';
