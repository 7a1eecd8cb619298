import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, linalg, Matrix, random, ShapeError, stax, type Layer } from '@tangent-lab/core';
import { assertClose, inputs, maxRelError } from '../helpers/compare';

const cookbook = () =>
  stax.serial(
    stax.dense(512, { wStd: 1.5, bStd: 0.05 }),
    stax.erf(),
    stax.dense(512, { wStd: 1.5, bStd: 0.05 }),
    stax.erf(),
    stax.dense(1, { wStd: 1.5, bStd: 0.05 }),
  );

const resnet = () =>
  stax.serial(
    stax.dense(64, { wStd: 1.2, bStd: 0.1 }),
    stax.fanOut(2),
    stax.parallel(stax.serial(stax.relu(), stax.dense(64, { wStd: 1.4 })), stax.identity()),
    stax.fanInSum(),
    stax.gelu(),
    stax.fanOut(3),
    stax.parallel(stax.dense(8), stax.serial(stax.dense(4), stax.sin()), stax.dense(12, { bStd: 0.5 })),
    stax.fanInConcat(),
    stax.dense(1),
  );

describe('kernel properties', () => {
  const x = inputs(30, 4, 21);
  for (const [name, make] of [
    ['erf MLP', cookbook],
    ['residual + concat', resnet],
  ] as const) {
    it(`${name}: symmetric and positive semi-definite`, () => {
      const k = make().kernel(x);
      for (const m of [k.nngp, k.ntk!]) {
        assert.equal(m.asymmetry(), 0);
        const { eigenvalues } = linalg.eigh(m);
        assert.ok(eigenvalues[0] > -1e-12 * m.trace(), `smallest eigenvalue ${eigenvalues[0]}`);
      }
    });

    it(`${name}: kernel(x) equals kernel(x, x), kernel(x, copy of x), and blocks of kernel(x1 ∪ x2)`, () => {
      const net = make();
      const self = net.kernel(x);
      const same = net.kernel(x, x);
      assert.deepEqual(same.nngp.data, self.nngp.data);
      assert.deepEqual(same.ntk!.data, self.ntk!.data);
      // A copy is not known to be x: its diagonal carries round-off of ~1e-16
      // in q12, which ReLU's 𝒯̇ (slope ∝ 1/√(1 − ρ²) at ρ = 1) turns into ~1e-9.
      const pair = net.kernel(
        x,
        x.map((r) => [...r]),
      );
      assertClose(pair.nngp, self.nngp.data, 1e-12, 'nngp');
      assertClose(pair.ntk!, self.ntk!.data, 1e-8, 'ntk');
      const cross = net.kernel(x.slice(0, 10), x.slice(10), 'nngp');
      for (let i = 0; i < 10; i++) {
        for (let j = 0; j < 20; j++) assert.ok(Math.abs(cross.get(i, j) - self.nngp.get(i, 10 + j)) <= 1e-12 * Math.abs(self.nngp.get(i, 10 + j)) + 1e-15);
      }
    });
  }

  it('get selects kernels like Neural Tangents: string → Matrix, array/undefined → { nngp, ntk }', () => {
    const net = cookbook();
    const both = net.kernel(x);
    assert.ok(net.kernel(x, null, 'nngp') instanceof Matrix);
    assert.deepEqual(net.kernel(x, null, 'ntk').data, both.ntk!.data);
    const onlyNngp = net.kernel(x, null, ['nngp']);
    assert.equal(onlyNngp.ntk, undefined);
    assert.deepEqual(onlyNngp.nngp.data, both.nngp.data);
  });

  it('a network without trainable layers has a zero NTK, as in Neural Tangents', () => {
    const k = stax.serial(stax.identity(), stax.identity()).kernel(x);
    assert.ok(k.nngp.maxAbs() > 0);
    assert.ok(k.ntk instanceof Matrix && k.ntk.rows === k.nngp.rows && k.ntk.cols === k.nngp.cols && k.ntk.maxAbs() === 0);
    const single = stax.identity().kernel(x, null, 'ntk');
    assert.ok(single.rows === k.nngp.rows && single.maxAbs() === 0);
  });
});

describe('the public layer surface (init, apply, kernel, name, spec; impl behind one field)', () => {
  it('apply of the residual network runs and is deterministic in the key', () => {
    const net = resnet();
    const a = net.init(random.key(1), 4);
    const b = net.init(random.key(1), 4);
    const x = inputs(3, 4, 5);
    assert.equal(a.outputDim, 1);
    assert.ok(maxRelError(net.apply(a.params, x).data, net.apply(b.params, x).data) === 0);
  });

  it('has init, apply, kernel, name, spec and impl, and apply works detached', () => {
    const net = cookbook();
    assert.deepEqual(Object.keys(net).sort(), ['apply', 'impl', 'init', 'kernel', 'name', 'spec']);
    const { apply } = net;
    const { params } = net.init(random.key(0), 2);
    assert.equal(apply(params, [[0.1, 0.2]]).rows, 1);
  });
});

const net = stax.serial(stax.dense(16, { wStd: 1.5 }), stax.relu(), stax.dense(1));
const x2 = [
  [0.1, 0.2],
  [0.3, -0.4],
];

describe('bad input is rejected before any work, naming the problem and the fix', () => {
  it('feature dimensions of x1 and x2 differ', () => {
    assert.throws(
      () => net.kernel(x2, [[1, 2, 3]]),
      (e: Error) => e instanceof ShapeError && /different example shapes \(\(2\) vs \(3\)\)/.test(e.message),
    );
  });

  it('ragged or empty arrays', () => {
    assert.throws(
      () => net.kernel([[1, 2], [3]]),
      (e: Error) => e instanceof ShapeError && /x1 is ragged: row 0 has 2 entries but row 1 has 1/.test(e.message),
    );
    assert.throws(
      () => net.kernel([]),
      (e: Error) => e instanceof ShapeError && /x1 is empty/.test(e.message),
    );
    assert.throws(() => net.kernel([[]]), /rows of length 0/);
    assert.throws(
      () =>
        net.apply(null, [
          [1, 2],
          [3, 4, 5],
        ]),
      /ragged/,
    );
  });

  it('NaN or ±Infinity in inputs', () => {
    assert.throws(
      () => net.kernel([[1, NaN]]),
      (e: Error) => e instanceof InputError && /x1 has a non-finite value \(NaN\) at row 0, column 1/.test(e.message),
    );
    assert.throws(() => net.kernel(x2, [[Infinity, 0]]), /x2 has a non-finite value \(Infinity\)/);
  });

  it("get not in {'nngp', 'ntk'}", () => {
    assert.throws(
      () => net.kernel(x2, null, 'ntK' as never),
      (e: Error) => e instanceof InputError && /get must be 'nngp' or 'ntk'/.test(e.message),
    );
    assert.throws(() => net.kernel(x2, null, [] as never), /get must be/);
  });

  it('layers used wrongly say how to fix it', () => {
    assert.throws(() => stax.serial(stax.relu as never), /call it, e.g. stax.relu\(\) rather than stax.relu/);
    assert.throws(() => stax.serial(stax.relu(), stax.dense(1)).kernel(x2), /must be Gaussian.*put stax.dense/);
    assert.throws(() => stax.serial(stax.dense(2), stax.fanOut(2)).kernel(x2), /ends in 2 branches/);
    assert.throws(() => net.init([0, 1], 0), /inputShape must be a positive integer/);
    assert.throws(() => net.init([0.5, 1] as never, 2), /random key/);
  });
});

describe("a Kernel result (Neural Tangents' Kernel)", () => {
  const x1 = inputs(9, 3, 31);
  const x2 = inputs(6, 3, 32);

  it("carries each input's variance and whether x2 was x1", () => {
    const net = cookbook();
    const both = net.kernel(x1, x2);
    assert.equal(both.x1IsX2, false);
    assert.equal(both.cov1!.length, 9);
    assert.equal(both.cov2!.length, 6);
    const self = net.kernel(x1);
    assert.equal(self.x1IsX2, true);
    // The variances are the diagonal of the symmetric kernel.
    self.cov1!.forEach((v, i) => assert.equal(v, self.nngp.get(i, i)));
  });

  it('continues the network: serial(a, b).kernel(x) = b.kernel(a.kernel(x)), also for x1 ≠ x2, branches and standard parameterization', () => {
    const cases: [Layer, Layer][] = [
      [stax.serial(stax.dense(8, { wStd: 1.5, bStd: 0.05 }), stax.erf(), stax.dense(8, { wStd: 1.5, bStd: 0.05 })), stax.serial(stax.relu(), stax.dense(1))],
      [stax.dense(16, { bStd: 0.2, parameterization: 'standard' }), stax.serial(stax.gelu(), stax.dense(4, { parameterization: 'standard' }))],
      [
        stax.serial(stax.dense(8), stax.fanOut(2), stax.parallel(stax.serial(stax.relu(), stax.dense(8)), stax.identity()), stax.fanInSum()),
        stax.serial(stax.erf(), stax.dense(1)),
      ],
    ];
    for (const [a, b] of cases) {
      for (const pair of [
        [x1, x2],
        [x1, null],
      ] as const) {
        const whole = stax.serial(a, b).kernel(pair[0], pair[1]);
        const continued = b.kernel(a.kernel(pair[0], pair[1]));
        assertClose(continued.nngp, whole.nngp.data, 1e-15, 'nngp');
        assertClose(continued.ntk!, whole.ntk!.data, 1e-15, 'ntk');
      }
    }
  });

  it('one Kernel per branch feeds a network with several inputs', () => {
    const a = stax.dense(4, { bStd: 0.1 });
    const b = stax.dense(6, { wStd: 1.3 });
    const tail = stax.serial(stax.parallel(stax.relu(), stax.erf()), stax.fanInConcat(), stax.dense(1));
    const whole = stax.serial(stax.fanOut(2), stax.parallel(a, b), tail).kernel(x1);
    const continued = tail.kernel([a.kernel(x1), b.kernel(x1)]);
    assertClose(continued.ntk!, whole.ntk!.data, 1e-15, 'ntk');
  });

  it('refuses an x2 beside a Kernel, and standard parameterization without the width', () => {
    const k = stax.dense(4).kernel(x1);
    assert.throws(
      () => stax.relu().kernel(k, x2),
      (e: Error) => e instanceof InputError && /continuing from a Kernel takes no x2/.test(e.message),
    );
    const bare = { nngp: k.nngp, ntk: k.ntk, cov1: k.cov1, x1IsX2: true };
    assert.throws(
      () => stax.serial(stax.relu(), stax.dense(1, { parameterization: 'standard' })).kernel(bare),
      /standard parameterization needs the width of its input/,
    );
    assert.throws(() => stax.relu().kernel({ nngp: k.nngp, x1IsX2: true }), /needs cov1 and cov2/);
  });
});
