import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { barChartSvg, escapeXml, lineChartSvg, niceCeiling } from '../../../src/core/charts/svg.ts';

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
});
