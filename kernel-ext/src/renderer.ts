import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import {
  MIME_TYPE,
  panelsToPlotly,
  parseDisplaySpec,
  plotHeight,
  toPlotly,
  type DisplaySpec,
  type FigureSpec,
  type PanelsSpec,
} from '@tangent-lab/display/browser';
import { pageTheme, watchTheme } from './page-theme';
import { renderProgress, renderTable } from './html-views';

/** The part of plotly.js the renderer uses. */
interface PlotlyApi {
  react(element: HTMLElement, data: object[], layout: object, config: object): Promise<unknown>;
  purge(element: HTMLElement): void;
  Plots: { resize(element: HTMLElement): void };
}

let plotly: Promise<PlotlyApi> | undefined;

/** plotly.js, loaded on first use: a separate chunk, so JupyterLab starts without it. */
function loadPlotly(): Promise<PlotlyApi> {
  plotly ??= import(/* webpackChunkName: "plotly" */ 'plotly.js-dist-min').then((m) => ((m as { default?: PlotlyApi }).default ?? m) as PlotlyApi);
  return plotly;
}

/**
 * Draws one Tangent Lab output: plots and panel figures with plotly, in the
 * colours of the current JupyterLab theme, redrawn when the theme changes and
 * resized with their panel; tables (sortable by a click on a header) and
 * progress bars as plain DOM. Each output is checked by `parseDisplaySpec`
 * first, so a notebook edited by hand can only produce what our builders
 * could; nothing is evaluated and every string is set as text.
 */
export class PlotRenderer extends Widget implements IRenderMime.IRenderer {
  private spec: FigureSpec | PanelsSpec | undefined;
  private readonly plot = document.createElement('div');
  private stopWatchingTheme: (() => void) | undefined;
  private readonly resizeObserver = new ResizeObserver(() => this.resize());
  private resizeFrame = 0;

  constructor() {
    super();
    this.addClass('tangent-lab-renderer');
    this.plot.className = 'tangent-lab-plotly';
    this.plot.style.width = '100%';
    this.plot.style.height = '420px';
    this.node.appendChild(this.plot);
    this.resizeObserver.observe(this.node);
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    let spec: DisplaySpec;
    try {
      spec = parseDisplaySpec(model.data[MIME_TYPE]);
    } catch (error) {
      this.plot.textContent = `Cannot draw this Tangent Lab figure: ${(error as Error).message}`;
      return;
    }
    if (spec.kind === 'table' || spec.kind === 'progress') {
      // A live progress bar is re-rendered at each update: replace the view, no plotly.
      this.spec = undefined;
      this.plot.style.height = '';
      this.plot.replaceChildren(spec.kind === 'table' ? renderTable(spec) : renderProgress(spec));
      return;
    }
    this.spec = spec;
    this.plot.style.height = `${plotHeight(spec)}px`;
    this.stopWatchingTheme ??= watchTheme(() => void this.draw());
    await this.draw();
  }

  /** (Re)draws the figure in the page's current theme; plotly's `react` keeps the DOM and diffs. */
  private async draw(): Promise<void> {
    if (!this.spec || this.isDisposed) return;
    const Plotly = await loadPlotly();
    if (this.isDisposed) return;
    const theme = pageTheme();
    const { data, layout, config } = this.spec.kind === 'panels' ? panelsToPlotly(this.spec, theme) : toPlotly(this.spec, theme);
    await Plotly.react(this.plot, data, layout, { ...config, responsive: false });
  }

  private resize(): void {
    cancelAnimationFrame(this.resizeFrame);
    this.resizeFrame = requestAnimationFrame(() => {
      if (this.spec && !this.isDisposed && this.plot.offsetWidth > 0) {
        void loadPlotly().then((Plotly) => {
          if (!this.isDisposed) Plotly.Plots.resize(this.plot);
        });
      }
    });
  }

  override dispose(): void {
    if (this.isDisposed) return;
    cancelAnimationFrame(this.resizeFrame);
    this.resizeObserver.disconnect();
    this.stopWatchingTheme?.();
    if (plotly) void plotly.then((Plotly) => Plotly.purge(this.plot));
    super.dispose();
  }
}
