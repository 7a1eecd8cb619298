import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { typeCheck } from '../helpers/type-check';

const core = join(__dirname, '..', '..');
const fixture = join(core, 'test', 'fixtures', 'predict-types.ts');

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
