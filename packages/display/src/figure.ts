import { renderHtml } from './html';
import { checkOptions, optionalBoolean } from './input/options';
import { MIME_TYPE, type FigureSpec } from './spec';
import { summarize } from './summary';
import { renderSvg } from './svg/render-svg';

/** The MIME bundle of a figure: every representation a front end may choose from. */
export interface FigureBundle {
  [MIME_TYPE]: FigureSpec;
  'text/html': string;
  'image/svg+xml': string;
  'text/plain': string;
  [mime: string]: unknown;
}

/** Options of {@link Figure.toBundle}. */
export interface BundleOptions {
  /**
   * Inline plotly.js into the `text/html` (default true, so the HTML stands
   * alone). `show()` inlines it once per kernel and passes false afterwards.
   */
  includePlotly?: boolean;
}

/**
 * A figure as plain data ({@link FigureSpec} in `spec`): made by
 * {@link gpBands}, {@link lineChart} or {@link heatmap}, shown by `show()`,
 * and turned into a MIME bundle by {@link Figure.toBundle}.
 *
 * @example
 * ```ts
 * const fig = lineChart({ x: [1, 2, 3], series: [{ name: 'loss', y: [1, 0.5, 0.25] }] });
 * const bundle = fig.toBundle();
 * Object.keys(bundle);
 * // ['application/vnd.tangent-lab.plot+json', 'text/html', 'image/svg+xml', 'text/plain']
 * ```
 */
export class Figure {
  constructor(readonly spec: FigureSpec) {}

  /**
   * One MIME bundle: `application/vnd.tangent-lab.plot+json` (the figure, for
   * the JupyterLab extension), `text/html` (interactive, offline, with the
   * static picture inside), `image/svg+xml` (static) and `text/plain` (one line).
   */
  toBundle(options: BundleOptions = {}): FigureBundle {
    checkOptions('Figure.toBundle', options, ['includePlotly']);
    const includePlotly = optionalBoolean('Figure.toBundle', 'includePlotly', options.includePlotly) ?? true;
    const svg = renderSvg(this.spec);
    return {
      [MIME_TYPE]: this.spec,
      'text/html': renderHtml(this.spec, svg, includePlotly),
      'image/svg+xml': svg,
      'text/plain': summarize(this.spec),
    };
  }

  /** The figure as JSON (its {@link FigureSpec}). */
  toJSON(): FigureSpec {
    return this.spec;
  }

  /** The one-line summary, as in `text/plain`. */
  toString(): string {
    return summarize(this.spec);
  }
}
