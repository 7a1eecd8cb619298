import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const core = join(__dirname, '..', '..');

/** Type-checks `source` against the built package; returns tsc's report, or '' when it compiles. */
export function typeCheck(source: string, strict: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'tangent-lab-types-'));
  try {
    writeFileSync(join(dir, 'fixture.ts'), source);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict,
          noEmit: true,
          target: 'ES2022',
          module: 'commonjs',
          moduleResolution: 'node',
          types: ['node'],
          typeRoots: [join(core, '..', '..', 'node_modules', '@types')],
          skipLibCheck: true,
          baseUrl: core,
          paths: { '@tangent-lab/core': [join(core, 'dist', 'index.d.ts')] },
        },
        files: [join(dir, 'fixture.ts')],
      }),
    );
    const tsc = require.resolve('typescript/bin/tsc', { paths: [core] });
    const r = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    return r.status === 0 ? '' : `${r.stdout}${r.stderr}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
