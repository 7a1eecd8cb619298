import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';

// show() and liveDisplay() in a real tslab kernel, driven by Debian's nbclient
// (`npm test` installs python3-nbclient): what the front end receives is one
// display_data with the whole bundle, and a live display ends as one output.
const display = dirname(require.resolve('@tangent-lab/display/package.json'));
const tslab = dirname(createRequire(join(display, 'package.json')).resolve('tslab/package.json'));
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

const CELLS = [
  "import { gpBands, lineChart, show, liveDisplay } from '@tangent-lab/display';\nshow(gpBands({ x: [0, 1, 2], mean: [0, 1, 0], std: [0.2, 0, 0.2], title: 'in tslab' }));",
  "const live = liveDisplay();\nfor (let k = 1; k <= 3; k++) live.update(lineChart({ x: [1, 2, 3], series: [{ name: 'loss', y: [1, 1 / (k + 1), 1 / (k + 2)] }] }));",
];

const RUN = `
import json, sys
import nbformat
from nbclient import NotebookClient
cells, cwd = json.load(sys.stdin)
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
NotebookClient(nb, timeout=120, kernel_name='tslab', resources={'metadata': {'path': cwd}}).execute()
json.dump([c.outputs for c in nb.cells], sys.stdout)
`;

test('in a tslab kernel, show() sends one display_data with the whole bundle and a live display stays one output', () => {
  const home = mkdtempSync(join(tmpdir(), 'tangent-lab-tslab-'));
  try {
    mkdirSync(join(home, 'kernels', 'tslab'), { recursive: true });
    writeFileSync(
      join(home, 'kernels', 'tslab', 'kernel.json'),
      JSON.stringify({
        argv: [process.execPath, join(tslab, 'bin', 'tslab'), 'kernel', '--config-path', '{connection_file}'],
        display_name: 'TypeScript',
        language: 'typescript',
      }),
    );
    // The notebook's folder has @tangent-lab/display installed, as a user's project would.
    const work = join(home, 'work');
    mkdirSync(join(work, 'node_modules', '@tangent-lab'), { recursive: true });
    symlinkSync(display, join(work, 'node_modules', '@tangent-lab', 'display'), 'dir');

    const result = spawnSync(python, ['-c', RUN], {
      input: JSON.stringify([CELLS, work]),
      encoding: 'utf8',
      env: { ...process.env, JUPYTER_PATH: home },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 180_000,
    });
    assert.equal(result.status, 0, `nbclient failed (apt-get install python3-nbclient): ${result.stderr}`);
    const [shown, live] = JSON.parse(result.stdout) as { output_type: string; data?: Record<string, unknown> }[][];

    assert.equal(shown.length, 1);
    assert.equal(shown[0].output_type, 'display_data');
    assert.deepEqual(Object.keys(shown[0].data!).sort(), ['application/vnd.tangent-lab.plot+json', 'image/svg+xml', 'text/html', 'text/plain']);
    assert.ok(!String(shown[0].data!['text/html']).includes('plotly.js'), 'plotly is never stored in the notebook');
    assert.ok(JSON.stringify(shown[0]).length < 100_000, 'a light output');

    assert.equal(live.length, 1, 'three updates, one output');
    const spec = live[0].data!['application/vnd.tangent-lab.plot+json'] as { traces: { y: number[] }[] };
    assert.equal(spec.traces[0].y[1], 1 / 4, 'the last update is what stays');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
