import { randomBytes } from 'node:crypto';
import { dataFrameBundle, isDataFrameLike, type DataFrameLike } from './dataframe';
import { InputError } from './errors';
import { Figure } from './figure';
import type { DisplaySpec } from './spec';
import { checkOptions, describe, optionalBoolean } from './input/options';
import { kernelWriter } from './tslab-kernel';

/** What {@link show} and {@link LiveDisplay.update} draw. */
export type Showable = Figure<DisplaySpec> | DataFrameLike;

/** Options of {@link show}. */
export interface ShowOptions {
  /**
   * Store the interactive figure with plotly.js (≈4.8 MB) in this output's
   * `text/html`, for front ends without the Tangent Lab extension. Default
   * false: the notebook stays light, the extension draws the figure
   * interactively, and other front ends show the static SVG.
   */
  includePlotly?: boolean;
}

/**
 * Shows a figure or a danfojs DataFrame in the notebook: the whole MIME
 * bundle in one `display_data` message, so each front end picks what it
 * renders best (our JupyterLab extension, HTML, SVG, text).
 *
 * @example
 * ```ts
 * import { gpBands, show } from '@tangent-lab/display';
 * show(gpBands({ x: [0, 1, 2], mean: [0, 1, 0], std: [0.2, 0, 0.2] }));
 * ```
 */
export function show(value: Showable, options: ShowOptions = {}): void {
  checkOptions('show', options, ['includePlotly']);
  const includePlotly = optionalBoolean('show', 'includePlotly', options.includePlotly) ?? false;
  const write = kernelWriter();
  write({ data: bundleOf(value, 'show', includePlotly), metadata: {}, transient: {} }, false);
}

/** A display that each {@link LiveDisplay.update} redraws in place. */
export interface LiveDisplay {
  /** The Jupyter display id that ties the updates to one output. */
  readonly id: string;
  /** Draws `value`: the first call adds the output, later calls replace it. */
  update(value: Showable): void;
}

/**
 * A display updated in place — a loss curve growing while a net trains —
 * instead of one new output per step. Only its last state is saved.
 *
 * @example
 * ```ts
 * import { lineChart, liveDisplay } from '@tangent-lab/display';
 * const live = liveDisplay();
 * const steps: number[] = [], loss: number[] = [];
 * for (let step = 1; step <= 100; step++) {
 *   steps.push(step); loss.push(1 / step);
 *   if (step % 10 === 0) live.update(lineChart({ x: steps, series: [{ name: 'loss', y: loss }], logY: true }));
 * }
 * ```
 */
export function liveDisplay(): LiveDisplay {
  const id = randomBytes(8).toString('hex');
  let shown = false;
  return {
    id,
    update(value: Showable): void {
      const write = kernelWriter();
      write({ data: bundleOf(value, 'liveDisplay.update', false), metadata: {}, transient: { display_id: id } }, shown);
      shown = true;
    },
  };
}

function bundleOf(value: Showable, where: string, includePlotly: boolean): Record<string, unknown> {
  if (value instanceof Figure) return value.toBundle({ includePlotly });
  if (isDataFrameLike(value)) return dataFrameBundle(value);
  throw new InputError(`${where}: expected a Figure (from gpBands, lineChart or heatmap) or a danfojs DataFrame or Series, got ${describe(value)}`);
}
