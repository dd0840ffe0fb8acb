import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  barChartSvg,
  escapeXml,
  integerStep,
  lineChartSvg,
  niceCeiling,
  yTicks,
} from '../../../src/core/charts/svg.ts';

/** The y axis tick labels, bottom to top. */
function tickLabels(svg: string): number[] {
  return [...svg.matchAll(/text-anchor="end" dominant-baseline="middle">([^<]*)</g)].map((m) => Number(m[1]));
}

/** Every element closed in order: enough to catch a broken tag or an unescaped `<`. */
function balanced(svg: string): boolean {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)([^>]*?)(\/?)>/g)) {
    const [, close, name, , self] = m;
    if (self) continue;
    if (close) {
      if (stack.pop() !== name) return false;
    } else stack.push(name!);
  }
  return stack.length === 0;
}

describe('svg charts', () => {
  it('rounds the axis up to 1, 2, 2.5 or 5 x 10^k', () => {
    expect(niceCeiling(0)).toBe(1);
    expect(niceCeiling(7)).toBe(10);
    expect(niceCeiling(17)).toBe(20);
    expect(niceCeiling(2.2)).toBe(2.5);
    expect(niceCeiling(430)).toBe(500);
  });

  it('breaks a line at a missing value instead of drawing it at zero', () => {
    const svg = lineChartSvg({
      title: 'TTD',
      yLabel: 'minutes',
      labels: ['a', 'b', 'c', 'd', 'e'],
      series: [{ name: 'TTD', values: [1, 2, null, 4, 5] }],
    });
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg.match(/<circle/g)).toHaveLength(4);
    expect(balanced(svg)).toBe(true);
  });

  it('says "no data" for an empty chart', () => {
    const svg = barChartSvg({ title: 'x', yLabel: 'y', labels: [], series: [{ name: 's', values: [] }] });
    expect(svg).toContain('no data');
    expect(balanced(svg)).toBe(true);
  });

  it('escapes labels and is the same bytes for the same input', () => {
    const spec = {
      title: 'Cost <&> "per" session',
      yLabel: 'USD',
      labels: ['<script>', 'b&c'],
      series: [{ name: "o'neil", values: [1.234, 5] }],
    };
    const svg = barChartSvg(spec);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
    expect(barChartSvg(spec)).toBe(svg);
    expect(escapeXml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&apos;');
  });

  it('property: any series gives a well-formed chart with every point inside the plot', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.double({ min: 0, max: 1e6, noNaN: true }), { nil: null }), {
          minLength: 0,
          maxLength: 40,
        }),
        fc.string({ maxLength: 12 }),
        (values, label) => {
          const labels = values.map((_, i) => `${label}${i}`);
          for (const svg of [
            lineChartSvg({ title: label, yLabel: label, labels, series: [{ name: label, values }] }),
            barChartSvg({ title: label, yLabel: label, labels, series: [{ name: label, values }] }),
          ]) {
            expect(balanced(svg)).toBe(true);
            for (const m of svg.matchAll(/cy="([\d.-]+)"/g)) {
              expect(Number(m[1])).toBeGreaterThanOrEqual(40 - 0.01);
              expect(Number(m[1])).toBeLessThanOrEqual(320 - 56 + 0.01);
            }
          }
        },
      ),
    );
  });

  it('a count axis has whole-number ticks: one incident is 0 and 1, never 0.25, 0.5, 0.75', () => {
    const svg = barChartSvg({
      title: 'Incidents per day',
      yLabel: 'incidents',
      labels: ['03-01', '03-02'],
      series: [{ name: 'SEV1', values: [0, 1] }],
    });
    expect(tickLabels(svg)).toEqual([0, 1]);
    expect(tickLabels(barChartSvg({ title: 'x', yLabel: 'y', labels: [], series: [] }))).toEqual([0, 1]);
    expect(yTicks(3, true)).toEqual({ yMax: 3, ticks: [0, 1, 2, 3] });
    expect(yTicks(7, true)).toEqual({ yMax: 8, ticks: [0, 2, 4, 6, 8] });
    expect(yTicks(12, true)).toEqual({ yMax: 15, ticks: [0, 5, 10, 15] });
    expect(integerStep(430)).toBe(100);
  });

  it('an axis with fractions keeps quarter ticks; `integer` overrides the guess', () => {
    const spec = {
      title: 't',
      yLabel: 'minutes',
      labels: ['a', 'b'],
      series: [{ name: 's', values: [0.4, 1.7] }],
    };
    expect(tickLabels(lineChartSvg(spec))).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(tickLabels(lineChartSvg({ ...spec, integer: true }))).toEqual([0, 1, 2]);
    expect(
      tickLabels(lineChartSvg({ ...spec, series: [{ name: 's', values: [1, 2] }], integer: false })),
    ).toEqual([0, 0.5, 1, 1.5, 2]);
  });

  it('property: counts give whole, evenly spaced ticks from 0 that reach the largest, at most six', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.nat({ max: 100_000 }), { nil: null }), { maxLength: 40 }),
        fc.boolean(),
        (values, bars) => {
          const spec = {
            title: 'n',
            yLabel: 'count',
            labels: values.map((_, i) => String(i)),
            series: [{ name: 'n', values }],
          };
          const ticks = tickLabels(bars ? barChartSvg(spec) : lineChartSvg(spec));
          expect(ticks[0]).toBe(0);
          expect(ticks.length).toBeGreaterThanOrEqual(2);
          expect(ticks.length).toBeLessThanOrEqual(6);
          for (const t of ticks) expect(Number.isInteger(t)).toBe(true);
          const step = ticks[1]! - ticks[0]!;
          ticks.forEach((t, i) => {
            expect(t).toBe(i * step);
          });
          const max = Math.max(0, ...values.filter((v): v is number => v !== null));
          expect(ticks.at(-1)!).toBeGreaterThanOrEqual(max);
        },
      ),
    );
  });
});
