import assert from 'node:assert/strict';
import { test } from 'node:test';
import { confusionHeatmap, LIGHT, toPlotly } from '@tangent-lab/display';
import { elements, parseXml } from './xml';

test('confusionHeatmap counts true × predicted, shows the counts, names the classes and the accuracy', () => {
  const labels = [0, 0, 0, 1, 1, 2, 2, 2, 2];
  const predicted = [0, 0, 1, 1, 1, 2, 2, 0, 2];
  const fig = confusionHeatmap({ labels, predicted, classes: ['cat', 'dog', 'emu'] });
  const [trace] = fig.spec.traces;
  assert.equal(trace.type, 'heatmap');
  if (trace.type !== 'heatmap') return;
  assert.deepEqual(trace.z, [
    [2, 1, 0],
    [0, 2, 0],
    [1, 0, 3],
  ]);
  assert.deepEqual(trace.text, [
    ['2', '1', '0'],
    ['0', '2', '0'],
    ['1', '0', '3'],
  ]);
  assert.equal(trace.origin, 'upper', 'true class 0 on the first row, at the top');
  assert.equal(fig.spec.title, 'confusion matrix (accuracy 77.8% of 9)');
  assert.deepEqual(fig.spec.yAxis.ticks?.labels, ['cat', 'dog', 'emu']);
  const svg = parseXml(fig.toBundle()['image/svg+xml']);
  assert.deepEqual(
    elements(svg, 'text')
      .filter((t) => (t.parentNode as Element).getAttribute('class') === 'cell-text')
      .map((t) => t.textContent),
    ['2', '1', '0', '0', '2', '0', '1', '0', '3'],
  );
  assert.ok(
    elements(svg, 'text').some((t) => t.textContent === 'emu'),
    'class names as ticks',
  );
  const { data, layout } = toPlotly(fig.spec, LIGHT);
  assert.deepEqual((data[0] as { text: string[][] }).text[2], ['1', '0', '3']);
  assert.deepEqual((layout.xaxis as { ticktext: string[] }).ticktext, ['cat', 'dog', 'emu']);
});

test('normalize colours each row by its share; a given matrix works the same; bad input is named', () => {
  const fig = confusionHeatmap({
    matrix: [
      [3, 1],
      [0, 4],
    ],
    normalize: true,
  });
  const [trace] = fig.spec.traces;
  if (trace.type !== 'heatmap') return;
  assert.deepEqual(trace.z, [
    [0.75, 0.25],
    [0, 1],
  ]);
  assert.deepEqual(
    trace.text,
    [
      ['3', '1'],
      ['0', '4'],
    ],
    'cells still show counts',
  );
  assert.throws(
    () =>
      confusionHeatmap({
        matrix: [
          [1, 2, 3],
          [4, 5, 6],
        ],
      }),
    /is 2×3; a confusion matrix is square/,
  );
  assert.throws(() => confusionHeatmap({ labels: [0, 1.5], predicted: [0, 1] }), /labels\[1\] is 1.5; classes are whole numbers/);
  assert.throws(() => confusionHeatmap({ labels: [0, 1], predicted: [0] }), /labels has 2 entries but predicted has 1/);
  assert.throws(() => confusionHeatmap({ labels: [0, 1] } as never), /pass matrix \(the counts\), or both labels and predicted/);
});
