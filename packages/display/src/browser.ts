/**
 * The browser-safe part of @tangent-lab/display, for renderers: check an
 * untrusted figure and turn it into a plotly figure in a theme. Imports
 * nothing from Node.
 *
 * @example
 * ```ts
 * import { MIME_TYPE, parseSpec, toPlotly, DARK } from '@tangent-lab/display/browser';
 * const { data, layout, config } = toPlotly(parseSpec(bundle[MIME_TYPE]), DARK);
 * ```
 * @packageDocumentation
 */
export { MIME_TYPE, SPEC_VERSION } from './spec';
export type { FigureSpec, FigureKind, TraceSpec, AxisSpec, SliderSpec, DisplaySpec, PanelsSpec, TableSpec, ProgressSpec } from './spec';
export { parseSpec, parseDisplaySpec } from './parse-spec';
export { toPlotly, type PlotlyFigure } from './plotly/to-plotly';
export { panelsToPlotly, plotHeight } from './plotly/panels';
export { cellText } from './table-render';
export { progressText } from './progress-render';
export { LIGHT, DARK, seriesColor, type Theme } from './theme';
