// Shifts as an RFC 5545 calendar that Google Calendar, Outlook and Apple Calendar can subscribe to.
// Gaps are left out by default: a calendar of "you are on call" events is what people subscribe to,
// and an empty stretch already reads as nobody. `gaps: true` adds them as "Coverage gap" events for a
// team-wide feed. UIDs are derived from the schedule, layer, person and start, so regenerating the feed
// keeps unchanged shifts as the same events; that holds only when the shifts passed in start at their real
// start, not at the window's edge (`wholeShifts` in whole-shifts.ts gives them so).
import { formatUtcBasic } from './civil.ts';
import type { Person, Shift } from './types.ts';

export interface IcsOptions {
  /** DTSTAMP of every event: when the feed was generated. */
  now: number;
  /** The right-hand side of every UID, e.g. the team's domain. */
  uidDomain: string;
  /** For display names; an unknown id is shown as itself. */
  people: Record<string, Person>;
  /** Also emit coverage gaps as events. */
  gaps?: boolean;
}

/** TEXT escaping (RFC 5545 §3.3.11). */
export function escapeText(text: string): string {
  return text.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, '\\n');
}

const utf8Length = (codePoint: number) =>
  codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;

/** Folds a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 sequence. */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = utf8Length(ch.codePointAt(0)!);
    // Continuation lines begin with a space, which counts towards their 75 octets.
    const limit = parts.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

function summaryOf(shift: Shift, people: Record<string, Person>): string {
  if (shift.person === null) return 'Coverage gap';
  const name = (Object.hasOwn(people, shift.person) ? people[shift.person]?.name : undefined) ?? shift.person;
  const notes = [shift.layer, shift.source === 'override' ? 'override' : null].filter((n) => n !== null);
  return notes.length > 0 ? `On call: ${name} (${notes.join(', ')})` : `On call: ${name}`;
}

/** A shift with the schedule it belongs to; without one, the calendar's name stands in for it. */
export type IcsShift = Shift & { schedule?: string };

export function toIcs(calendarName: string, shifts: IcsShift[], opts: IcsOptions): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//agent-sre//on-call schedule//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `NAME:${escapeText(calendarName)}`,
    `X-WR-CALNAME:${escapeText(calendarName)}`,
  ];
  const stamp = formatUtcBasic(opts.now);
  for (const shift of shifts) {
    if (shift.end <= shift.start || (shift.person === null && !opts.gaps)) continue;
    const uid = [
      shift.schedule ?? calendarName,
      shift.layer ?? '-',
      shift.person ?? '-',
      formatUtcBasic(shift.start),
    ]
      .map(encodeURIComponent)
      .join('/');
    lines.push(
      'BEGIN:VEVENT',
      `UID:${uid}@${escapeText(opts.uidDomain)}`,
      `DTSTAMP:${stamp}`,
      `DTSTART:${formatUtcBasic(shift.start)}`,
      `DTEND:${formatUtcBasic(shift.end)}`,
      `SUMMARY:${escapeText(summaryOf(shift, opts.people))}`,
      // On call is not busy: the events must not block people's free/busy time.
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
