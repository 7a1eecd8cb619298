import { cellText, progressText, type ProgressSpec, type TableSpec } from '@tangent-lab/display/browser';

/**
 * Tables and progress bars in JupyterLab: plain DOM in the colours of the
 * JupyterLab theme (its CSS variables), every string set as text.
 */

/** A table whose columns sort when their header is clicked (again: the other way). */
export function renderTable(spec: TableSpec): HTMLElement {
  const root = document.createElement('div');
  root.className = 'tangent-lab-table-view';
  root.style.overflowX = 'auto';
  const table = document.createElement('table');
  table.className = 'tangent-lab-table';
  table.style.borderCollapse = 'collapse';
  table.style.fontSize = 'var(--jp-ui-font-size1, 13px)';
  table.style.color = 'var(--jp-ui-font-color1, inherit)';
  if (spec.title) {
    const caption = table.createCaption();
    caption.textContent = spec.title;
    caption.style.fontWeight = 'bold';
    caption.style.textAlign = 'left';
  }
  const numeric = spec.columns.map((_, j) => spec.rows.every((r) => r[j] === null || typeof r[j] === 'number'));
  const head = table.createTHead().insertRow();
  const body = table.createTBody();
  let order = spec.rows.map((_, i) => i);
  let sorted: { column: number; ascending: boolean } | undefined;
  const fill = () => {
    body.replaceChildren();
    for (const i of order) {
      const tr = body.insertRow();
      spec.rows[i].forEach((v, j) => {
        const td = tr.insertCell();
        td.textContent = cellText(v);
        td.style.padding = '2px 10px';
        td.style.textAlign = numeric[j] ? 'right' : 'left';
      });
    }
  };
  spec.columns.forEach((name, j) => {
    const th = document.createElement('th');
    th.textContent = name;
    th.title = 'sort';
    th.style.cursor = 'pointer';
    th.style.padding = '2px 10px';
    th.style.borderBottom = '1px solid var(--jp-border-color1, #999)';
    th.addEventListener('click', () => {
      const ascending = sorted?.column === j ? !sorted.ascending : true;
      sorted = { column: j, ascending };
      const key = (i: number) => spec.rows[i][j];
      order = [...order].sort((a, b) => {
        const [x, y] = [key(a), key(b)];
        if (x === y) return a - b;
        if (x === null) return 1;
        if (y === null) return -1;
        const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
        return ascending ? c : -c;
      });
      for (const cell of Array.from(head.cells)) cell.textContent = cell.textContent!.replace(/ [▲▼]$/, '');
      th.textContent = `${name} ${ascending ? '▲' : '▼'}`;
      fill();
    });
    head.appendChild(th);
  });
  fill();
  root.appendChild(table);
  if (spec.totalRows > spec.rows.length) {
    const note = document.createElement('div');
    note.textContent = `… showing the first ${spec.rows.length} of ${spec.totalRows} rows`;
    note.style.fontSize = 'smaller';
    root.appendChild(note);
  }
  return root;
}

/** A bar with its text: label, count, percentage or "done", time taken. */
export function renderProgress(spec: ProgressSpec): HTMLElement {
  const root = document.createElement('div');
  root.className = 'tangent-lab-progress-view';
  root.style.display = 'flex';
  root.style.alignItems = 'center';
  root.style.gap = '8px';
  const track = document.createElement('div');
  track.style.width = '240px';
  track.style.height = '10px';
  track.style.borderRadius = '5px';
  track.style.background = 'var(--jp-layout-color3, #e5e7eb)';
  track.style.overflow = 'hidden';
  const bar = document.createElement('div');
  bar.className = 'tangent-lab-progress-bar';
  bar.style.height = '100%';
  bar.style.width = `${(100 * spec.done) / spec.total}%`;
  bar.style.background = spec.finished && spec.done === spec.total ? 'var(--jp-success-color1, #009e73)' : 'var(--jp-brand-color1, #0072b2)';
  track.appendChild(bar);
  const text = document.createElement('span');
  text.className = 'tangent-lab-progress-text';
  text.textContent = progressText(spec);
  text.style.color = 'var(--jp-ui-font-color1, inherit)';
  root.append(track, text);
  return root;
}
