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
  /**
   * The plotly work on this output, one call after another: a redraw for a
   * new theme and a resize for a new layout come together when the theme
   * changes, and plotly, given one while the other still runs on the same
   * element, removes nodes the other has already replaced (an uncaught
   * "removeChild" error in the page, seen once in the JupyterLab test).
   */
  private plotlyWork: Promise<void> = Promise.resolve();

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

  /** Runs `work` after the plotly work already asked for on this output (see `plotlyWork`); its result, or its error, is the caller's. */
  private serially(work: () => Promise<void>): Promise<void> {
    const run = this.plotlyWork.then(work);
    this.plotlyWork = run.catch(() => undefined);
    return run;
  }

  /** (Re)draws the figure in the page's current theme; plotly's `react` keeps the DOM and diffs. */
  private draw(): Promise<void> {
    return this.serially(async () => {
      if (!this.spec || this.isDisposed) return;
      const Plotly = await loadPlotly();
      if (this.isDisposed) return;
      const theme = pageTheme();
      const { data, layout, config } = this.spec.kind === 'panels' ? panelsToPlotly(this.spec, theme) : toPlotly(this.spec, theme);
      await Plotly.react(this.plot, data, layout, { ...config, responsive: false });
    });
  }

  private resize(): void {
    cancelAnimationFrame(this.resizeFrame);
    this.resizeFrame = requestAnimationFrame(() => {
      void this.serially(async () => {
        if (!this.spec || this.isDisposed || this.plot.offsetWidth === 0) return;
        const Plotly = await loadPlotly();
        if (!this.isDisposed) Plotly.Plots.resize(this.plot);
      });
    });
  }

  override dispose(): void {
    if (this.isDisposed) return;
    cancelAnimationFrame(this.resizeFrame);
    this.resizeObserver.disconnect();
    this.stopWatchingTheme?.();
    const loaded = plotly;
    if (loaded) void this.plotlyWork.then(() => loaded).then((Plotly) => Plotly.purge(this.plot));
    super.dispose();
  }
}
