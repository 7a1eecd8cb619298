import type { PanelsSpec } from '../spec';
import type { Theme } from '../theme';
import { plotlyText, toPlotly, type PlotlyFigure } from './to-plotly';

type Obj = Record<string, unknown>;

/**
 * A panel figure as one plotly figure: each panel's traces on their own pair
 * of axes (x2/y2, …) placed in the grid, with the panel's title, legend,
 * colour bar and slider moved into its cell.
 */
export function panelsToPlotly(spec: PanelsSpec, theme: Theme): PlotlyFigure {
  const data: Obj[] = [];
  const annotations: Obj[] = [];
  const sliders: Obj[] = [];
  const layout: Obj = {};
  const top = spec.title ? 0.93 : 1;
  const cellW = 1 / spec.cols;
  const cellH = top / spec.rows;
  let base: PlotlyFigure['layout'] | undefined;
  spec.panels.forEach((panel, k) => {
    if (!panel) return;
    const [r, c] = [Math.floor(k / spec.cols), k % spec.cols];
    const sub = toPlotly(panel, theme);
    base ??= sub.layout;
    const n = k + 1;
    const [xName, yName] = n === 1 ? ['x', 'y'] : [`x${n}`, `y${n}`];
    const x: [number, number] = [c * cellW + 0.06 * cellW, (c + 1) * cellW - 0.16 * cellW];
    const y: [number, number] = [top - (r + 1) * cellH + 0.16 * cellH, top - r * cellH - 0.14 * cellH];
    const legend = n === 1 ? 'legend' : `legend${n}`;
    const first = data.length;
    for (const t of sub.data as Obj[]) {
      const trace: Obj = { ...t, xaxis: xName, yaxis: yName, legend };
      if (trace.colorbar) trace.colorbar = { ...(trace.colorbar as Obj), x: x[1] + 0.01, y: (y[0] + y[1]) / 2, len: y[1] - y[0], thickness: 10 };
      data.push(trace);
    }
    layout[n === 1 ? 'xaxis' : `xaxis${n}`] = { ...(sub.layout.xaxis as Obj), domain: x, anchor: yName };
    layout[n === 1 ? 'yaxis' : `yaxis${n}`] = {
      ...(sub.layout.yaxis as Obj),
      domain: y,
      anchor: xName,
      ...((sub.layout.yaxis as Obj).scaleanchor ? { scaleanchor: xName } : {}),
    };
    layout[legend] = { bgcolor: 'rgba(0,0,0,0)', x: x[1], y: y[1], xanchor: 'right', yanchor: 'top', font: { size: 10 } };
    const title = (sub.layout.title as { text: string }).text;
    if (title)
      annotations.push({
        text: title,
        x: (x[0] + x[1]) / 2,
        y: y[1] + 0.02,
        xref: 'paper',
        yref: 'paper',
        xanchor: 'center',
        yanchor: 'bottom',
        showarrow: false,
        font: { size: 13, color: theme.foreground },
      });
    for (const a of (sub.layout.annotations as Obj[]) ?? []) annotations.push({ ...a, xref: xName, yref: yName });
    for (const s of (sub.layout.sliders as Obj[]) ?? []) {
      const steps = (s.steps as { args: [Obj, number[]] }[]).map((step) => ({ ...step, args: [step.args[0], step.args[1].map((i) => i + first)] }));
      sliders.push({ ...s, steps, x: x[0], len: x[1] - x[0], y: y[0] - 0.04, yanchor: 'top', pad: { t: 24 } });
    }
  });
  return {
    data,
    layout: {
      ...layout,
      title: { text: spec.title === undefined ? '' : plotlyText(spec.title) },
      paper_bgcolor: theme.background,
      plot_bgcolor: theme.background,
      font: (base?.font as Obj) ?? { color: theme.foreground },
      margin: { l: 48, r: 24, t: spec.title ? 56 : 24, b: 32 },
      hovermode: 'closest',
      annotations,
      ...(sliders.length ? { sliders } : {}),
    },
    config: { displaylogo: false, responsive: true },
  };
}

/** How tall to draw a figure in a page: panels by their rows. */
export function plotHeight(spec: { kind: string; rows?: number }): number {
  return spec.kind === 'panels' ? 40 + 330 * (spec.rows ?? 1) : 420;
}
