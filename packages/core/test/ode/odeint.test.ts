import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InputError, linspace, ode } from '@tangent-lab/core';

describe('ode.odeint inputs', () => {
  it('takes times and the initial state as typed arrays (linspace, Float64Array)', () => {
    const ts = linspace(0, 1, 5);
    const ys = ode.odeint((y) => Float64Array.from(y, (v) => -v), new Float64Array([1]), ts);
    ys.forEach((y, i) => assert.ok(Math.abs(y[0] - Math.exp(-ts[i])) < 1e-8, `t = ${ts[i]}`));
  });

  it('says what it was given when times are not a vector', () => {
    assert.throws(
      () => ode.odeint((y) => y, [1], 'abc' as never),
      (e: Error) =>
        e instanceof InputError &&
        /ts must be a vector — number\[\], a typed array such as Float64Array, or a one-column matrix — got the string "abc"/.test(e.message),
    );
    assert.throws(() => ode.odeint((y) => y, [1], []), /ts is empty/);
  });
});
