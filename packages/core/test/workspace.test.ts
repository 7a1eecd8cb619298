import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { outsideWorkspace, scratch, Workspace } from '@tangent-lab/core/internal/workspace';

describe('Workspace and scratch', () => {
  it('outside a workspace, scratch gives a new zeroed array every time', () => {
    const a = scratch(4);
    a.fill(3);
    const b = scratch(4);
    assert.notEqual(a, b);
    assert.deepEqual([...b], [0, 0, 0, 0]);
  });

  it('a run gets the arrays of the same steps of the previous run, and a new one where the length changed', () => {
    const ws = new Workspace();
    const first = ws.run(() => [scratch(3), scratch(5), scratch(2)]);
    assert.equal(new Set(first).size, 3, 'one run never hands out an array twice');
    const second = ws.run(() => [scratch(3), scratch(6), scratch(2)]);
    assert.equal(second[0], first[0]);
    assert.notEqual(second[1], first[1]);
    assert.equal(second[1].length, 6);
    assert.equal(second[2], first[2]);
    // After the run, scratch is back to new arrays.
    assert.ok(!first.includes(scratch(3)));
  });

  it('outsideWorkspace gives new arrays inside a run, and the run continues from where it was', () => {
    const ws = new Workspace();
    const [a, b] = ws.run(() => [scratch(2), scratch(2)]);
    ws.run(() => {
      assert.equal(scratch(2), a);
      const kept = outsideWorkspace(() => scratch(2));
      assert.ok(kept !== a && kept !== b);
      assert.equal(scratch(2), b);
    });
  });

  it('drops its arrays after a run when they exceed retainBytes, and restores the outer state when fn throws', () => {
    const small = new Workspace(64);
    const big = small.run(() => scratch(16)); // 128 bytes > 64
    assert.notEqual(
      small.run(() => scratch(16)),
      big,
    );
    const ws = new Workspace();
    assert.throws(
      () =>
        ws.run(() => {
          scratch(2);
          throw new Error('boom');
        }),
      /boom/,
    );
    const after = scratch(2);
    assert.deepEqual([...after], [0, 0]);
    assert.notEqual(after, scratch(2));
  });
});
