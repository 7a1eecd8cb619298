import { currentPrintOptions } from './options';
import { formatArray, shapeLabel, shownIndices } from './layout';
import { numberFormatter } from './numbers';

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const CELL = 'style="text-align:right;padding:1px 6px;font-family:monospace"';
const HEAD = 'style="text-align:right;padding:1px 6px;color:#888;font-weight:normal;font-family:monospace"';

/**
 * A compact HTML table of a vector or matrix — row and column numbers in
 * grey, entries right-aligned, long axes summarised with `…` as in
 * {@link formatArray} — and a `<pre>` of the text picture for rank 0 or ≥ 3.
 */
export function formatHtml(kind: string, shape: readonly number[], data: ArrayLike<number>): string {
  if (shape.length === 0 || shape.length > 2 || data.length === 0) {
    return `<pre class="tangent-lab-array">${escapeHtml(formatArray(kind, shape, data))}</pre>`;
  }
  const { precision, threshold, edgeItems } = currentPrintOptions();
  const [rows, cols] = shape.length === 2 ? shape : [1, shape[0]];
  const summarise = data.length > threshold;
  const shownRows = shownIndices(rows, summarise, edgeItems);
  const shownCols = shownIndices(cols, summarise, edgeItems);
  const values: number[] = [];
  for (const i of shownRows) for (const j of shownCols) if (i >= 0 && j >= 0) values.push(data[i * cols + j]);
  const format = numberFormatter(values, precision);
  const head = shownCols.map((j) => `<th ${HEAD}>${j < 0 ? '…' : j}</th>`).join('');
  const body = shownRows.map((i) => {
    const label = shape.length === 2 ? `<th ${HEAD}>${i < 0 ? '⋮' : i}</th>` : '';
    const cells = shownCols.map((j) => `<td ${CELL}>${i < 0 ? (j < 0 ? '⋱' : '⋮') : j < 0 ? '…' : escapeHtml(format(data[i * cols + j]))}</td>`);
    return `<tr>${label}${cells.join('')}</tr>`;
  });
  const corner = shape.length === 2 ? `<th ${HEAD}></th>` : '';
  return (
    `<table class="tangent-lab-array" style="border-collapse:collapse">` +
    `<caption style="caption-side:top;text-align:left;font-family:monospace">${escapeHtml(`${kind} ${shapeLabel(shape)}`)}</caption>` +
    `<thead><tr>${corner}${head}</tr></thead><tbody>${body.join('')}</tbody></table>`
  );
}

/** The MIME bundle of an array, for notebook front ends. */
export interface ArrayBundle {
  'text/plain': string;
  'text/html': string;
}

/** Both pictures of an array. */
export function arrayBundle(kind: string, shape: readonly number[], data: ArrayLike<number>): ArrayBundle {
  return { 'text/plain': formatArray(kind, shape, data), 'text/html': formatHtml(kind, shape, data) };
}
