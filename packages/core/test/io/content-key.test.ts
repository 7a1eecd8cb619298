import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix, Tensor } from '@tangent-lab/core';
import { contentKey } from '@tangent-lab/core/internal/io/content-key';

describe('contentKey', () => {
  it('is the same for the same numbers in any form', () => {
    const nested = [
      [1, 2],
      [3, 4],
    ];
    assert.equal(contentKey(Matrix.from(nested)), contentKey(nested));
    assert.equal(contentKey(Tensor.from(nested)), contentKey(nested));
    assert.equal(contentKey([new Float64Array([1, 2]), [3, 4]]), contentKey(nested));
    assert.equal(contentKey({ a: 1, b: [2] }), contentKey({ b: [2], a: 1 }));
  });

  it('differs for another value, shape, or structure', () => {
    const base = contentKey([
      [1, 2],
      [3, 4],
    ]);
    assert.notEqual(
      contentKey([
        [1, 2],
        [3, 4.000000000000001],
      ]),
      base,
    );
    assert.notEqual(contentKey([[1, 2, 3, 4]]), base);
    assert.notEqual(contentKey([[[1, 2]], [[3, 4]]]), base);
    assert.notEqual(contentKey([Matrix.from([[1, 2]]), Matrix.from([[3, 4]])]), base);
    assert.notEqual(contentKey({ fn: (v: number) => v * 2 }), contentKey({ fn: (v: number) => v * 3 }));
    assert.notEqual(contentKey(null), contentKey('null'));
  });
});
