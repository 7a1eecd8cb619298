import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readNpyRows, writeNpy } from '@tangent-lab/core/internal/batch/npy';

const dir = mkdtempSync(join(tmpdir(), 'tangent-npy-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function python(code: string): string {
  const r = spawnSync('python3', ['-c', code], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

describe('.npy tiles', () => {
  it('numpy reads what we write, bit for bit, for shapes whose header needs padding', () => {
    for (const [rows, cols] of [
      [3, 5],
      [1, 1],
      [0, 4],
      [17, 123],
    ]) {
      const data = Float64Array.from({ length: rows * cols }, (_, i) => Math.sin(i + 0.5) * 10 ** ((i % 7) - 3));
      const path = join(dir, `ours-${rows}x${cols}.npy`);
      writeNpy(path, data, [rows, cols]);
      const out = python(`import numpy as np; a = np.load(${JSON.stringify(path)}); print(a.dtype.str, a.shape, a.flags['C_CONTIGUOUS'], a.tobytes().hex())`);
      const [dtype, ...rest] = out.split(' ');
      assert.equal(dtype, '<f8');
      assert.ok(out.includes(`(${rows}, ${cols})`), out);
      assert.equal(rest.at(-1) === 'True' ? '' : rest.at(-1), Buffer.from(data.buffer).toString('hex'));
    }
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
      'no temporary files left behind',
    );
  });

  it('reads what numpy writes, whole or a range of rows, and refuses other dtypes and layouts', () => {
    const path = join(dir, 'numpy.npy');
    const bad = join(dir, 'float32.npy');
    const fortran = join(dir, 'fortran.npy');
    python(
      `import numpy as np; a = np.arange(35, dtype='<f8').reshape(7, 5) / 3; np.save(${JSON.stringify(path)}, a); np.save(${JSON.stringify(bad)}, a.astype('<f4')); np.save(${JSON.stringify(fortran)}, np.asfortranarray(a))`,
    );
    const all = readNpyRows(path);
    assert.deepEqual(all.shape, [7, 5]);
    assert.deepEqual(
      [...all.data],
      Array.from({ length: 35 }, (_, i) => i / 3),
    );
    const some = readNpyRows(path, 2, 4);
    assert.deepEqual(
      [...some.data],
      Array.from({ length: 10 }, (_, i) => (i + 10) / 3),
    );
    assert.throws(() => readNpyRows(path, 5, 9), /rows \[5, 9\) are outside its 7 rows/);
    assert.throws(() => readNpyRows(bad), /expected a C-ordered 2-D float64 array \('<f8'\), got descr <f4/);
    assert.throws(() => readNpyRows(fortran), /fortran_order true/);
  });
});
