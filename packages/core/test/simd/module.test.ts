import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runNode } from '../helpers/child-node';

/** Runs `code` with the module as `m` in a fresh process (the switch is read once per process) with TANGENT_LAB_SIMD set to `value`. */
function probe(value: string, code: string): { stdout: string; stderr: string } {
  return runNode(`const m = require('@tangent-lab/core/internal/simd/module'); ${code}`, { TANGENT_LAB_SIMD: value });
}

describe('simd/module: one switch for every SIMD module', () => {
  it('compiles each module by default, none with TANGENT_LAB_SIMD=0, and refuses other values', () => {
    const names = "['rows.wasm', 'series.wasm', 'passes.wasm'].map((f) => m.compileSimd(f) !== null).join()";
    assert.equal(probe('1', `console.log(${names})`).stdout, 'true,true,true');
    assert.equal(probe('0', `console.log(${names})`).stdout, 'false,false,false');
    // With SIMD off no file is read: a missing one is no error.
    assert.equal(probe('0', "console.log(m.compileSimd('missing.wasm'))").stdout, 'null');
    assert.match(probe('2', 'm.simdAllowed()').stderr, /TANGENT_LAB_SIMD=2: use 0 \(rows in JavaScript\) or 1/);
  });
});
