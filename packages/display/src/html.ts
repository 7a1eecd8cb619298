import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { jsonForScript, scriptBody } from './escape';
import { plotHeight } from './plotly/panels';
import { displayPlotly } from './render-display';
import type { FigureSpec, PanelsSpec } from './spec';
import { LIGHT } from './theme';

/** Fired on `window` once an inlined plotly.js has run, for figures placed before it. */
const PLOTLY_READY = 'tangent-lab:plotly-ready';

let plotlySource: string | undefined;

/** plotly.js (dist-min) as the body of an inline `<script>`, read once per process. */
function plotlyScript(): string {
  plotlySource ??= scriptBody(readFileSync(require.resolve('plotly.js-dist-min'), 'utf8'));
  return plotlySource;
}

/**
 * The interactive HTML of a figure, for pages (a notebook exported to HTML,
 * `figure.save('x.html')`): the static SVG at once, so it is a correct picture
 * where scripts do not run; where they do, a fixed loader replaces it by the
 * interactive plotly figure. The figure travels as JSON in a
 * `<script type="application/json">` element, never inside executable code.
 *
 * With `includePlotly`, plotly.js itself is inlined (≈4.8 MB), once per page;
 * without it, the figure uses the plotly an earlier part of the same page
 * loaded (even one further down), and keeps the static picture if there is none.
 */
export function interactiveHtml(spec: FigureSpec | PanelsSpec, svg: string, includePlotly: boolean): string {
  const id = `tangent-lab-${randomBytes(8).toString('hex')}`;
  const parts = [
    `<div class="tangent-lab-plot" id="${id}" data-height="${plotHeight(spec)}" style="max-width:100%;overflow-x:auto">`,
    `<div class="tangent-lab-static">${svg}</div>`,
    `<script type="application/json" class="tangent-lab-figure">${jsonForScript(displayPlotly(spec, LIGHT))}</script>`,
    '</div>',
  ];
  if (includePlotly) {
    parts.push(`<script>${plotlyScript()}\n;window.dispatchEvent(new Event(${JSON.stringify(PLOTLY_READY)}));</script>`);
  }
  parts.push(`<script>${scriptBody(loader(id))}</script>`);
  return parts.join('\n');
}

/** The loader: the same code for every figure but for its element id, which we generate. */
function loader(id: string): string {
  return `(function () {
  var root = document.getElementById(${JSON.stringify(id)});
  if (!root) return;
  function draw() {
    var Plotly = window.Plotly;
    if (!Plotly || root.getAttribute("data-drawn")) return !!Plotly;
    root.setAttribute("data-drawn", "true");
    var figure = JSON.parse(root.querySelector("script.tangent-lab-figure").textContent);
    var target = document.createElement("div");
    target.className = "tangent-lab-interactive";
    target.style.width = "100%";
    target.style.minWidth = "480px";
    target.style.height = (Number(root.getAttribute("data-height")) || 420) + "px";
    root.appendChild(target);
    Plotly.newPlot(target, figure.data, figure.layout, figure.config).then(function () {
      root.querySelector(".tangent-lab-static").style.display = "none";
    });
    return true;
  }
  if (!draw()) window.addEventListener(${JSON.stringify(PLOTLY_READY)}, draw);
})();`;
}
