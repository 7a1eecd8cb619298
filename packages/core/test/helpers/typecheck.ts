import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';

/**
 * Type-checks `code` (strict, as users' projects are) against the *built*
 * declarations of @tangent-lab/core, and returns the compiler's errors as
 * `line N: message`. `// @ts-expect-error` lines in `code` check that
 * something does not compile: an expected error that does not happen is an
 * error too.
 */
export function typeErrors(code: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'typecheck-'));
  try {
    const file = join(dir, 'check.ts');
    writeFileSync(file, code);
    const root = join(__dirname, '..', '..', '..', '..');
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [join(root, 'node_modules', '@types')],
      baseUrl: dir,
      paths: { '@tangent-lab/core': [join(__dirname, '..', '..', 'dist', 'index.d.ts')] },
    });
    return ts.getPreEmitDiagnostics(program).map((d) => {
      const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
      return `line ${line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
