import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTick, niceTicks, renderCurveCharts, renderLineChart } from '../../../../recipe/report';

function seriesGroups(svg: string): string[] {
  return [...svg.matchAll(/<g class="series"[^>]*>(.*?)<\/g>/g)].map((m) => m[1]!);
}

function moveCount(pathGroup: string): number {
  const d = /<path d="([^"]*)"/.exec(pathGroup)?.[1] ?? '';
  return (d.match(/M/g) ?? []).length;
}

describe('renderLineChart', () => {
  test('draws one path per series with a legend entry each', () => {
    const svg = renderLineChart({
      title: 'Reward',
      series: [
        {
          name: 'reward',
          points: [
            { x: 0, y: 0.1 },
            { x: 1, y: 0.5 },
            { x: 2, y: 0.9 },
          ],
        },
        {
          name: 'accuracy',
          points: [
            { x: 0, y: 0.2 },
            { x: 1, y: 0.3 },
            { x: 2, y: 0.4 },
          ],
        },
      ],
    });
    assert.ok(svg.startsWith('<svg'));
    assert.ok(svg.endsWith('</svg>'));
    const groups = seriesGroups(svg);
    assert.equal(groups.length, 2);
    for (const g of groups) assert.equal(moveCount(g), 1);
    assert.equal((svg.match(/class="legend-item"/g) ?? []).length, 2);
    assert.match(svg, />reward<\/text>/);
    assert.match(svg, />accuracy<\/text>/);
    assert.ok(!svg.includes('no data'));
  });

  test('a null splits the line into two pieces; a lone value between nulls becomes a dot', () => {
    const svg = renderLineChart({
      title: 'gaps',
      series: [
        {
          name: 'kl',
          points: [
            { x: 0, y: 1 },
            { x: 1, y: 2 },
            { x: 2, y: null },
            { x: 3, y: 2 },
            { x: 4, y: 3 },
            { x: 5, y: null },
            { x: 6, y: 4 },
            { x: 7, y: null },
          ],
        },
      ],
    });
    const [group] = seriesGroups(svg);
    assert.equal(moveCount(group!), 2);
    assert.equal((group!.match(/<circle /g) ?? []).length, 1);
  });

  test('empty series, all-null series and no series render a framed "no data" chart', () => {
    for (const series of [
      [],
      [{ name: 'kl', points: [] }],
      [
        {
          name: 'kl',
          points: [
            { x: 0, y: null },
            { x: 1, y: null },
          ],
        },
      ],
    ]) {
      const svg = renderLineChart({ title: 'KL', series });
      assert.match(svg, /class="no-data"[^>]*>no data<\/text>/);
      assert.ok(!svg.includes('<path'));
      assert.ok(svg.endsWith('</svg>'));
    }
  });

  test('a single point is drawn as a dot on a valid axis', () => {
    const svg = renderLineChart({ title: 'one', series: [{ name: 'loss', points: [{ x: 5, y: 2 }] }] });
    assert.equal((svg.match(/<circle /g) ?? []).length, 1);
    assert.ok(!/NaN|Infinity/.test(svg));
  });

  test('title, legend and axis label text is escaped', () => {
    const svg = renderLineChart({
      title: 'a <b> & "c"',
      xLabel: '<step>',
      series: [
        {
          name: '<script>alert(1)</script>',
          points: [
            { x: 0, y: 1 },
            { x: 1, y: 2 },
          ],
        },
      ],
    });
    assert.ok(!svg.includes('<script>'));
    assert.ok(!svg.includes('<b>'));
    assert.ok(svg.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(svg.includes('a &lt;b&gt; &amp; &quot;c&quot;'));
    assert.ok(svg.includes('&lt;step&gt;'));
  });

  test('x ticks of training steps are whole numbers', () => {
    const svg = renderLineChart({
      title: 't',
      series: [
        {
          name: 's',
          points: [
            { x: 0, y: 1 },
            { x: 3, y: 2 },
          ],
        },
      ],
    });
    const ticks = [...svg.matchAll(/class="x-tick"[^>]*>([^<]*)</g)].map((m) => m[1]!);
    assert.ok(ticks.length >= 2);
    for (const t of ticks) assert.match(t, /^\d+$/);
  });
});

describe('formatTick', () => {
  test('uses the decimals of the step, zero included, and k for thousands', () => {
    assert.equal(formatTick(0, 0.5), '0.0');
    assert.equal(formatTick(5.551115123125783e-17, 0.1), '0.0');
    assert.equal(formatTick(0.25, 0.05), '0.25');
    assert.equal(formatTick(40, 20), '40');
    assert.equal(formatTick(12000, 2000), '12k');
    assert.equal(formatTick(0.00003, 0.00001), '3.0e-5');
  });
});

describe('niceTicks', () => {
  test('covers the range with 1-2-5 steps', () => {
    assert.deepEqual(niceTicks(0, 1, 5).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
    const t = niceTicks(0.013, 0.087, 4);
    assert.equal(t.step, 0.02);
    assert.equal(t.lo, 0);
    assert.equal(t.hi, 0.1);
  });

  test('a flat range is padded instead of dividing by zero', () => {
    const t = niceTicks(1, 1, 4);
    assert.ok(t.lo < 1 && t.hi > 1);
  });
});

describe('renderCurveCharts', () => {
  test('groups GRPO metrics into charts with a shared scale and SFT loss into its own', () => {
    const grpo = renderCurveCharts([
      {
        step: 0,
        reward: 1,
        'reward.accuracy': 0.4,
        accuracy: 0.4,
        kl: null,
        meanLength: 30,
        clipFraction: 0.1,
        customThing: 3,
      },
      {
        step: 1,
        reward: 1.2,
        'reward.accuracy': 0.5,
        accuracy: 0.5,
        kl: 0.01,
        meanLength: 31,
        clipFraction: 0.1,
        customThing: 4,
      },
    ]);
    const titles = grpo.map((svg) => /<title>([^<]*)<\/title>/.exec(svg)![1]);
    assert.deepEqual(titles, [
      'Reward',
      'Accuracy, format, language',
      'KL to reference',
      'Mean completion length (tokens)',
      'Clipped, truncated, zero-std',
      'Other metrics',
    ]);
    assert.match(grpo[0]!, />reward: accuracy<\/text>/);
    // Rates keep the full 0..1 axis even when they only span 0.4..0.5.
    const rateTicks = [...grpo[1]!.matchAll(/class="y-tick"[^>]*>([^<]*)</g)].map((m) => m[1]);
    assert.equal(rateTicks[0], '0.0');
    assert.equal(rateTicks[rateTicks.length - 1], '1.0');
    const sft = renderCurveCharts([
      { step: 0, loss: 3 },
      { step: 5, loss: 2 },
    ]);
    assert.equal(sft.length, 1);
    assert.match(sft[0]!, /<title>Loss<\/title>/);
  });

  test('an empty curve has no charts', () => {
    assert.deepEqual(renderCurveCharts([]), []);
    assert.deepEqual(renderCurveCharts([{ step: 0 }]), []);
  });
});
