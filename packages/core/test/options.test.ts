import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OptionError, predict, stax } from '@tangent-lab/core';
import { checkOptions, suggestOption } from '@tangent-lab/core/internal/options';

describe('checkOptions', () => {
  it('suggests the camelCase name for NT-style snake_case and for case slips', () => {
    const known = ['learningRate', 'diagReg', 'diagRegAbsoluteScale'];
    assert.equal(suggestOption('diag_reg', known), 'diagReg');
    assert.equal(suggestOption('DIAG_REG', known), 'diagReg');
    assert.equal(suggestOption('learning-rate', known), 'learningRate');
    assert.equal(suggestOption('diag_reg_absolute_scale', known), 'diagRegAbsoluteScale');
  });

  it('suggests the closest name for a typo, and nothing for an unrelated or ambiguous name', () => {
    assert.equal(suggestOption('learningRat', ['learningRate', 'steps']), 'learningRate');
    assert.equal(suggestOption('stpes', ['learningRate', 'steps']), 'steps');
    assert.equal(suggestOption('momentum', ['learningRate', 'steps']), undefined);
    assert.equal(suggestOption('delim', ['delimiter', 'header']), 'delimiter');
    assert.equal(suggestOption('diag', ['diagReg', 'diagRegAbsoluteScale']), undefined);
    assert.equal(suggestOption('ab', ['ac', 'ad']), undefined);
  });

  it('puts the suggestion in the error of a real call', () => {
    const ntk = [
      [1, 0.5],
      [0.5, 1],
    ];
    assert.throws(
      () => predict.gradientDescentMse(ntk, [[1], [0]], { diag_reg: 1e-3 } as never),
      (e: Error) => e instanceof OptionError && /unknown option "diag_reg"\. Did you mean "diagReg"\?/.test(e.message),
    );
    assert.throws(() => stax.dense(8, { w_std: 2 } as never), /unknown option "w_std"\. Did you mean "wStd"\?/);
    assert.throws(
      () => checkOptions('f', { zzz: 1 }, ['a']),
      (e: Error) => !/Did you mean/.test(e.message) && /Known options: a\./.test(e.message),
    );
  });
});
