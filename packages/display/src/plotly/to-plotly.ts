import { VIRIDIS } from '../colormap';
import { axisRanges, yDown } from '../extent';
import { formatNumber } from '../format';
import { heatmapValues } from '../grid';
import type { AxisSpec, FigureSpec, TraceSpec } from '../spec';
import { seriesColor, withAlpha, type Theme } from '../theme';

/** A plotly figure: what `Plotly.newPlot(element, data, layout, config)` takes. */
export interface PlotlyFigure {
  data: object[];
  layout: Record<string, unknown>;
  config: Record<string, unknown>;
}

/**
 * The interactive picture of a figure in a theme. Plotly reads a small HTML
 * subset in every text (`<b>`, `<a href>`, `<br>`); user strings are passed as
 * entity-escaped text, so plotly shows them literally and never as markup.
 *
 * @example
 * ```ts
 * import { toPlotly, LIGHT } from '@tangent-lab/display/browser';
 * const { data, layout, config } = toPlotly(figure.spec, LIGHT);
 * Plotly.newPlot(element, data, layout, config);
 * ```
 */
export function toPlotly(spec: FigureSpec, theme: Theme): PlotlyFigure {
  const data: object[] = [];
  // Where each spec trace starts among plotly's traces (a heatmap with contours makes several).
  const first: number[] = [];
  for (const trace of spec.traces) {
    first.push(data.length);
    data.push(...plotlyTraces(trace, theme));
  }
  const ranges = axisRanges(spec);
  const upper = yDown(spec);
  const axis = ({ label, log, ticks, hidden }: AxisSpec, range: [number, number]) => ({
    ...(hidden ? { visible: false, showgrid: false, zeroline: false } : {}),
    ...(ticks ? { tickmode: 'array', tickvals: ticks.values, ticktext: ticks.labels.map(plotlyText) } : {}),
    title: { text: label === undefined ? '' : plotlyText(label) },
    type: log ? 'log' : 'linear',
    range,
    gridcolor: theme.grid,
    linecolor: theme.axis,
    zerolinecolor: theme.grid,
    tickcolor: theme.axis,
    showline: true,
    mirror: true,
    ticks: 'outside',
    exponentformat: 'power',
  });
  const layout: Record<string, unknown> = {
    title: { text: spec.title === undefined ? '' : plotlyText(spec.title) },
    paper_bgcolor: theme.background,
    plot_bgcolor: theme.background,
    font: { color: theme.foreground, family: "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif", size: 12 },
    xaxis: axis(spec.xAxis, ranges.x),
    // A heatmap with origin 'upper' has row 0 at the top, and images too: the y axis runs downwards.
    yaxis: { ...axis(spec.yAxis, upper ? [ranges.y[1], ranges.y[0]] : ranges.y), ...(spec.traces.some((t) => t.type === 'image') ? { scaleanchor: 'x' } : {}) },
    legend: { bgcolor: 'rgba(0,0,0,0)' },
    margin: { l: 64, r: 24, t: spec.title ? 48 : 24, b: spec.slider ? 24 : 48 },
    hovermode: 'closest',
    annotations: spec.annotations.map((a) => ({
      x: spec.xAxis.log ? Math.log10(a.x) : a.x,
      y: spec.yAxis.log ? Math.log10(a.y) : a.y,
      text: plotlyText(a.text),
      showarrow: false,
      // On hidden axes (an image grid) a note is a caption centred on its point.
      xanchor: spec.xAxis.hidden ? 'center' : 'left',
      yanchor: spec.xAxis.hidden ? 'middle' : 'bottom',
      font: { color: seriesColor(theme, a.color) },
    })),
  };
  if (spec.slider) {
    const { name, values, active, steps } = spec.slider;
    layout.sliders = [
      {
        active,
        currentvalue: { prefix: `${plotlyText(name)} = `, font: { color: theme.foreground } },
        pad: { t: 48 },
        bgcolor: theme.grid,
        activebgcolor: theme.axis,
        bordercolor: theme.axis,
        font: { color: theme.foreground },
        steps: steps.map((updates, k) => ({
          label: formatNumber(values[k]),
          method: 'restyle',
          args: [
            {
              y: updates.map((u) => {
                const trace = spec.traces[u.trace];
                return trace.type === 'band' ? bandY(u.lower ?? trace.lower, u.upper ?? trace.upper) : u.y;
              }),
            },
            updates.map((u) => first[u.trace]),
          ],
        })),
      },
    ];
  }
  return { data, layout, config: { displaylogo: false, responsive: true } };
}

function plotlyTraces(trace: TraceSpec, theme: Theme): object[] {
  switch (trace.type) {
    case 'band': {
      const color = seriesColor(theme, trace.color);
      return [
        {
          type: 'scatter',
          mode: 'lines',
          name: plotlyText(trace.name),
          x: [...trace.x, ...[...trace.x].reverse()],
          y: bandY(trace.lower, trace.upper),
          fill: 'toself',
          fillcolor: withAlpha(color, theme.bandOpacity),
          line: { width: 0, color },
          hoverinfo: 'skip',
          legendgroup: `series-${trace.color}`,
        },
      ];
    }
    case 'line': {
      const color = seriesColor(theme, trace.color);
      const line = {
        solid: { color, width: 2.5 },
        dash: { color, width: 1.5, dash: 'dash' },
        thin: { color, width: 1 },
      }[trace.style];
      return [
        {
          type: 'scatter',
          mode: 'lines',
          name: plotlyText(trace.name),
          x: trace.x,
          y: trace.y,
          line,
          opacity: trace.style === 'thin' ? 0.6 : 1,
          showlegend: trace.legend,
          legendgroup: `series-${trace.color}`,
        },
      ];
    }
    case 'points':
      return [
        {
          type: 'scatter',
          mode: 'markers',
          name: plotlyText(trace.name),
          x: trace.x,
          y: trace.y,
          marker: { color: seriesColor(theme, trace.color), size: 8, line: { color: theme.background, width: 1 } },
        },
      ];
    case 'heatmap': {
      const z = heatmapValues(trace);
      // Hover shows the true value, or for a large matrix the mean of the block under the pointer.
      const hovertemplate = trace.grid
        ? `x ≈ %{x}<br>y ≈ %{y}<br>z = %{z:.5g}<br>(mean of a ${trace.grid.blockRows}×${trace.grid.blockCols} block of entries)<extra></extra>`
        : 'x = %{x}<br>y = %{y}<br>z = %{z}<extra></extra>';
      const text = trace.text ? { text: trace.text.map((row) => row.map(plotlyText)), texttemplate: '%{text}', textfont: { size: 12 } } : {};
      return [
        { type: 'heatmap', x: trace.x, y: trace.y, z, colorscale: VIRIDIS, colorbar: { outlinewidth: 0 }, hovertemplate, ...text },
        // Plotly spaces contour levels evenly; one trace per level draws any list of levels.
        ...trace.contours.map((level) => ({
          type: 'contour',
          x: trace.x,
          y: trace.y,
          z,
          autocontour: false,
          contours: { start: level, end: level, size: 1, coloring: 'none', showlabels: true, labelfont: { color: theme.background } },
          line: { color: theme.background, width: 1.2 },
          showscale: false,
          showlegend: false,
          hoverinfo: 'skip',
        })),
      ];
    }
    case 'image':
      return [{ type: 'image', source: `data:image/png;base64,${trace.png}`, x0: trace.x0, y0: trace.y0, dx: 1, dy: 1, hoverinfo: 'skip' }];
  }
}

/**
 * Text for plotly: `&`, `<` and `>` as the entities plotly decodes, so no tag
 * of its HTML subset can form; quotes need nothing, as they only matter inside a tag.
 */
export function plotlyText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A band as one closed outline: along the upper edge, back along the lower. */
function bandY(lower: number[], upper: number[]): number[] {
  return [...upper, ...[...lower].reverse()];
}
