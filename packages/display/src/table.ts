import { InputError, ShapeError } from './errors';
import { Figure } from './figure';
import { checkOptions, describe, optionalString } from './input/options';
import { SPEC_VERSION, type TableSpec } from './spec';

/** Rows a table figure keeps (it is a picture, not a data store; `totalRows` says how many there were). */
export const TABLE_MAX_ROWS = 200;

/** A table cell: a number, text, a boolean, or empty. */
export type Cell = number | string | boolean | null | undefined;

/** Options of {@link table}. */
export interface TableOptions {
  title?: string;
  /** Which columns, in which order (default: all, in the order first seen). */
  columns?: readonly string[];
}

/**
 * A table of results — accuracies against training-set size, say — from rows
 * (`[{ n: 100, nngp: 0.81 }, …]`) or columns (`{ n: [100, 200], nngp: [0.81, 0.86] }`).
 * It needs no DataFrame library. In JupyterLab with the extension it is an
 * interactive table (click a header to sort); elsewhere an HTML table, an
 * SVG picture or plain text. Numbers show 4 significant digits; the figure
 * keeps them to 6.
 *
 * @example
 * ```ts
 * import { show, table } from '@tangent-lab/display';
 * show(table([{ n: 100, nngp: 0.812, ntk: 0.824 }, { n: 1000, nngp: 0.913, ntk: 0.921 }], { title: 'test accuracy' }));
 * show(table({ width: [64, 256, 1024], error: [0.21, 0.11, 0.052] }));
 * ```
 */
export function table(
  data: readonly Readonly<Record<string, Cell>>[] | Readonly<Record<string, readonly Cell[] | ArrayLike<number>>>,
  options: TableOptions = {},
): Figure<TableSpec> {
  const where = 'table';
  checkOptions(where, options, ['title', 'columns']);
  let records: Readonly<Record<string, Cell>>[];
  if (Array.isArray(data)) {
    records = data.map((row, i) => {
      if (row === null || typeof row !== 'object' || Array.isArray(row))
        throw new ShapeError(`${where}: row ${i} must be an object of column → value, got ${describe(row)}`);
      return row as Record<string, Cell>;
    });
  } else if (data !== null && typeof data === 'object') {
    const entries = Object.entries(data as Record<string, ArrayLike<Cell>>);
    entries.forEach(([name, values]) => {
      if (values === null || typeof values !== 'object' || typeof values.length !== 'number')
        throw new ShapeError(`${where}: column "${name}" must be an array, got ${describe(values)}`);
    });
    const length = entries[0]?.[1].length ?? 0;
    for (const [name, values] of entries) {
      if (values.length !== length)
        throw new ShapeError(`${where}: column "${name}" has ${values.length} values but "${entries[0][0]}" has ${length}; columns must have the same length`);
    }
    records = Array.from({ length }, (_, i) => Object.fromEntries(entries.map(([name, values]) => [name, values[i]])));
  } else {
    throw new ShapeError(`${where}: pass rows (an array of objects) or columns (an object of arrays), got ${describe(data)}`);
  }
  if (records.length === 0) throw new ShapeError(`${where}: the table is empty; pass at least one row`);
  const seen: string[] = [];
  for (const r of records) for (const k of Object.keys(r)) if (!seen.includes(k)) seen.push(k);
  const columns = options.columns === undefined ? seen : [...options.columns];
  for (const c of columns) {
    if (typeof c !== 'string') throw new InputError(`${where}: columns must be names (strings), got ${describe(c)}`);
    if (!seen.includes(c)) throw new InputError(`${where}: there is no column "${c}"; the columns are ${seen.map((s) => JSON.stringify(s)).join(', ')}`);
  }
  const rows = records.slice(0, TABLE_MAX_ROWS).map((r, i) => columns.map((c) => cellValue(r[c], `${where}: row ${i}, column "${c}"`)));
  const title = optionalString(where, 'title', options.title);
  return new Figure<TableSpec>({ version: SPEC_VERSION, kind: 'table', ...(title === undefined ? {} : { title }), columns, rows, totalRows: records.length });
}

function cellValue(v: Cell, where: string): number | string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return String(v);
  throw new InputError(`${where} must be a number, string, boolean or null, got ${describe(v)}`);
}
