/**
 * @tangent-lab/jupyterlab — a JupyterLab 4 MIME renderer for Tangent Lab
 * figures (`application/vnd.tangent-lab.plot+json`), drawn with plotly.js in
 * the colours of the JupyterLab theme.
 *
 * @example
 * ```ts
 * // In a tslab notebook, with this extension installed:
 * import { gpBands, show } from '@tangent-lab/display';
 * show(gpBands({ x: [0, 1, 2], mean: [0, 1, 0], std: [0.2, 0, 0.2] })); // drawn by PlotRenderer
 * ```
 * @packageDocumentation
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { MIME_TYPE } from '@tangent-lab/display/browser';
import { PlotRenderer } from './renderer';

export { PlotRenderer } from './renderer';

/**
 * Makes a {@link PlotRenderer} per output. `safe`: it renders untrusted
 * outputs too, since it draws only figures that pass `parseSpec` and runs no
 * code from the output.
 */
export const rendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [MIME_TYPE],
  defaultRank: 0,
  createRenderer: () => new PlotRenderer(),
};

/** The MIME extension JupyterLab loads; rank 0 puts our figure ahead of its text/html and SVG. */
const extension: IRenderMime.IExtension = {
  id: '@tangent-lab/jupyterlab:plot',
  description: 'Renders Tangent Lab figures (GP bands, training curves, heatmaps) with plotly.js.',
  rendererFactory,
  rank: 0,
  dataType: 'json',
};

export default extension;
