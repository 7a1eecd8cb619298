import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { simdPasses } from '@tangent-lab/core/internal/simd/passes';
import { outsideWorkspace, scratch, Workspace } from '@tangent-lab/core/internal/workspace';

describe('Workspace and scratch', () => {
  it('outside a workspace, scratch gives a new zeroed array every time', () => {
    const a = scratch(4);
    a.fill(3);
    const b = scratch(4);
    assert.notEqual(a, b);
    assert.deepEqual([...b], [0, 0, 0, 0]);
  });

  it('a run gets the arrays of the same steps of the previous run once they sit in the arena, and a new one where the length changed', () => {
    const ws = new Workspace();
    const first = ws.run(() => [scratch(3), scratch(5), scratch(2)]);
    assert.equal(new Set(first).size, 3, 'one run never hands out an array twice');
    // The first run's new arrays were moved into one arena: the next run has those.
    const second = ws.run(() => [scratch(3), scratch(5), scratch(2)]);
    assert.deepEqual(
      second.map((a) => a.length),
      [3, 5, 2],
    );
    const third = ws.run(() => [scratch(3), scratch(6), scratch(2)]);
    assert.equal(third[0], second[0]);
    assert.notEqual(third[1], second[1]);
    assert.equal(third[1].length, 6);
    assert.equal(third[2], second[2]);
    const fourth = ws.run(() => [scratch(3), scratch(6), scratch(2)]);
    assert.deepEqual(
      fourth.map((a) => a.length),
      [3, 6, 2],
    );
    assert.deepEqual(
      ws.run(() => [scratch(3), scratch(6), scratch(2)]),
      fourth,
    );
    // After the run, scratch is back to new arrays.
    assert.ok(!fourth.includes(scratch(3)));
  });

  it('lays the kept arrays out in one WebAssembly memory after a run that made new ones (SIMD passes run on them in place)', () => {
    const ws = new Workspace();
    ws.run(() => [scratch(3), scratch(5), scratch(2)]);
    const arena = ws.run(() => [scratch(3), scratch(5), scratch(2)]);
    if (!simdPasses()) {
      assert.ok(arena.every((a) => a.buffer.byteLength === a.byteLength));
      return;
    }
    assert.ok(
      arena.every((a) => a.buffer === arena[0].buffer),
      'one memory',
    );
    assert.ok(
      arena.every((a) => a.byteOffset % 64 === 0),
      'each on a cache line',
    );
    // Disjoint: writing one leaves the others as they were.
    arena.forEach((a, i) => a.fill(i + 1));
    arena.forEach((a, i) => assert.ok(a.every((v) => v === i + 1)));
    // One new length: that array is new and separate, then all of them move into a new arena.
    const mixed = ws.run(() => [scratch(3), scratch(4), scratch(2)]);
    assert.equal(mixed[0], arena[0]);
    assert.notEqual(mixed[1].buffer, arena[0].buffer);
    const repacked = ws.run(() => [scratch(3), scratch(4), scratch(2)]);
    assert.ok(repacked.every((a) => a.buffer === repacked[0].buffer && a.buffer !== arena[0].buffer));
  });

  it('outsideWorkspace gives new arrays inside a run, and the run continues from where it was', () => {
    const ws = new Workspace();
    ws.run(() => [scratch(2), scratch(2)]);
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
