import { interactiveHtml } from './html';
import { parseDisplaySpec } from './parse-spec';
import { displayHtml, displaySvg, isPlot } from './render-display';
import { MIME_TYPE } from './spec';

/** The parts of a Jupyter notebook (nbformat 4) that {@link interactiveNotebook} reads. */
export interface NotebookLike {
  cells: { cell_type: string; outputs?: { output_type: string; data?: Record<string, unknown> }[] }[];
  [key: string]: unknown;
}

/**
 * A copy of a saved notebook made for exporting to one HTML page
 * (`jupyter nbconvert --to html`): each Tangent Lab figure's `text/html`
 * becomes the interactive figure, drawn from the figure's own data, and the
 * first one carries plotly.js — once per page, however many figures follow.
 * The page then works offline. The notebook itself, which stores only the
 * static SVG, is not changed.
 *
 * Each figure is checked by `parseSpec` and its pictures are made again from
 * the checked data, so an edited notebook cannot smuggle markup into the page.
 *
 * @example
 * ```ts
 * const notebook = JSON.parse(readFileSync('out/tutorial/00-quickstart.ipynb', 'utf8'));
 * writeFileSync('page.ipynb', JSON.stringify(interactiveNotebook(notebook)));
 * // then: jupyter nbconvert --to html page.ipynb
 * ```
 */
export function interactiveNotebook<T extends NotebookLike>(notebook: T): T {
  const copy = JSON.parse(JSON.stringify(notebook)) as T;
  let plotlyPlaced = false;
  for (const cell of copy.cells) {
    for (const output of cell.outputs ?? []) {
      if (!output.data || !(MIME_TYPE in output.data)) continue;
      const spec = parseDisplaySpec(output.data[MIME_TYPE]);
      const svg = displaySvg(spec);
      output.data['image/svg+xml'] = svg;
      if (isPlot(spec)) {
        output.data['text/html'] = interactiveHtml(spec, svg, !plotlyPlaced);
        plotlyPlaced = true;
      } else {
        // Tables and progress bars are HTML already.
        output.data['text/html'] = displayHtml(spec, svg);
      }
    }
  }
  return copy;
}
