import { compactSpec } from './compact';
import { interactiveHtml } from './html';
import { checkOptions, optionalBoolean } from './input/options';
import { displayHtml, displaySvg, displayText, isPlot } from './render-display';
import { saveFigure, type SaveOptions } from './save';
import { MIME_TYPE, type DisplaySpec, type FigureSpec } from './spec';

/** The MIME bundle of a figure: every representation a front end may choose from. */
export interface FigureBundle<S extends DisplaySpec = FigureSpec> {
  [MIME_TYPE]: S;
  'text/html': string;
  'image/svg+xml': string;
  'text/plain': string;
  [mime: string]: unknown;
}

/** Options of {@link Figure.toBundle}. */
export interface BundleOptions {
  /**
   * Make `text/html` the interactive figure with plotly.js inlined (≈4.8 MB,
   * so that it stands alone in any page). Default false: `text/html` is the
   * static SVG, which is what a notebook should store; the HTML export of
   * `npm run tutorial` adds plotly once per page.
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
export class Figure<S extends DisplaySpec = FigureSpec> {
  /** The figure as plain data; coordinates keep 6 significant digits (see `compact.ts`). */
  readonly spec: S;

  constructor(spec: S) {
    this.spec = compactSpec(spec);
  }

  /**
   * One MIME bundle: `application/vnd.tangent-lab.plot+json` (the figure, for
   * the JupyterLab extension, interactive), `text/html` (the static SVG, for
   * front ends without it), `image/svg+xml` (static) and `text/plain` (one
   * line). A figure's bundle stays under 100 KB — a 1000×1000 heatmap
   * included — so saved notebooks stay light.
   */
  toBundle(options: BundleOptions = {}): FigureBundle<S> {
    checkOptions('Figure.toBundle', options, ['includePlotly']);
    const includePlotly = optionalBoolean('Figure.toBundle', 'includePlotly', options.includePlotly) ?? false;
    const spec = this.spec;
    const svg = displaySvg(spec);
    return {
      [MIME_TYPE]: spec,
      'text/html': includePlotly && isPlot(spec) ? interactiveHtml(spec, svg, true) : displayHtml(spec, svg),
      'image/svg+xml': svg,
      'text/plain': displayText(spec),
    };
  }

  /**
   * Writes the figure to a file, by its extension: `.svg` (the static
   * picture), `.html` (a page with the interactive figure, plotly.js inlined,
   * works offline) or `.png` (the static picture rasterized by resvg, at
   * `scale` pixels per SVG unit, default 2).
   *
   * @example
   * ```ts
   * const fig = lineChart({ x: [1, 2, 3], series: [{ name: 'loss', y: [1, 0.5, 0.25] }] });
   * fig.save('loss.png');
   * ```
   */
  save(path: string, options: SaveOptions = {}): void {
    saveFigure(this.spec, path, options);
  }

  /** The figure as JSON (its {@link FigureSpec}). */
  toJSON(): S {
    return this.spec;
  }

  /** The one-line summary, as in `text/plain`. */
  toString(): string {
    return displayText(this.spec);
  }
}
