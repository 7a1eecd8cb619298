/**
 * The weighted, normalised Hermite functions √w(z)·He_k(z)/√k! at the nodes
 * z_i = i·h/2 (i ≥ 0) of a trapezoid rule of step h/2, with w the weight
 * h·e^{−z²/2}/√(2π) of the rule of step h (even i are the nodes i′·h of that
 * rule, odd i those of the rule shifted by h/2). They depend on nothing but
 * h, so one table per step serves every activation and variance; a Hermite
 * coefficient is then one dot product with a row (see `hermite-coefficients.ts`).
 * Rows are grown on demand by the three-term recurrence
 * ψ_{k+1} = (z ψ_k − √k ψ_{k−1})/√(k+1), widths by recomputing.
 */
export interface HermiteTable {
  /** Row k holds ψ_k at nodes 0 … width−1, at values[k·width + i]. */
  values: Float64Array;
  rows: number;
  width: number;
  /** √w at the nodes. */
  weights: Float64Array;
}

const INV_SQRT_2PI = 0.3989422804014327;
const tables = new Map<number, HermiteTable>();

/** The table for sub-rule step h, with at least `rows` rows and `width` nodes. */
export function hermiteTable(h: number, rows: number, width: number): HermiteTable {
  let table = tables.get(h);
  if (table === undefined || table.width < width) {
    const w = Math.max(width, table === undefined ? 0 : table.width);
    const weights = new Float64Array(w);
    for (let i = 0; i < w; i++) {
      const z = 0.5 * i * h;
      weights[i] = Math.sqrt(h * INV_SQRT_2PI * Math.exp(-0.5 * z * z));
    }
    table = { values: new Float64Array(0), rows: 0, width: w, weights };
    tables.set(h, table);
  }
  if (table.rows < rows) grow(table, h, Math.max(rows, 2 * table.rows, 64));
  return table;
}

function grow(table: HermiteTable, h: number, rows: number): void {
  const { width } = table;
  const values = new Float64Array(rows * width);
  values.set(table.values.subarray(0, table.rows * width));
  let k = table.rows;
  if (k === 0) {
    for (let i = 0; i < width; i++) values[i] = table.weights[i];
    k = 1;
  }
  if (k === 1 && rows > 1) {
    for (let i = 0; i < width; i++) values[width + i] = 0.5 * i * h * values[i];
    k = 2;
  }
  for (; k < rows; k++) {
    const back = Math.sqrt(k - 1);
    const scale = 1 / Math.sqrt(k);
    const cur = (k - 1) * width;
    const prev = (k - 2) * width;
    const out = k * width;
    for (let i = 0; i < width; i++) values[out + i] = (0.5 * i * h * values[cur + i] - back * values[prev + i]) * scale;
  }
  table.values = values;
  table.rows = rows;
}
