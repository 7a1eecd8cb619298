import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { afterEach, test } from 'node:test';
import { MIME_TYPE, parseDisplaySpec, progress } from '@tangent-lab/display';

// The test plays the tslab kernel: it records what the bar sends to the front end.
const jupyter = createRequire(require.resolve('@tangent-lab/display'))('tslab/dist/jupyter') as { lastWriteDisplayData: unknown };
interface Sent {
  data: Record<string, unknown>;
  transient: { display_id?: string };
  update: boolean;
}
let sent: Sent[] = [];
afterEach(() => {
  jupyter.lastWriteDisplayData = null;
});

test('a progress bar is one output updated in place, at most ten times a second, ending with its final state', async () => {
  sent = [];
  jupyter.lastWriteDisplayData = (content: Omit<Sent, 'update'>, update: boolean) => sent.push({ ...content, update });
  const bar = progress({ total: 1000, label: 'training' });
  for (let step = 1; step <= 1000; step++) bar.update(step); // a fast loop: one redraw
  await new Promise((r) => setTimeout(r, 120));
  bar.update(1000);
  bar.done();
  assert.ok(sent.length >= 2 && sent.length <= 4, `${sent.length} messages`);
  assert.deepEqual(
    sent.map((s) => s.update),
    [false, ...sent.slice(1).map(() => true)],
    'one output, then updates',
  );
  assert.equal(new Set(sent.map((s) => s.transient.display_id)).size, 1);
  const last = sent[sent.length - 1].data;
  const spec = parseDisplaySpec(last[MIME_TYPE]);
  assert.equal(spec.kind, 'progress');
  assert.deepEqual(spec.kind === 'progress' && [spec.done, spec.total, spec.finished], [1000, 1000, true]);
  assert.match(String(last['text/plain']), /^training █{20} 1000\/1000 \(done\), \d+\.\d s$/);
  assert.ok(JSON.stringify(last).length < 3000, 'light');
  assert.match(String(last['text/html']), /width:100\.0%/);
});

test('progress says what was wrong', () => {
  assert.throws(() => progress({ total: 0 }), /total must be a whole number ≥ 1/);
  assert.throws(() => progress({ total: 10, lable: 'x' } as never), /unknown option "lable"/);
  const bar = progress({ total: 10 });
  assert.throws(() => bar.update(11), /done must be a number in 0 … 10, got 11/);
  bar.done();
  assert.throws(() => bar.update(5), /update\(\) after done\(\)/);
});
