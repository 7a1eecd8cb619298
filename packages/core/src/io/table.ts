import { inspect } from 'node:util';
import { InputError, ShapeError } from '../errors';
import { Matrix } from '../matrix';

/** One cell: a number where the text is one, else the text. */
export type Cell = number | string;

/**
 * A table read from a file: named columns, one array of cells per row
 * (numbers where the text is a finite number, strings elsewhere), and the
 * conversions a notebook needs — a numeric column, a {@link Matrix} of some
 * columns.
 */
export class Table {
  /** Column names: the header, or `"0"`, `"1"`, … without one. */
  readonly columns: string[];
  /** The cells, row by row. */
  readonly rows: Cell[][];

  constructor(columns: string[], rows: Cell[][]) {
    this.columns = columns;
    this.rows = rows;
  }

  /** Number of rows (not counting the header). */
  get length(): number {
    return this.rows.length;
  }

  /** The cells of one column, by name or position. */
  values(column: string | number): Cell[] {
    const j = this.index(column);
    return this.rows.map((r) => r[j]);
  }

  /** A numeric column as a `Float64Array`; names the first cell that is not a finite number. */
  column(column: string | number): Float64Array {
    const j = this.index(column);
    return Float64Array.from(this.rows, (r, i) => this.numeric(r[j], i, j));
  }

  /**
   * Numeric columns as a matrix (rows = the table's rows): all columns by
   * default, or those named, in that order — e.g. features without the label.
   */
  toMatrix(columns?: readonly (string | number)[]): Matrix {
    const js = (columns ?? this.columns.map((_, j) => j)).map((c) => this.index(c));
    if (js.length === 0) throw new ShapeError('Table.toMatrix: no columns selected');
    const m = new Matrix(this.rows.length, js.length);
    this.rows.forEach((r, i) =>
      js.forEach((j, k) => {
        m.data[i * js.length + k] = this.numeric(r[j], i, j);
      }),
    );
    return Matrix.from(m, 'table');
  }

  /** The first rows as aligned text. */
  toString(): string {
    const shown = this.rows.slice(0, 10);
    const text = [this.columns, ...shown.map((r) => r.map(String))];
    const widths = this.columns.map((_, j) => Math.max(...text.map((r) => (r[j] ?? '').length)));
    const lines = text.map((r) => r.map((c, j) => c.padStart(widths[j])).join('  '));
    const more = this.rows.length > shown.length ? `\n… ${this.rows.length - shown.length} more rows` : '';
    return `Table ${this.rows.length}×${this.columns.length}\n${lines.join('\n')}${more}`;
  }

  [inspect.custom](): string {
    return this.toString();
  }

  private index(column: string | number): number {
    if (typeof column === 'number') {
      if (Number.isInteger(column) && column >= 0 && column < this.columns.length) return column;
      throw new InputError(`Table: column ${column} is outside 0…${this.columns.length - 1}`);
    }
    const j = this.columns.indexOf(column);
    if (j < 0)
      throw new InputError(`Table: no column named ${JSON.stringify(column)}; the columns are ${this.columns.map((c) => JSON.stringify(c)).join(', ')}`);
    return j;
  }

  private numeric(cell: Cell, i: number, j: number): number {
    if (typeof cell !== 'number') {
      throw new InputError(
        `Table: row ${i}, column ${JSON.stringify(this.columns[j])} is ${JSON.stringify(cell)}, not a finite number; choose numeric columns (toMatrix(['x', 'y'])) or clean the file`,
      );
    }
    return cell;
  }
}
