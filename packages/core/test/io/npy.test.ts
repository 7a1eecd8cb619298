import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { InputError, Matrix, ShapeError, Tensor, io, random } from '@tangent-lab/core';
import { runPython } from '../helpers/python';

const dir = mkdtempSync(join(tmpdir(), 'tangent-npy-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('io.writeNpy → numpy.load', () => {
  it('writes float64 bit for bit and float32 rounded, matrices and rank-4 tensors, C order', () => {
    const m = random.normal(random.key(0), [5, 3]);
    const t = new Tensor([2, 3, 3, 2], random.normal(random.key(1), 36));
    const paths = ['m64.npy', 'm32.npy', 't64.npy', 'nested.npy'].map((f) => join(dir, f));
    io.writeNpy(paths[0], m);
    io.writeNpy(paths[1], m, { dtype: 'float32' });
    io.writeNpy(paths[2], t);
    io.writeNpy(paths[3], [[[1, 2]], [[3, 4]]]);
    const [m64, m32, t64, nested] = runPython<{ dtype: string; shape: number[]; values: number[] }[]>('npy_reference.py', { op: 'load', paths });
    assert.deepEqual([m64.dtype, m64.shape], ['<f8', [5, 3]]);
    assert.deepEqual(m64.values, Array.from(m.data));
    assert.deepEqual([m32.dtype, m32.shape], ['<f4', [5, 3]]);
    assert.deepEqual(m32.values, Array.from(m.data, Math.fround));
    assert.deepEqual([t64.shape, t64.values], [[2, 3, 3, 2], Array.from(t.data)]);
    assert.deepEqual(
      [nested.shape, nested.values],
      [
        [2, 1, 2],
        [1, 2, 3, 4],
      ],
    );
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
      'no temporary file is left',
    );
  });
});

describe('numpy.save → io.readNpy', () => {
  const saved = runPython<Record<string, { shape: number[]; values: number[] }>>('npy_reference.py', { op: 'save', dir });

  it('reads float64, float32, float16, integers and booleans into float64', () => {
    for (const name of ['f8.npy', 'f4.npy', 'f2.npy', 'i8.npy', 'i4.npy', 'u1.npy', 'bool.npy', 'vector.npy', 'images.npy']) {
      const t = io.readNpy(join(dir, name), { as: 'tensor' });
      assert.deepEqual(t.shape, saved[name].shape, name);
      assert.deepEqual(Array.from(t.data), saved[name].values, name);
    }
  });

  it('reorders Fortran-ordered arrays to row-major', () => {
    for (const name of ['fortran2.npy', 'fortran3.npy']) {
      const t = io.readNpy(join(dir, name), { as: 'tensor' });
      assert.deepEqual(Array.from(t.data), saved[name].values, name);
    }
  });

  it('gives a Matrix for rank 2, a Tensor otherwise, and what `as` asks for', () => {
    assert.ok(io.readNpy(join(dir, 'f8.npy')) instanceof Matrix);
    assert.ok(io.readNpy(join(dir, 'images.npy')) instanceof Tensor);
    const column = io.readNpy(join(dir, 'vector.npy'), { as: 'matrix' });
    assert.deepEqual([column.rows, column.cols], [7, 1]);
    assert.throws(
      () => io.readNpy(join(dir, 'images.npy'), { as: 'matrix' }),
      (e: Error) => e instanceof ShapeError && /rank-4 array of shape \[2, 4, 4, 1\], not a matrix; read it with \{ as: 'tensor' \}/.test(e.message),
    );
  });

  it('refuses what it cannot represent, saying why', () => {
    assert.throws(
      () => io.readNpy(join(dir, 'big_endian.npy')),
      (e: Error) => e instanceof InputError && /big-endian/.test(e.message),
    );
    assert.throws(() => io.readNpy(join(dir, 'complex.npy')), /complex numbers/);
    assert.throws(
      () => io.readNpy(join(dir, 'nan.npy')),
      (e: Error) => e instanceof InputError && /nan\.npy\[0\]\[1\] is NaN/.test(e.message),
    );
    const junk = join(dir, 'junk.npy');
    writeFileSync(junk, 'not numpy');
    assert.throws(() => io.readNpy(junk), /cannot read .*junk\.npy as \.npy: Not an \.npy file/);
    assert.throws(() => io.readNpy(join(dir, 'f8.npy'), { as: 'array' } as never), /as must be 'matrix' or 'tensor'/);
    assert.throws(() => io.writeNpy(join(dir, 'x.npy'), Matrix.from([[1]]), { dtype: 'int8' } as never), /dtype must be 'float64' or 'float32'/);
  });

  it('round-trips its own files exactly', () => {
    const m = random.normal(random.key(5), [4, 6]);
    const path = join(dir, 'round.npy');
    io.writeNpy(path, m);
    assert.deepEqual(io.readNpy(path, { as: 'matrix' }).data, m.data);
  });
});
