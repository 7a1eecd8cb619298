import { spawnSync } from 'node:child_process';

/**
 * Runs `script` (CommonJS, requiring the built packages) in a fresh Node
 * process with `env` added to this one's environment: settings such as
 * TANGENT_LAB_SIMD and TANGENT_LAB_THREADS are read once per process, so
 * each value is tried in a process of its own. With `timeout` (ms), a
 * process still running then is killed (status null): for scripts that
 * would otherwise hang on a bug.
 */
export function runNode(script: string, env: Record<string, string>, timeout?: number): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, ...env }, encoding: 'utf8', cwd: __dirname, timeout });
  return { stdout: r.stdout.trim(), stderr: r.stderr, status: r.status };
}
