import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '..');
const dpdm = join(root, 'node_modules', '.bin', 'dpdm');

/** dpdm's circular-dependency check over value imports (type-only imports are skipped with -T). */
function cycles(...globs: string[]): { status: number | null; output: string } {
  const r = spawnSync(dpdm, ['--no-warning', '--no-tree', '-T', '--exit-code', 'circular:1', ...globs], { cwd: root, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('the import graph', () => {
  it('has no cycles between value imports in packages/*/src and kernel-ext/src', () => {
    const r = cycles('packages/*/src/**/*.ts', 'kernel-ext/src/**/*.ts');
    assert.equal(r.status, 0, r.output);
  });

  it('the check can fail: a fixture with a cycle is reported', () => {
    const r = cycles('test/fixtures/cycle/*.ts');
    assert.equal(r.status, 1, r.output);
    assert.match(r.output, /cycle\/[ab]\.ts -> test\/fixtures\/cycle\/[ab]\.ts/);
  });
});
