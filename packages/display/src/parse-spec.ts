import { InputError } from './errors';
import { GRID_MAX } from './grid';
import {
  axisSpec,
  optionalTitle,
  SPEC_VERSION,
  SPEC_VERSIONS,
  type DisplaySpec,
  type EncodedGrid,
  type AnnotationSpec,
  type AxisSpec,
  type FigureSpec,
  type SliderSpec,
  type TraceSpec,
  type TraceUpdate,
} from './spec';

/**
 * Checks that an untrusted value (a notebook's saved output, which anyone
 * can edit) is a well-formed {@link FigureSpec} and returns a copy holding
 * only known fields: numbers are finite numbers, strings are strings, lengths
 * agree. The JupyterLab renderer draws nothing else, so a crafted output can
 * only ever produce a figure our builders could have produced.
 */
export function parseSpec(value: unknown): FigureSpec {
  const o = object(value, 'figure');
  if (!SPEC_VERSIONS.includes(o.version as number)) {
    throw new InputError(
      `figure: version ${String(o.version)} is not supported (this renderer reads ${SPEC_VERSIONS.join(' and ')}); update @tangent-lab/jupyterlab`,
    );
  }
  const kind = oneOf(o.kind, ['gpBands', 'lineChart', 'heatmap', 'imageGrid'] as const, 'figure.kind');
  const traces = array(o.traces, 'figure.traces').map((t, i) => trace(t, `figure.traces[${i}]`));
  const annotations = array(o.annotations, 'figure.annotations').map((a, i): AnnotationSpec => {
    const r = object(a, `figure.annotations[${i}]`);
    return { x: num(r.x, 'annotation.x'), y: num(r.y, 'annotation.y'), text: str(r.text, 'annotation.text'), color: index(r.color, 'annotation.color') };
  });
  const spec: FigureSpec = {
    version: SPEC_VERSION,
    kind,
    ...optionalTitle(o.title === undefined ? undefined : str(o.title, 'figure.title')),
    xAxis: axis(o.xAxis, 'figure.xAxis'),
    yAxis: axis(o.yAxis, 'figure.yAxis'),
    traces,
    annotations,
  };
  if (o.slider !== undefined) spec.slider = slider(o.slider, traces);
  return spec;
}

function axis(value: unknown, where: string): AxisSpec {
  const o = object(value, where);
  const spec = axisSpec(o.label === undefined ? undefined : str(o.label, `${where}.label`), bool(o.log, `${where}.log`));
  if (o.hidden !== undefined) spec.hidden = bool(o.hidden, `${where}.hidden`);
  if (o.ticks !== undefined) {
    const t = object(o.ticks, `${where}.ticks`);
    const values = numbers(t.values, `${where}.ticks.values`);
    const labels = array(t.labels, `${where}.ticks.labels`).map((l, i) => str(l, `${where}.ticks.labels[${i}]`));
    if (labels.length !== values.length) throw new InputError(`${where}.ticks has ${values.length} values and ${labels.length} labels`);
    spec.ticks = { values, labels };
  }
  return spec;
}

function trace(value: unknown, where: string): TraceSpec {
  const o = object(value, where);
  const type = oneOf(o.type, ['band', 'line', 'points', 'heatmap', 'image'] as const, `${where}.type`);
  if (type === 'image') {
    const width = index(o.width, `${where}.width`);
    const height = index(o.height, `${where}.height`);
    const png = str(o.png, `${where}.png`);
    // Only a PNG's base64 (it starts with the PNG signature) goes into the data: URL.
    if (!/^iVBORw0KGgo[A-Za-z0-9+/]*={0,2}$/.test(png)) throw new InputError(`${where}.png must be a PNG, base64`);
    return { type, x0: num(o.x0, `${where}.x0`), y0: num(o.y0, `${where}.y0`), width, height, png };
  }
  if (type === 'heatmap') {
    const x = numbers(o.x, `${where}.x`);
    const y = numbers(o.y, `${where}.y`);
    const contours = numbers(o.contours, `${where}.contours`, undefined, true);
    // Figures of version 1 had no origin and were drawn with row 0 at the bottom.
    const origin = o.origin === undefined ? 'lower' : oneOf(o.origin, ['upper', 'lower'] as const, `${where}.origin`);
    const text =
      o.text === undefined
        ? {}
        : {
            text: array(o.text, `${where}.text`).map((row, i) => {
              const cells = array(row, `${where}.text[${i}]`);
              if (cells.length !== x.length) throw new InputError(`${where}.text[${i}] has ${cells.length} entries, expected ${x.length}`);
              return cells.map((c, j) => str(c, `${where}.text[${i}][${j}]`));
            }),
          };
    if (text.text && text.text.length !== y.length) throw new InputError(`${where}.text has ${text.text.length} rows, y has ${y.length}`);
    if (o.grid !== undefined) {
      if (o.z !== undefined) throw new InputError(`${where} has both z and grid`);
      return { type, x, y, grid: grid(o.grid, x.length, y.length, `${where}.grid`), contours, ...text, origin };
    }
    const z = array(o.z, `${where}.z`).map((row, i) => numbers(row, `${where}.z[${i}]`, x.length));
    if (z.length !== y.length) throw new InputError(`${where}: z has ${z.length} rows, y has ${y.length}`);
    return { type, x, y, z, contours, ...text, origin };
  }
  const name = str(o.name, `${where}.name`);
  const color = index(o.color, `${where}.color`);
  const x = numbers(o.x, `${where}.x`);
  if (type === 'band') {
    return { type, name, color, x, lower: numbers(o.lower, `${where}.lower`, x.length), upper: numbers(o.upper, `${where}.upper`, x.length) };
  }
  const y = numbers(o.y, `${where}.y`, x.length);
  if (type === 'points') return { type, name, color, x, y };
  return { type, name, color, x, y, style: oneOf(o.style, ['solid', 'dash', 'thin'] as const, `${where}.style`), legend: bool(o.legend, `${where}.legend`) };
}

/**
 * Like {@link parseSpec} for anything our MIME type carries: a plot, a panel
 * figure (each panel a plot), a table or a progress bar.
 */
export function parseDisplaySpec(value: unknown): DisplaySpec {
  const o = object(value, 'figure');
  if (!SPEC_VERSIONS.includes(o.version as number)) return parseSpec(value);
  const title = o.title === undefined ? {} : { title: str(o.title, 'figure.title') };
  switch (o.kind) {
    case 'panels': {
      const rows = index(o.rows, 'figure.rows');
      const cols = index(o.cols, 'figure.cols');
      const list = array(o.panels, 'figure.panels');
      if (rows < 1 || cols < 1 || list.length !== rows * cols || rows * cols > 12)
        throw new InputError(`figure.panels must hold rows × cols (at most 12) panels`);
      const panels = list.map((p, k) => {
        if (p === null) return null;
        try {
          return parseSpec(p);
        } catch (error) {
          throw new InputError(`figure.panels[${k}]: ${(error as Error).message}`);
        }
      });
      return { version: SPEC_VERSION, kind: 'panels', ...title, rows, cols, panels };
    }
    case 'table': {
      const columns = array(o.columns, 'figure.columns').map((c, j) => str(c, `figure.columns[${j}]`));
      const rows = array(o.rows, 'figure.rows').map((r, i) => {
        const cells = array(r, `figure.rows[${i}]`);
        if (cells.length !== columns.length) throw new InputError(`figure.rows[${i}] has ${cells.length} cells, expected ${columns.length}`);
        return cells.map((c, j) => {
          if (c === null || typeof c === 'string') return c;
          return num(c, `figure.rows[${i}][${j}]`);
        });
      });
      const totalRows = index(o.totalRows, 'figure.totalRows');
      if (totalRows < rows.length) throw new InputError('figure.totalRows is less than the rows it holds');
      return { version: SPEC_VERSION, kind: 'table', ...title, columns, rows, totalRows };
    }
    case 'progress': {
      const total = index(o.total, 'figure.total');
      const done = num(o.done, 'figure.done');
      if (total < 1 || done < 0 || done > total) throw new InputError('figure.done must be in 0 … total, and total ≥ 1');
      const seconds = num(o.seconds, 'figure.seconds');
      return {
        version: SPEC_VERSION,
        kind: 'progress',
        label: str(o.label, 'figure.label'),
        done,
        total,
        seconds,
        finished: bool(o.finished, 'figure.finished'),
      };
    }
    default:
      return parseSpec(value);
  }
}

function grid(value: unknown, cols: number, rows: number, where: string): EncodedGrid {
  const o = object(value, where);
  const whole = (v: unknown, name: string) => {
    const n = index(v, `${where}.${name}`);
    if (n < 1) throw new InputError(`${where}.${name} must be at least 1`);
    return n;
  };
  const g: EncodedGrid = {
    rows: whole(o.rows, 'rows'),
    cols: whole(o.cols, 'cols'),
    min: num(o.min, `${where}.min`),
    max: num(o.max, `${where}.max`),
    blockRows: whole(o.blockRows, 'blockRows'),
    blockCols: whole(o.blockCols, 'blockCols'),
    sourceRows: whole(o.sourceRows, 'sourceRows'),
    sourceCols: whole(o.sourceCols, 'sourceCols'),
    data: str(o.data, `${where}.data`),
  };
  if (g.rows !== rows || g.cols !== cols) throw new InputError(`${where} is ${g.rows}×${g.cols} but x and y give ${rows}×${cols}`);
  if (g.rows * g.cols > GRID_MAX * GRID_MAX) throw new InputError(`${where} has more than ${GRID_MAX}² cells`);
  if (!(g.max >= g.min)) throw new InputError(`${where}.max is below its min`);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(g.data) || g.data.length !== 4 * Math.ceil((2 * g.rows * g.cols) / 3)) {
    throw new InputError(`${where}.data must be base64 of ${g.rows * g.cols} 16-bit levels`);
  }
  return g;
}

function slider(value: unknown, traces: TraceSpec[]): SliderSpec {
  const o = object(value, 'figure.slider');
  const values = numbers(o.values, 'figure.slider.values');
  const active = index(o.active, 'figure.slider.active');
  if (active >= values.length) throw new InputError('figure.slider.active is past the last value');
  const steps = array(o.steps, 'figure.slider.steps').map((step, k) =>
    array(step, `figure.slider.steps[${k}]`).map((u, j): TraceUpdate => {
      const where = `figure.slider.steps[${k}][${j}]`;
      const r = object(u, where);
      const i = index(r.trace, `${where}.trace`);
      const target = traces[i];
      if (!target || (target.type !== 'band' && target.type !== 'line')) throw new InputError(`${where}.trace does not name a band or line`);
      const n = target.x.length;
      return target.type === 'band'
        ? { trace: i, lower: numbers(r.lower, `${where}.lower`, n), upper: numbers(r.upper, `${where}.upper`, n) }
        : { trace: i, y: numbers(r.y, `${where}.y`, n) };
    }),
  );
  if (steps.length !== values.length) throw new InputError(`figure.slider has ${values.length} values but ${steps.length} steps`);
  return { name: str(o.name, 'figure.slider.name'), values, active, steps };
}

function object(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InputError(`${where} must be an object`);
  return value as Record<string, unknown>;
}

function array(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new InputError(`${where} must be an array`);
  return value;
}

function numbers(value: unknown, where: string, length?: number, allowEmpty = false): number[] {
  const a = array(value, where);
  if (a.length === 0 && !allowEmpty) throw new InputError(`${where} is empty`);
  if (length !== undefined && a.length !== length) throw new InputError(`${where} has ${a.length} entries, expected ${length}`);
  return a.map((v, i) => num(v, `${where}[${i}]`));
}

function num(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InputError(`${where} must be a finite number`);
  return value;
}

function index(value: unknown, where: string): number {
  if (!Number.isInteger(value) || (value as number) < 0) throw new InputError(`${where} must be a whole number ≥ 0`);
  return value as number;
}

function str(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new InputError(`${where} must be a string`);
  return value;
}

function bool(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') throw new InputError(`${where} must be true or false`);
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], where: string): T {
  if (!allowed.includes(value as T)) throw new InputError(`${where} must be one of ${allowed.join(', ')}`);
  return value as T;
}
