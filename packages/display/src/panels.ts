import { InputError, ShapeError } from './errors';
import { Figure } from './figure';
import { checkOptions, describe, optionalString } from './input/options';
import { SPEC_VERSION, type FigureSpec, type PanelsSpec } from './spec';

/** The most panels one figure holds. */
export const MAX_PANELS = 12;

/**
 * Several plots in one figure, in a grid of rows — the paper's figures are
 * 2×3 panes — each with its own axes, legend and slider. `null` leaves a
 * panel empty; rows may be shorter than the longest one.
 *
 * @example
 * ```ts
 * import { lineChart, panels, show } from '@tangent-lab/display';
 * show(panels([[lossPlot, accuracyPlot, rmsePlot], [outputsPlot, weightsPlot, null]], { title: 'Figure 4 at CI scale' }));
 * ```
 */
export function panels(grid: readonly (readonly (Figure | null | undefined)[])[], options: { title?: string } = {}): Figure<PanelsSpec> {
  const where = 'panels';
  checkOptions(where, options, ['title']);
  if (!Array.isArray(grid) || grid.length === 0 || !grid.every((row) => Array.isArray(row))) {
    throw new ShapeError(`${where}: pass rows of figures, e.g. panels([[a, b], [c, d]]), got ${describe(grid)}`);
  }
  const rows = grid.length;
  const cols = Math.max(...grid.map((row) => row.length));
  if (cols === 0) throw new ShapeError(`${where}: every row is empty`);
  if (rows * cols > MAX_PANELS)
    throw new ShapeError(`${where}: ${rows}×${cols} panels are more than one figure holds (${MAX_PANELS}); split them into several figures`);
  const specs: (FigureSpec | null)[] = [];
  grid.forEach((row, r) => {
    for (let c = 0; c < cols; c++) {
      const f = row[c];
      if (f === null || f === undefined) {
        specs.push(null);
        continue;
      }
      if (!(f instanceof Figure))
        throw new InputError(`${where}: panel (${r}, ${c}) must be a Figure (gpBands, lineChart, heatmap, imageGrid, …), got ${describe(f)}`);
      const kind = (f.spec as { kind: string }).kind;
      if (kind === 'panels' || kind === 'table' || kind === 'progress')
        throw new InputError(`${where}: panel (${r}, ${c}) is a ${kind}; a panel holds one plot`);
      specs.push(f.spec as FigureSpec);
    }
  });
  if (specs.every((s) => s === null)) throw new ShapeError(`${where}: every panel is empty`);
  const title = optionalString(where, 'title', options.title);
  return new Figure<PanelsSpec>({ version: SPEC_VERSION, kind: 'panels', ...(title === undefined ? {} : { title }), rows, cols, panels: specs });
}
