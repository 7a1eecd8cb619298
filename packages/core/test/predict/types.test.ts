import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

describe('predictor return types', () => {
  it('narrow on get, t, computeCov and the test kernels: the fixture compiles with no `!`, and its @ts-expect-error lines fail', () => {
    const core = join(__dirname, '..', '..');
    const dir = mkdtempSync(join(tmpdir(), 'tangent-lab-types-'));
    try {
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
        compilerOptions: {
          strict: true, noEmit: true, target: 'ES2022', module: 'commonjs', moduleResolution: 'node', types: ['node'],
          typeRoots: [join(core, '..', '..', 'node_modules', '@types')], skipLibCheck: true, baseUrl: core,
          paths: { '@tangent-lab/core': [join(core, 'dist', 'index.d.ts')] },
        },
        files: [join(core, 'test', 'fixtures', 'predict-types.ts')],
      }));
      const tsc = require.resolve('typescript/bin/tsc', { paths: [core] });
      const r = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
      assert.equal(r.status, 0, `tsc reported:\n${r.stdout}${r.stderr}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
