import { panelsToPlotly } from './plotly/panels';
import { toPlotly, type PlotlyFigure } from './plotly/to-plotly';
import { progressBundle, progressText } from './progress-render';
import type { DisplaySpec, FigureSpec, PanelsSpec } from './spec';
import { summarize } from './summary';
import { renderPanelsSvg } from './svg/render-panels';
import { renderSvg } from './svg/render-svg';
import { tableHtml, tableSvg, tableText } from './table-render';
import { LIGHT, type Theme } from './theme';

/**
 * Every representation of anything our MIME type carries, by its kind: plots
 * and panels are pictures (SVG, plotly), tables are tables, progress bars are bars.
 */

/**
 * The `text/html` a notebook stores: the static SVG and nothing else, so it
 * is light, needs no script and no network, and static viewers (nbviewer,
 * GitHub) show it as it is.
 */
export function staticHtml(svg: string): string {
  return `<div class="tangent-lab-plot" style="max-width:100%;overflow-x:auto"><div class="tangent-lab-static">${svg}</div></div>`;
}

/** The static picture. */
export function displaySvg(spec: DisplaySpec, theme: Theme = LIGHT): string {
  switch (spec.kind) {
    case 'panels':
      return renderPanelsSvg(spec, theme);
    case 'table':
      return tableSvg(spec);
    case 'progress':
      return progressBundle(spec)['image/svg+xml'] as string;
    default:
      return renderSvg(spec, theme);
  }
}

/** The `text/html` a notebook stores: light, no script. */
export function displayHtml(spec: DisplaySpec, svg: string): string {
  switch (spec.kind) {
    case 'table':
      return tableHtml(spec);
    case 'progress':
      return progressBundle(spec)['text/html'] as string;
    default:
      return staticHtml(svg);
  }
}

/** One line (or, for a table, the table) as text. */
export function displayText(spec: DisplaySpec): string {
  switch (spec.kind) {
    case 'table':
      return tableText(spec);
    case 'progress':
      return progressText(spec);
    case 'panels':
      return `panels${spec.title ? ` "${spec.title}"` : ''}: ${spec.rows}×${spec.cols}; ${spec.panels
        .filter(Boolean)
        .map((p) => summarize(p!))
        .join('; ')}`.replace(/[\r\n]+/g, ' ');
    default:
      return summarize(spec);
  }
}

/** Whether the kind is drawn by plotly (plots and panels) rather than as HTML. */
export function isPlot(spec: DisplaySpec): spec is FigureSpec | PanelsSpec {
  return spec.kind !== 'table' && spec.kind !== 'progress';
}

/** The interactive picture of a plot or a panel figure. */
export function displayPlotly(spec: FigureSpec | PanelsSpec, theme: Theme): PlotlyFigure {
  return spec.kind === 'panels' ? panelsToPlotly(spec, theme) : toPlotly(spec, theme);
}
