import { escapeXml } from './escape';

/**
 * A danfojs DataFrame or Series, seen structurally (danfojs stays an
 * optional dependency that this package never loads).
 */
export interface DataFrameLike {
  readonly shape: readonly number[];
  readonly index: readonly unknown[];
  readonly values: readonly unknown[];
  readonly columns?: readonly unknown[];
  readonly $isSeries?: boolean;
}

/** True for a danfojs DataFrame or Series. */
export function isDataFrameLike(value: unknown): value is DataFrameLike {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Partial<DataFrameLike>;
  const name = (value as object).constructor?.name;
  return (name === 'DataFrame' || name === 'Series') && Array.isArray(v.shape) && Array.isArray(v.index) && Array.isArray(v.values);
}

/** Rows shown before the table is cut (the first and last halves). */
const MAX_ROWS = 60;

/**
 * A DataFrame's MIME bundle: an HTML table with every cell, header and index
 * label escaped, and a plain-text table. Long frames show their first and
 * last rows with a note of how many were left out.
 *
 * @example
 * ```ts
 * import { DataFrame } from 'danfojs-node';
 * show(new DataFrame({ width: [64, 128], error: [0.21, 0.15] }));
 * ```
 */
export function dataFrameBundle(frame: DataFrameLike): { 'text/html': string; 'text/plain': string } {
  const series = frame.$isSeries === true;
  const columns = (series ? (frame.columns ?? ['values']) : (frame.columns ?? [])).map(String);
  const rows = (frame.values as unknown[]).map((row) => (series ? [row] : (row as unknown[])));
  const index = frame.index.map(String);
  const shown = rows.length > MAX_ROWS ? [...range(0, MAX_ROWS / 2), -1, ...range(rows.length - MAX_ROWS / 2, rows.length)] : range(0, rows.length);
  const cell = (v: unknown) => (v === null || v === undefined ? 'NaN' : String(v));
  const numeric = columns.map((_, j) => rows.every((r) => typeof r[j] === 'number'));
  const th = columns.map((c) => `<th>${escapeXml(c)}</th>`).join('');
  const body = shown.map((i) =>
    i < 0
      ? `<tr><th>…</th><td colspan="${columns.length}">… ${rows.length - MAX_ROWS} more rows …</td></tr>`
      : `<tr><th>${escapeXml(index[i])}</th>${rows[i].map((v, j) => `<td${numeric[j] ? ' style="text-align:right"' : ''}>${escapeXml(cell(v))}</td>`).join('')}</tr>`,
  );
  const html =
    `<table class="tangent-lab-table dataframe"><thead><tr><th></th>${th}</tr></thead><tbody>${body.join('')}</tbody></table>` +
    `<p style="font-size:smaller">${frame.shape.join(' × ')} ${series ? 'Series' : 'DataFrame'}</p>`;
  const textRows = [['', ...columns], ...shown.map((i) => (i < 0 ? ['…'] : [index[i], ...rows[i].map(cell)]))];
  const widths = textRows[0].map((_, j) => Math.max(...textRows.map((r) => (r[j] ?? '').length)));
  const text = textRows
    .map((r) =>
      r
        .map((c, j) => (c ?? '').padStart(widths[j]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
  return { 'text/html': html, 'text/plain': text };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, k) => from + k);
}
