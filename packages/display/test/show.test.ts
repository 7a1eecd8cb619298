import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { afterEach, test } from 'node:test';
import { gpBands, KernelError, liveDisplay, MIME_TYPE, show } from '@tangent-lab/display';

// The real tslab module whose writer a kernel sets while it executes a cell;
// here the test plays the kernel and records what would go to the front end.
const requireFromDisplay = createRequire(require.resolve('@tangent-lab/display'));
const jupyter = requireFromDisplay('tslab/dist/jupyter') as { lastWriteDisplayData: unknown };

interface Sent {
  content: { data: Record<string, unknown>; metadata: object; transient: { display_id?: string } };
  update: boolean;
}
let sent: Sent[] = [];
function playKernel(): void {
  sent = [];
  jupyter.lastWriteDisplayData = (content: Sent['content'], update: boolean) => sent.push({ content, update });
}
afterEach(() => {
  jupyter.lastWriteDisplayData = null;
});

const fig = gpBands({ x: [0, 1], mean: [0, 1], std: [0.1, 0.2] });

test('show() sends the whole bundle in one display message, never plotly unless asked', () => {
  playKernel();
  show(fig);
  show(fig);
  assert.equal(sent.length, 2);
  for (const { content, update } of sent) {
    assert.equal(update, false);
    assert.deepEqual(Object.keys(content.data).sort(), [MIME_TYPE, 'image/svg+xml', 'text/html', 'text/plain'].sort());
    assert.ok(!String(content.data['text/html']).includes('plotly.js v4'));
    assert.ok(JSON.stringify(content.data).length < 30_000, 'a light output');
  }
  show(fig, { includePlotly: true });
  assert.ok(String(sent[2].content.data['text/html']).includes('plotly.js v4'), 'asked for');
});

test('a live display adds one output, then updates it in place', () => {
  playKernel();
  const live = liveDisplay();
  for (let k = 0; k < 3; k++) live.update(gpBands({ x: [0, 1], mean: [k, k], std: [0.1, 0.1] }));
  assert.deepEqual(
    sent.map((s) => s.update),
    [false, true, true],
  );
  assert.ok(sent.every((s) => s.content.transient.display_id === live.id));
  assert.ok(sent.every((s) => !String(s.content.data['text/html']).includes('plotly.js v4')));
  assert.equal((sent[2].content.data[MIME_TYPE] as { traces: { y?: number[] }[] }).traces[1].y?.[0], 2);
});

test('show() outside a kernel says how to get the bundle instead', () => {
  jupyter.lastWriteDisplayData = null;
  assert.throws(
    () => show(fig),
    (e: Error) => e instanceof KernelError && /figure\.toBundle\(\)/.test(e.message),
  );
});

test('show() rejects values it cannot draw', () => {
  playKernel();
  assert.throws(() => show({ rows: 2 } as never), /expected a Figure/);
  assert.equal(sent.length, 0);
});
