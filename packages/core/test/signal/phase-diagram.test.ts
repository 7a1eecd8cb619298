import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linspace, signal, stax } from '@tangent-lab/core';

describe('signal.phaseDiagram inputs', () => {
  it('takes grids from linspace and gives the same diagram as plain arrays', () => {
    const wVar = linspace(0.5, 3, 4);
    const typed = signal.phaseDiagram(stax.erf(), { wVar, bVar: new Float64Array([0, 0.1]) });
    const plain = signal.phaseDiagram(stax.erf(), { wVar: Array.from(wVar), bVar: [0, 0.1] });
    assert.deepEqual(typed.chi1.data, plain.chi1.data);
    assert.deepEqual(typed.wVar, Array.from(wVar));
    assert.throws(() => signal.phaseDiagram(stax.erf(), { wVar: [-1], bVar: [0] }), /wVar must hold non-negative variances/);
  });
});
