import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runNode } from '../helpers/child-node';
import { inputs } from '../helpers/compare';
import { assertSameBitsEverywhere, built, compiler, wide } from '../helpers/kernel-digests';

/** Every activation with a native dual, with the dense maps between them (no two dense layers in a row: those compose). */
const LAYERS = `[
  stax.dense(48, { wStd: 1.5 }), stax.relu(),
  stax.dense(48, { wStd: Math.SQRT2, bStd: 0.1 }), stax.erf({ a: 0.8, b: 1.4, c: 0.1 }),
  stax.dense(48, { wStd: 1.2, bStd: 0.2 }), stax.abRelu(-0.3, 1.2),
  stax.dense(48, { wStd: 1.3 }), stax.leakyRelu(0.1),
  stax.dense(48, { wStd: 1.1, bStd: 0.3 }), stax.abs(),
  stax.dense(48, { wStd: 1.4, bStd: 0.1 }), stax.sigmoidLike(),
  stax.dense(2, { wStd: 1.1, bStd: 0.3 }),
]`;

/**
 * Inputs where the duals' special cases arise: a zero row (q12 = 0 and a
 * zero root), a repeated row (correlation 1: root 0), a negated row
 * (correlation −1, q12 < 0), a scaled one; 301 rows, so that the row groups
 * of the native threads end unevenly.
 */
function awkwardInputs(): number[][] {
  const x = inputs(301, 6, 11);
  x[0] = x[0].map(() => 0);
  x[7] = [...x[3]];
  x[8] = x[3].map((v) => -v);
  x[9] = x[3].map((v) => 4 * v);
  return x;
}

describe('native deferred duals (native/deferred-rows.c)', () => {
  it('are built wherever a C compiler is', () => {
    assert.ok(!compiler || built, 'a C compiler is here but dist/native/libtangent-lab.so was not built: see the build output');
  });

  it('give the bits of WebAssembly and of JavaScript, on 2 threads and on 1, symmetric or not, NNGP and NTK or NNGP alone', (t) => {
    if (!wide || !built) {
      t.skip(`native kernels do not run here (${!built ? 'not built' : 'x86-64 with AVX2 needed'})`);
      return;
    }
    assertSameBitsEverywhere(LAYERS, JSON.stringify(awkwardInputs()), JSON.stringify(inputs(240, 6, 12)));
  });

  it('refuse a TANGENT_LAB_NATIVE other than 0 or 1, naming both', () => {
    const r = runNode("require('@tangent-lab/core/internal/native/library').nativeLibrary()", { TANGENT_LAB_NATIVE: 'yes' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /TANGENT_LAB_NATIVE=yes: use 0 \(kernels on WebAssembly\) or 1 \(native where built, the default\)/);
  });

  it('are off with TANGENT_LAB_SIMD=0, which keeps everything in JavaScript', () => {
    const r = runNode("console.log(JSON.stringify(require('@tangent-lab/core').stax.nativeInfo()))", { TANGENT_LAB_SIMD: '0' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { enabled: false, detail: 'turned off (TANGENT_LAB_NATIVE=0 or TANGENT_LAB_SIMD=0)' });
  });

  it('fall back to WebAssembly, saying why, when the library cannot be loaded (built for another system)', (t) => {
    if (!wide || !built) {
      t.skip('native kernels do not run here');
      return;
    }
    const r = runNode(
      `const koffi = require('koffi');
      koffi.load = () => { throw new Error('wrong ELF class: ELFCLASS32'); };
      const { stax } = require('@tangent-lab/core');
      const k = stax.serial(stax.dense(4), stax.relu()).kernel([[1, 2], [3, 4]]);
      console.log(JSON.stringify({ info: stax.nativeInfo(), entry: k.nngp.get(0, 1) }));`,
      {},
    );
    assert.equal(r.status, 0, r.stderr);
    const { info, entry } = JSON.parse(r.stdout);
    assert.deepEqual(info, { enabled: false, detail: 'could not be loaded (wrong ELF class: ELFCLASS32); rebuild it here with npm run build' });
    // The arc-cosine kernel of [1, 2] and [3, 4] (dense without bias: q = x·x'/2), as Lee et al. 2019, eq. (S14).
    const q11 = 5 / 2;
    const q22 = 25 / 2;
    const q12 = 11 / 2;
    const theta = Math.acos(q12 / Math.sqrt(q11 * q22));
    const expected = (Math.sqrt(q11 * q22) / (2 * Math.PI)) * (Math.sin(theta) + (Math.PI - theta) * Math.cos(theta));
    assert.ok(Math.abs(entry - expected) < 1e-14 * expected, `${entry} vs ${expected}`);
  });
});
