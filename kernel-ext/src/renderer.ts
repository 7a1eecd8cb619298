import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import { MIME_TYPE, parseSpec, toPlotly, type FigureSpec } from '@tangent-lab/display/browser';
import { pageTheme, watchTheme } from './page-theme';

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
 * Draws one Tangent Lab figure with plotly, in the colours of the current
 * JupyterLab theme, redrawn when the theme changes and resized with its panel.
 * The figure is checked by `parseSpec` first, so a notebook edited by hand can
 * only produce figures our builders could; nothing is evaluated.
 */
export class PlotRenderer extends Widget implements IRenderMime.IRenderer {
  private spec: FigureSpec | undefined;
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
    try {
      this.spec = parseSpec(model.data[MIME_TYPE]);
    } catch (error) {
      this.plot.textContent = `Cannot draw this Tangent Lab figure: ${(error as Error).message}`;
      return;
    }
    this.stopWatchingTheme ??= watchTheme(() => void this.draw());
    await this.draw();
  }

  /** (Re)draws the figure in the page's current theme; plotly's `react` keeps the DOM and diffs. */
  private async draw(): Promise<void> {
    if (!this.spec || this.isDisposed) return;
    const Plotly = await loadPlotly();
    if (this.isDisposed) return;
    const { data, layout, config } = toPlotly(this.spec, pageTheme());
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
