import { readFileSync } from 'node:fs';
import { InputError, ShapeError } from '../errors';
import { checkOptions } from '../options';
import { Table, type Cell } from './table';

/** Options of {@link readCsv}. */
export interface ReadCsvOptions {
  /**
   * Whether the first line names the columns. Default `'auto'`: it does when
   * one of its cells is not a number (pass `false` for a file whose first
   * row is data with text in it).
   */
  header?: boolean | 'auto';
  /** The field separator. Default `','` (use `'\t'` for TSV, `';'` for many European exports). */
  delimiter?: string;
  /** Lines starting with this character are skipped (e.g. `'#'`). Default: none. */
  comment?: string;
}

// csv-parse publishes its CommonJS types only through package.json "exports",
// which this package's TypeScript settings (moduleResolution "node") do not
// read; the one call used is typed here.
type CsvParse = (input: string, options: Record<string, unknown>) => string[][];
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse } = require('csv-parse/sync') as { parse: CsvParse };

/**
 * Reads a CSV (or TSV) file into a {@link Table}. Parsing — quotes, escaped
 * quotes, newlines inside quotes, a byte-order mark — is done by the
 * maintained npm package `csv-parse`; cells that read as finite numbers
 * become numbers. Rows of different lengths are an error naming the line.
 *
 * @example
 * ```ts
 * const table = io.readCsv('iris.csv');
 * const x = table.toMatrix(['sepal_length', 'sepal_width']);
 * const species = table.values('species');
 * ```
 */
export function readCsv(path: string, options: ReadCsvOptions = {}): Table {
  const where = 'io.readCsv';
  checkOptions(where, options, ['header', 'delimiter', 'comment']);
  const { header = 'auto', delimiter = ',', comment } = options;
  if (header !== true && header !== false && header !== 'auto')
    throw new InputError(`${where}: header must be true, false or 'auto', got ${JSON.stringify(header)}`);
  if (typeof delimiter !== 'string' || delimiter.length === 0)
    throw new InputError(`${where}: delimiter must be a non-empty string, got ${JSON.stringify(delimiter)}`);
  if (comment !== undefined && (typeof comment !== 'string' || comment.length !== 1))
    throw new InputError(`${where}: comment must be one character, got ${JSON.stringify(comment)}`);
  if (typeof path !== 'string') throw new InputError(`${where}: path must be a file name (string), got ${typeof path}`);
  const text = readFileSync(path, 'utf8');
  let records: string[][];
  try {
    records = parse(text, { delimiter, bom: true, skip_empty_lines: true, trim: true, comment: comment ?? null });
  } catch (e) {
    throw new ShapeError(`${where}: cannot parse ${path}: ${(e as Error).message}`);
  }
  if (records.length === 0) throw new ShapeError(`${where}: ${path} has no rows`);
  const hasHeader = header === 'auto' ? records[0].some((c) => toCell(c) === c) : header;
  const columns = hasHeader ? records[0] : records[0].map((_, j) => String(j));
  if (hasHeader) {
    const seen = new Map<string, number>();
    columns.forEach((c, j) => {
      if (seen.has(c)) throw new ShapeError(`${where}: ${path} names column ${JSON.stringify(c)} twice (columns ${seen.get(c)} and ${j}); rename one`);
      seen.set(c, j);
    });
  }
  const rows = (hasHeader ? records.slice(1) : records).map((r) => r.map(toCell));
  return new Table(columns, rows);
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A number when the text is a decimal number (not hex, not "Infinity"), else the text itself. */
function toCell(text: string): Cell {
  if (!DECIMAL.test(text)) return text;
  const v = Number(text);
  return Number.isFinite(v) ? v : text;
}
