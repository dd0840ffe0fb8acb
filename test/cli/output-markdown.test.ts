// The report's Markdown rendered for a terminal: headings, aligned tables, coloured statuses; plain text
// without colour; nothing from the data can write an escape sequence.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderMarkdownForTerminal } from '../../src/cli/markdown-terminal.ts';
import { paint, stripAnsi, visibleWidth } from '../../src/cli/style.ts';
import type { IncidentTimes } from '../../src/core/metrics/incident.ts';
import { buildReport, renderReport } from '../../src/core/metrics/report.ts';
import { resolveTargets } from '../../src/core/metrics/targets.ts';
import { incidentTimes } from '../fixtures/evidence.ts';

const ESC = '\x1b';
const DAY = 86_400_000;
const MIN = 60_000;
const NOW = Date.UTC(2026, 2, 31, 12);

const times = (id: string, over: Partial<IncidentTimes>) => incidentTimes(id, over, NOW);

const report = buildReport({
  now: NOW,
  since: NOW - 30 * DAY,
  incidents: [
    times('INC-1', { severity: 'SEV1', ttd: 2 * MIN, ttr: 60 * MIN }),
    times('INC-2', { severity: 'SEV1', ttd: 12 * MIN, ttr: 30 * MIN }),
  ],
  sessions: [
    {
      id: `sess-${ESC}]0;pwned\x07`,
      startedAt: NOW - 2 * DAY,
      endedAt: null,
      status: 'terminated',
      events: 20,
      denials: 3,
      gateBlocks: 1,
      gateExhausted: 0,
      cost: null,
    },
  ],
  commits: [],
  git: { available: true, reason: null },
  targets: resolveTargets({ detectMinutes: 5 }),
});
const md = renderReport(report);

describe('the report for a terminal', () => {
  it('plain (a pipe): no Markdown syntax, no escapes; headings underlined, tables aligned with a rule', () => {
    const text = renderMarkdownForTerminal(md, { paint: paint(false), width: null });
    expect(text).not.toContain(ESC);
    expect(text).not.toMatch(/^#/m);
    expect(text).not.toMatch(/^\|/m);
    expect(text).not.toContain('`');
    expect(text).toMatch(/^Targets\n-------$/m);
    expect(text).toMatch(/^agent-sre report: 2026-03-01 to 2026-03-31\n=+$/m);
    const lines = text.split('\n');
    const head = lines.findIndex((l) => l.startsWith('Target ') && l.includes('Status'));
    expect(head).toBeGreaterThan(0);
    expect(lines[head + 1]).toMatch(/^-+( +-+)+$/);
    // Every row's Status starts where its header does.
    const at = lines[head]!.indexOf('Status');
    const rows = lines.slice(head + 2, head + 6);
    for (const r of rows) expect(r.slice(at)).toMatch(/^(met|missed|no data)$/);
    expect(rows.some((r) => r.endsWith('missed'))).toBe(true);
  });

  it('colour: statuses against targets coloured (missed red, met green), headings bold', () => {
    const text = renderMarkdownForTerminal(md, { paint: paint(true), width: 120 });
    expect(text).toContain(`${ESC}[31mmissed${ESC}[39m`);
    expect(text).toContain(`${ESC}[32mmet${ESC}[39m`);
    expect(text).toContain(`${ESC}[1m${ESC}[36mTargets`);
  });

  it('fits the terminal: no line wider than it, wide tables wrap their cells', () => {
    for (const width of [60, 80, 100]) {
      const text = renderMarkdownForTerminal(md, { paint: paint(true), width });
      for (const l of text.split('\n')) expect(visibleWidth(l), l).toBeLessThanOrEqual(width);
    }
  });

  it('agent text in the report (a session id with an escape sequence) is shown, not obeyed', () => {
    for (const on of [false, true]) {
      const text = renderMarkdownForTerminal(md, { paint: paint(on), width: null });
      expect(stripAnsi(text)).not.toContain(ESC);
      expect(text).toContain('sess-␛]0;pwned␇');
    }
  });

  it('lists, code, links and images read as text', () => {
    const text = renderMarkdownForTerminal(
      '- one `x`\n- two\n\n```sh\nnpm test\n```\n\n[docs](https://example.com) ![chart](c.svg)\n',
      { paint: paint(false), width: null },
    );
    expect(text).toBe('  - one x\n  - two\n\n    npm test\n\ndocs (https://example.com) chart (c.svg)\n');
  });

  it('property: any input renders without throwing; no escape but its own styling', () => {
    const piece = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc.constantFrom(
        '# ',
        '\n',
        '| a | b |\n|---|---|\n',
        '`',
        '- ',
        '> ',
        '```\n',
        '**',
        '\x1b[2J',
        '\u009b',
      ),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 20 }),
        fc.option(fc.integer({ min: 20, max: 200 })),
        (parts, w) => {
          const input = parts.join('');
          const plain = renderMarkdownForTerminal(input, { paint: paint(false), width: w });
          expect(plain).not.toContain(ESC);
          const coloured = renderMarkdownForTerminal(input, { paint: paint(true), width: w });
          expect(stripAnsi(coloured)).not.toContain(ESC);
          expect(stripAnsi(coloured)).not.toContain('\u009b');
        },
      ),
    );
  });
});
