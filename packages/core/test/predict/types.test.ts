import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const core = join(__dirname, '..', '..');
const fixture = join(core, 'test', 'fixtures', 'predict-types.ts');

/** Type-checks `source` against the built package; returns tsc's report, or '' when it compiles. */
function typeCheck(source: string, strict: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'tangent-lab-types-'));
  try {
    writeFileSync(join(dir, 'fixture.ts'), source);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict, noEmit: true, target: 'ES2022', module: 'commonjs', moduleResolution: 'node', types: ['node'],
        typeRoots: [join(core, '..', '..', 'node_modules', '@types')], skipLibCheck: true, baseUrl: core,
        paths: { '@tangent-lab/core': [join(core, 'dist', 'index.d.ts')] },
      },
      files: [join(dir, 'fixture.ts')],
    }));
    const tsc = require.resolve('typescript/bin/tsc', { paths: [core] });
    const r = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    return r.status === 0 ? '' : `${r.stdout}${r.stderr}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('predictor return types', () => {
  it('narrow on get, t, computeCov and the test kernels (strict): no `!` needed, and the @ts-expect-error lines fail', () => {
    assert.equal(typeCheck(readFileSync(fixture, 'utf8'), true), '');
  });

  it('narrow the same way without strictNullChecks, as tslab compiles notebooks', () => {
    // Without strictNullChecks `undefined` fits everywhere, so the negative lines cannot fail there: they are dropped.
    const positive = readFileSync(fixture, 'utf8').replace(/^\s*\/\/ @ts-expect-error.*\n.*\n/gm, '');
    const withLists = `${positive}\nconst atTrain: predict.GaussianWithCov = ensemble({ xTest: xTrain, get: 'ntk', computeCov: true });\nm(atTrain.mean);\n`;
    assert.equal(typeCheck(withLists, false), '');
  });
});
