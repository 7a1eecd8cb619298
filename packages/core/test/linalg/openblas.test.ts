import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { linalg } from '@tangent-lab/core';
import { coreTypeForFlags } from '@tangent-lab/core/internal/linalg/openblas';

function cpuFlags(): Set<string> {
  try {
    const line = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    return new Set(line ? line[1].trim().split(/\s+/) : []);
  } catch {
    return new Set();
  }
}

/** The user's setting, read before the library is loaded (the first linalg call loads it). */
const userCoreType = process.env.OPENBLAS_CORETYPE;

describe('OpenBLAS kernel family', () => {
  it('is named from the CPU flags: AVX-512 → SkylakeX, AVX2+FMA → Haswell, else left to OpenBLAS', () => {
    const avx512 = ['avx512f', 'avx512dq', 'avx512cd', 'avx512bw', 'avx512vl', 'avx2', 'fma'];
    assert.equal(coreTypeForFlags(new Set(avx512)), 'SkylakeX');
    assert.equal(coreTypeForFlags(new Set(['avx512f', 'avx2', 'fma'])), 'Haswell');
    assert.equal(coreTypeForFlags(new Set(['avx2', 'fma', 'sse3'])), 'Haswell');
    assert.equal(coreTypeForFlags(new Set(['avx', 'sse3'])), undefined);
  });

  it('this process runs the family its CPU supports (not generic SSE3 kernels), and the environment is left as it was', (t) => {
    const info = linalg.backendInfo();
    if (info.name !== 'openblas') return t.skip(`OpenBLAS not loaded: ${info.reason}`);
    assert.equal(process.env.OPENBLAS_CORETYPE, userCoreType, 'the variable set for loading is removed again');
    const expected = userCoreType ?? coreTypeForFlags(cpuFlags());
    if (expected === undefined) return t.skip('no AVX2 on this CPU: OpenBLAS picks its own kernels');
    assert.equal(info.core?.toLowerCase(), expected.toLowerCase(), `OpenBLAS core ${info.core}`);
    assert.ok((info.threads ?? 0) >= 1);
  });
});
