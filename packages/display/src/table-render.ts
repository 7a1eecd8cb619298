import { escapeXml } from './escape';
import type { TableSpec } from './spec';

/** Rows the static pictures show: the first ones, then a note of how many more there are. */
const SHOWN_ROWS = 40;

/** A cell as text: whole numbers as they are, others to 4 significant digits, missing values as "—". */
export function cellText(v: number | string | null): string {
  if (v === null) return '—';
  if (typeof v === 'string') return v;
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3).replace(/\.?0+e/, 'e') : String(Number(v.toPrecision(4)));
}

const isNumeric = (spec: TableSpec, j: number) => spec.rows.every((r) => r[j] === null || typeof r[j] === 'number');

/** The static HTML table: every string escaped, numbers right-aligned, long tables cut with a note. */
export function tableHtml(spec: TableSpec): string {
  const shown = spec.rows.slice(0, SHOWN_ROWS);
  const head = spec.columns.map((c) => `<th>${escapeXml(c)}</th>`).join('');
  const body = shown
    .map((r) => `<tr>${r.map((v, j) => `<td${isNumeric(spec, j) ? ' style="text-align:right"' : ''}>${escapeXml(cellText(v))}</td>`).join('')}</tr>`)
    .join('');
  const more = spec.totalRows - shown.length;
  return (
    `<table class="tangent-lab-table">${spec.title ? `<caption>${escapeXml(spec.title)}</caption>` : ''}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>` +
    (more > 0 ? `<p style="font-size:smaller">… ${more} more rows (${spec.totalRows} in all)</p>` : '')
  );
}

/** The table as aligned plain text. */
export function tableText(spec: TableSpec): string {
  const shown = spec.rows.slice(0, SHOWN_ROWS);
  const lines = [spec.columns, ...shown.map((r) => r.map(cellText))];
  const widths = spec.columns.map((_, j) => Math.max(...lines.map((l) => l[j].length)));
  const text = lines.map((l) =>
    l
      .map((c, j) => (isNumeric(spec, j) ? c.padStart(widths[j]) : c.padEnd(widths[j])))
      .join('  ')
      .trimEnd(),
  );
  if (spec.totalRows > shown.length) text.push(`… ${spec.totalRows - shown.length} more rows`);
  return [spec.title, ...text].filter((l) => l !== undefined).join('\n');
}

/** The table as an SVG picture, for front ends that take no HTML. */
export function tableSvg(spec: TableSpec): string {
  const shown = spec.rows.slice(0, SHOWN_ROWS);
  const texts = [spec.columns, ...shown.map((r) => r.map(cellText))];
  const charWidth = 7;
  const widths = spec.columns.map((_, j) => Math.max(...texts.map((t) => t[j].length)) * charWidth + 16);
  const rowHeight = 20;
  const top = spec.title ? 28 : 4;
  const more = spec.totalRows > shown.length ? 1 : 0;
  const width = Math.max(widths.reduce((a, b) => a + b, 0) + 8, 120);
  const height = top + rowHeight * (texts.length + more) + 6;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  if (spec.title) out.push(`<text class="title" x="4" y="18" font-size="14" fill="#1f2328">${escapeXml(spec.title)}</text>`);
  texts.forEach((row, i) => {
    const y = top + rowHeight * i;
    if (i % 2 === 0 && i > 0) out.push(`<rect x="4" y="${y}" width="${width - 8}" height="${rowHeight}" fill="#f3f4f6"/>`);
    let x = 4;
    row.forEach((text, j) => {
      const right = isNumeric(spec, j) && i > 0;
      out.push(
        `<text x="${right ? x + widths[j] - 8 : x + 8}" y="${y + 14}"${right ? ' text-anchor="end"' : ''}${i === 0 ? ' font-weight="bold"' : ''} fill="#1f2328">${escapeXml(text)}</text>`,
      );
      x += widths[j];
    });
    if (i === 0) out.push(`<line x1="4" y1="${y + rowHeight}" x2="${width - 4}" y2="${y + rowHeight}" stroke="#6b7280"/>`);
  });
  if (more) out.push(`<text x="12" y="${top + rowHeight * texts.length + 14}" fill="#6b7280">… ${spec.totalRows - shown.length} more rows</text>`);
  out.push('</svg>');
  return out.join('\n');
}
