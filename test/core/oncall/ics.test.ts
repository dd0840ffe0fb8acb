import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { escapeText, foldLine, toIcs } from '../../../src/core/oncall/ics.ts';
import { shifts } from '../../../src/core/oncall/schedule.ts';
import type { Shift } from '../../../src/core/oncall/types.ts';
import { local, override, PEOPLE, schedule, weekly } from './fixtures.ts';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const OPTS = { now: NOW, uidDomain: 'oncall.example.com', people: PEOPLE };

function events(text: string) {
  const cal = new ICAL.Component(ICAL.parse(text));
  return cal.getAllSubcomponents('vevent').map((c) => {
    const e = new ICAL.Event(c);
    return {
      uid: e.uid,
      summary: e.summary,
      start: e.startDate.toJSDate().getTime(),
      end: e.endDate.toJSDate().getTime(),
      stamp: (c.getFirstPropertyValue('dtstamp') as ICAL.Time).toJSDate().getTime(),
    };
  });
}

const octets = (line: string) => Buffer.byteLength(line, 'utf8');

describe('toIcs', () => {
  const s = schedule([
    { name: 'secondary', start: '2026-03-02T10:00', turnHours: 168, members: ['dave', 'erin'] },
    weekly(['alice', 'bob'], {
      restrictions: [{ type: 'weekly', startDay: 'mon', start: '00:00', durationHours: 120 }],
    }),
  ]);
  const o = override({ person: 'zed', start: local('2026-03-04T08:00'), end: local('2026-03-04T20:00') });
  const list = shifts(s, [o], local('2026-03-01T00:00'), local('2026-03-16T00:00'));

  it('parses with ical.js and every on-call shift is an event with its times and summary', () => {
    const text = toIcs('ops', list, OPTS);
    const parsed = events(text);
    const expected = list.filter((x) => x.person !== null);
    expect(parsed.map((e) => [e.start, e.end])).toEqual(expected.map((x) => [x.start, x.end]));
    expect(parsed.map((e) => e.summary)).toEqual([
      'On call: Alice (primary)',
      'On call: Zed (override)',
      'On call: Alice (primary)',
      'On call: Dave (secondary)',
      'On call: Alice (primary)',
      'On call: Bob (primary)',
      'On call: Erin (secondary)',
    ]);
    expect(new Set(parsed.map((e) => e.uid)).size).toBe(parsed.length);
    expect(parsed.every((e) => e.uid.endsWith('@oncall.example.com') && e.stamp === NOW)).toBe(true);
  });

  it('is a well-formed calendar: CRLF lines, VERSION, PRODID, UTC times', () => {
    const text = toIcs('ops', list, OPTS);
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = text.split('\r\n');
    expect(lines.slice(0, 3)).toEqual([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//agent-sre//on-call schedule//EN',
    ]);
    expect(lines.filter((l) => l.startsWith('DTSTART:')).every((l) => /^DTSTART:\d{8}T\d{6}Z$/.test(l))).toBe(
      true,
    );
    expect(lines).toContain('DTSTART:20260302T090000Z');
    expect(lines).toContain('DTSTAMP:20260301T120000Z');
  });

  it('leaves gaps out unless asked, then names them', () => {
    const gappy = shifts(s, [], local('2026-03-01T00:00'), local('2026-03-03T00:00'));
    expect(gappy[0]!.person).toBeNull();
    expect(events(toIcs('ops', gappy, OPTS)).map((e) => e.summary)).toEqual(['On call: Alice (primary)']);
    expect(events(toIcs('ops', gappy, { ...OPTS, gaps: true })).map((e) => e.summary)).toEqual([
      'Coverage gap',
      'On call: Alice (primary)',
    ]);
  });

  it('folds long lines at 75 octets without splitting characters, and unfolds back', () => {
    const name = `Maximiliane Ünsal-Øberg ${'☎'.repeat(30)} the very long name`;
    const people = { max: { name, channels: [] } };
    const shift: Shift = {
      person: 'max',
      layer: 'primary',
      start: NOW,
      end: NOW + 3_600_000,
      source: 'layer',
    };
    const text = toIcs('ops', [shift], { ...OPTS, people });
    const lines = text.split('\r\n');
    expect(lines.some((l) => l.startsWith(' '))).toBe(true);
    for (const l of lines) expect(octets(l)).toBeLessThanOrEqual(75);
    expect(events(text)[0]!.summary).toBe(`On call: ${name} (primary)`);
  });

  it('escapes commas, semicolons, backslashes and newlines in names', () => {
    const name = 'Doe, Jane; "JD" \\ on\nnights';
    const people = { jane: { name, channels: [] } };
    const shift: Shift = { person: 'jane', layer: null, start: NOW, end: NOW + 60_000, source: 'override' };
    const text = toIcs('team; ops, eu', [shift], { ...OPTS, people });
    expect(text).toContain('SUMMARY:On call: Doe\\, Jane\\; "JD" \\\\ on\\nnights (override)');
    expect(text).toContain('X-WR-CALNAME:team\\; ops\\, eu');
    expect(events(text)[0]!.summary).toBe(`On call: ${name} (override)`);
  });

  it('escapeText and foldLine on their own', () => {
    expect(escapeText('a,b;c\\d\r\ne\rf')).toBe('a\\,b\\;c\\\\d\\ne\\nf');
    expect(foldLine('x'.repeat(75))).toBe('x'.repeat(75));
    expect(foldLine('x'.repeat(76))).toBe(`${'x'.repeat(75)}\r\n x`);
    expect(foldLine(`${'x'.repeat(74)}é`)).toBe(`${'x'.repeat(74)}\r\n é`);
  });
});
