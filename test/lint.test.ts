import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '..');

describe('lint', () => {
  it('ESLint (eslint.config.mjs) reports nothing', () => {
    const r = spawnSync(join(root, 'node_modules', '.bin', 'eslint'), ['--max-warnings=0', '.'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  });

  it('Prettier (.prettierrc.json) finds the code formatted', () => {
    const r = spawnSync(join(root, 'node_modules', '.bin', 'prettier'), ['--check', '.'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}\nRun node_modules/.bin/prettier --write . to format.`);
  });
});
