// Small, dependency-free SVG charts for reports: a line chart and a grouped bar chart over categorical x
// labels. Pure and deterministic (same input, same bytes), so charts can be golden-tested and diffed.
// Missing values (null) are gaps, not zeros.

export interface ChartSeries {
  name: string;
  values: ReadonlyArray<number | null>;
}

export interface ChartSpec {
  title: string;
  /** Unit of the y axis, e.g. "minutes". */
  yLabel: string;
  /** One label per x position. */
  labels: readonly string[];
  series: readonly ChartSeries[];
  width?: number;
  height?: number;
  /** Horizontal reference lines (targets), drawn dashed with their label. */
  marks?: ReadonlyArray<{ y: number; label: string }>;
  /**
   * A count axis: ticks at whole numbers only (never 0.5 incidents). By default, when every value and
   * mark is a whole number.
   */
  integer?: boolean;
}

// Colour-blind-safe (Okabe-Ito), in a fixed order.
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
const MARGIN = { top: 40, right: 16, bottom: 56, left: 56 };

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Trim to two decimals without trailing zeros: stable text for coordinates and ticks. */
const num = (n: number) => String(Math.round(n * 100) / 100);

/** The smallest 1, 2, 2.5 or 5 × 10^k at or above `max` (1 for an empty or all-zero chart). */
export function niceCeiling(max: number): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= max - 1e-9 * p) return m * p;
  return 10 * p;
}

/** The step of a whole-number axis: 1, 2 or 5 × 10^k, so that at most five steps reach `max`. */
export function integerStep(max: number): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  for (let p = 1; ; p *= 10) for (const m of [1, 2, 5]) if (Math.ceil(max / (m * p)) <= 5) return m * p;
}

/** The top of the y axis and its ticks from 0. */
export function yTicks(max: number, integer: boolean): { yMax: number; ticks: number[] } {
  if (!integer) {
    const yMax = niceCeiling(max);
    return { yMax, ticks: [0, 1, 2, 3, 4].map((k) => (yMax * k) / 4) };
  }
  const step = integerStep(max);
  const yMax = Math.max(step, Math.ceil(max / step) * step);
  const ticks: number[] = [];
  for (let v = 0; v <= yMax; v += step) ticks.push(v);
  return { yMax, ticks };
}

interface Frame {
  w: number;
  h: number;
  plotW: number;
  plotH: number;
  top: number;
  y: (v: number) => number;
}

function frame(spec: ChartSpec): Frame & { yMax: number; ticks: number[] } {
  const w = spec.width ?? 640;
  const h = spec.height ?? 320;
  const all = spec.series
    .flatMap((s) => s.values)
    .filter((v): v is number => v !== null && Number.isFinite(v));
  const marks = (spec.marks ?? []).map((m) => m.y);
  const integer = spec.integer ?? [...all, ...marks].every((v) => Number.isInteger(v));
  const { yMax, ticks } = yTicks(Math.max(0, ...all, ...marks), integer);
  const plotW = w - MARGIN.left - MARGIN.right;
  const plotH = h - MARGIN.top - MARGIN.bottom;
  return {
    w,
    h,
    plotW,
    plotH,
    top: MARGIN.top,
    yMax,
    ticks,
    y: (v) => MARGIN.top + plotH - (Math.max(0, v) / yMax) * plotH,
  };
}

function open(spec: ChartSpec, f: Frame): string[] {
  const title = escapeXml(spec.title);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${f.w}" height="${f.h}" viewBox="0 0 ${f.w} ${f.h}" role="img" aria-label="${title}" font-family="sans-serif" font-size="11">`,
    `<title>${title}</title>`,
    `<rect width="${f.w}" height="${f.h}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="18" font-size="14" font-weight="bold">${title}</text>`,
  ];
}

function axes(
  spec: ChartSpec,
  f: Frame & { yMax: number; ticks: number[] },
  xOf: (i: number) => number,
): string[] {
  const out: string[] = [];
  const left = MARGIN.left;
  const bottom = f.top + f.plotH;
  for (const v of f.ticks) {
    const y = num(f.y(v));
    out.push(
      `<line x1="${left}" y1="${y}" x2="${left + f.plotW}" y2="${y}" stroke="#e0e0e0"/>`,
      `<text x="${left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${num(v)}</text>`,
    );
  }
  out.push(
    `<line x1="${left}" y1="${f.top}" x2="${left}" y2="${bottom}" stroke="#333333"/>`,
    `<line x1="${left}" y1="${bottom}" x2="${left + f.plotW}" y2="${bottom}" stroke="#333333"/>`,
    `<text x="14" y="${num(f.top + f.plotH / 2)}" text-anchor="middle" transform="rotate(-90 14 ${num(f.top + f.plotH / 2)})">${escapeXml(spec.yLabel)}</text>`,
  );
  // At most about a dozen x labels, evenly spaced, so they never overlap.
  const n = spec.labels.length;
  const every = Math.max(1, Math.ceil(n / 12));
  spec.labels.forEach((label, i) => {
    if (i % every !== 0 && i !== n - 1) return;
    out.push(
      `<text x="${num(xOf(i))}" y="${bottom + 14}" text-anchor="middle">${escapeXml(label.length > 14 ? `${label.slice(0, 13)}…` : label)}</text>`,
    );
  });
  for (const m of spec.marks ?? []) {
    const y = num(f.y(m.y));
    out.push(
      `<line x1="${left}" y1="${y}" x2="${left + f.plotW}" y2="${y}" stroke="#B00020" stroke-dasharray="6 4"/>`,
      `<text x="${left + f.plotW - 4}" y="${num(f.y(m.y) - 4)}" text-anchor="end" fill="#B00020">${escapeXml(m.label)}</text>`,
    );
  }
  return out;
}

function legend(spec: ChartSpec, f: Frame): string[] {
  const out: string[] = [];
  let x = MARGIN.left;
  const y = f.h - 12;
  spec.series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length]!;
    out.push(
      `<rect x="${x}" y="${y - 9}" width="10" height="10" fill="${colour}"/>`,
      `<text x="${x + 14}" y="${y}">${escapeXml(s.name)}</text>`,
    );
    x += 24 + s.name.length * 6.5;
  });
  return out;
}

function empty(f: Frame): string[] {
  return [
    `<text x="${num(MARGIN.left + f.plotW / 2)}" y="${num(f.top + f.plotH / 2)}" text-anchor="middle" fill="#666666">no data</text>`,
  ];
}

const hasData = (spec: ChartSpec) =>
  spec.labels.length > 0 && spec.series.some((s) => s.values.some((v) => v !== null));

/** One polyline per series; a null value breaks the line, a lone point is drawn as a dot. */
export function lineChartSvg(spec: ChartSpec): string {
  const f = frame(spec);
  const n = spec.labels.length;
  const xOf = (i: number) => MARGIN.left + (n <= 1 ? f.plotW / 2 : (i * f.plotW) / (n - 1));
  const out = [...open(spec, f), ...axes(spec, f, xOf)];
  if (!hasData(spec)) out.push(...empty(f));
  else
    spec.series.forEach((s, si) => {
      const colour = PALETTE[si % PALETTE.length]!;
      let run: string[] = [];
      const flush = () => {
        if (run.length > 1)
          out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${run.join(' ')}"/>`);
        run = [];
      };
      s.values.forEach((v, i) => {
        if (v === null || !Number.isFinite(v)) {
          flush();
          return;
        }
        const x = num(xOf(i));
        const y = num(f.y(v));
        run.push(`${x},${y}`);
        out.push(
          `<circle cx="${x}" cy="${y}" r="3" fill="${colour}"><title>${escapeXml(`${s.name} ${spec.labels[i] ?? ''}: ${num(v)}`)}</title></circle>`,
        );
      });
      flush();
    });
  out.push(...legend(spec, f), '</svg>');
  return `${out.join('\n')}\n`;
}

/** Bars grouped per label, one bar per series; null draws nothing. */
export function barChartSvg(spec: ChartSpec): string {
  const f = frame(spec);
  const n = Math.max(1, spec.labels.length);
  const slot = f.plotW / n;
  const xOf = (i: number) => MARGIN.left + slot * (i + 0.5);
  const out = [...open(spec, f), ...axes(spec, f, xOf)];
  if (!hasData(spec)) out.push(...empty(f));
  else {
    const k = Math.max(1, spec.series.length);
    const barW = Math.max(1, (slot * 0.8) / k);
    spec.series.forEach((s, si) => {
      const colour = PALETTE[si % PALETTE.length]!;
      s.values.forEach((v, i) => {
        if (v === null || !Number.isFinite(v)) return;
        const x = MARGIN.left + slot * i + slot * 0.1 + barW * si;
        const y = f.y(v);
        out.push(
          `<rect x="${num(x)}" y="${num(y)}" width="${num(barW)}" height="${num(f.top + f.plotH - y)}" fill="${colour}"><title>${escapeXml(`${s.name} ${spec.labels[i] ?? ''}: ${num(v)}`)}</title></rect>`,
        );
      });
    });
  }
  out.push(...legend(spec, f), '</svg>');
  return `${out.join('\n')}\n`;
}
