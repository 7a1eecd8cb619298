import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { typeCheck } from '../helpers/type-check';

const fixture = join(__dirname, '..', 'fixtures', 'empirical-types.ts');

describe('empirical kernel result types', () => {
  it('are a Matrix, or a Tensor with diagonalAxes (strict), and the @ts-expect-error lines fail', () => {
    assert.equal(typeCheck(readFileSync(fixture, 'utf8'), true), '');
  });

  it('are the same without strictNullChecks, as tslab compiles notebooks', () => {
    assert.equal(typeCheck(readFileSync(fixture, 'utf8'), false), '');
  });
});
