import { readFileSync } from 'node:fs';

let flags: ReadonlySet<string> | undefined;

/**
 * The CPU's instruction-set flags (Linux /proc/cpuinfo; empty elsewhere),
 * read once: OpenBLAS's kernel family and the native kernels' use both
 * depend on them.
 */
export function cpuFlags(): ReadonlySet<string> {
  if (flags !== undefined) return flags;
  try {
    const line = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    flags = new Set(line ? line[1].trim().split(/\s+/) : []);
  } catch {
    flags = new Set();
  }
  return flags;
}
