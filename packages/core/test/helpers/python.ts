import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Runs a reference script from test/fixtures with python3 + numpy, sending
 * `input` as JSON on stdin and parsing JSON from stdout. Reference values are
 * computed fresh on every run, independently of the TypeScript code.
 */
export function runPython<T>(script: string, input: unknown): T {
  const r = spawnSync('python3', [join(__dirname, '..', 'fixtures', script)], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`python3 ${script} failed: ${r.stderr || r.error}`);
  return JSON.parse(r.stdout) as T;
}
