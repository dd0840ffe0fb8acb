// Filling a postmortem template: `{{name}}` placeholders get their values in one pass (a value that
// itself contains `{{...}}`, such as an agent's command, is never expanded). A section the template has
// a heading for but no placeholder (a template from before the filler, or a team's own) still gets its
// generated text, under that heading and above what the template says there; a section with no heading
// is added at the end, so nothing the ledger shows is dropped silently.

export interface SectionSpec {
  /** The value that fills it (a `postmortem.*` key). */
  key: string;
  /** Keys that, when present in the template, mean the section is already placed. */
  placedBy: string[];
  heading: RegExp;
  /** The heading to add when the template has none. */
  title: string;
  /** For table sections: the rows-only value, used under a table the template already has. */
  rowsKey?: string;
  tableHead?: RegExp;
}

export const SECTIONS: readonly SectionSpec[] = [
  { key: 'postmortem.summary', placedBy: [], heading: /^#{1,4}\s+summary\b/i, title: '## Summary' },
  { key: 'postmortem.impact', placedBy: [], heading: /^#{1,4}\s+impact\b/i, title: '## Impact' },
  {
    key: 'postmortem.rootCauses',
    placedBy: [],
    heading: /^#{1,4}\s+root causes?\b/i,
    title: '## Root causes',
  },
  { key: 'postmortem.trigger', placedBy: [], heading: /^#{1,4}\s+trigger\b/i, title: '## Trigger' },
  { key: 'postmortem.detection', placedBy: [], heading: /^#{1,4}\s+detection\b/i, title: '## Detection' },
  { key: 'postmortem.resolution', placedBy: [], heading: /^#{1,4}\s+resolution\b/i, title: '## Resolution' },
  {
    key: 'postmortem.actionItems',
    placedBy: ['postmortem.actionItemRows'],
    heading: /^#{1,4}\s+action items\b/i,
    title: '## Action items',
    rowsKey: 'postmortem.actionItemRows',
    tableHead: /^\|\s*action item\s*\|/i,
  },
  {
    key: 'postmortem.wentWell',
    placedBy: [],
    heading: /^#{1,5}\s+what went well\b/i,
    title: '### What went well',
  },
  {
    key: 'postmortem.wentWrong',
    placedBy: [],
    heading: /^#{1,5}\s+what went wrong\b/i,
    title: '### What went wrong',
  },
  {
    key: 'postmortem.gotLucky',
    placedBy: [],
    heading: /^#{1,5}\s+where we got lucky\b/i,
    title: '### Where we got lucky',
  },
  {
    key: 'postmortem.timeline',
    placedBy: ['postmortem.timelineRows'],
    heading: /^#{1,4}\s+timeline\b/i,
    title: '## Timeline',
    rowsKey: 'postmortem.timelineRows',
    tableHead: /^\|\s*time\b/i,
  },
  {
    key: 'postmortem.supporting',
    placedBy: [],
    heading: /^#{1,4}\s+supporting information\b/i,
    title: '## Supporting information',
  },
];

const PLACEHOLDER = /\{\{\s*([A-Za-z][\w.]*)\s*\}\}/g;

export interface FillResult {
  text: string;
  /** Placeholders the template uses that have no value (left as written). */
  unknown: string[];
  /** Sections added under an existing heading or at the end. */
  inserted: string[];
}

/** Names the template uses. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

const isTableRow = (line: string) => /^\s*\|/.test(line);
const isEmptyRow = (line: string) => /^\s*\|(\s*\|)+\s*$/.test(line);
const isSeparator = (line: string) => /^\s*\|(\s*:?-{3,}:?\s*\|)+\s*$/.test(line);

function insertSections(lines: string[], values: Record<string, string>, used: Set<string>): string[] {
  const inserted: string[] = [];
  for (const s of SECTIONS) {
    if (used.has(s.key) || s.placedBy.some((k) => used.has(k)) || values[s.key] === undefined) continue;
    const h = lines.findIndex((l) => s.heading.test(l));
    if (h === -1) {
      lines.push('', s.title, '', ...values[s.key]!.split('\n'));
      inserted.push(s.key);
      continue;
    }
    // The section runs to the next heading of any level.
    let end = lines.findIndex((l, i) => i > h && /^#{1,6}\s/.test(l));
    if (end === -1) end = lines.length;
    const head = s.tableHead ? lines.findIndex((l, i) => i > h && i < end && s.tableHead!.test(l)) : -1;
    if (head !== -1 && s.rowsKey && values[s.rowsKey] !== undefined && isSeparator(lines[head + 1] ?? '')) {
      // The template has the table already: rows go under its header, and its empty placeholder rows go.
      let stop = head + 2;
      while (stop < end && isTableRow(lines[stop]!)) stop++;
      const kept = lines.slice(head + 2, stop).filter((l) => !isEmptyRow(l));
      lines.splice(head + 2, stop - head - 2, ...values[s.rowsKey]!.split('\n'), ...kept);
    } else lines.splice(h + 1, 0, '', ...values[s.key]!.split('\n'));
    inserted.push(s.key);
  }
  return inserted;
}

export function fillTemplate(template: string, values: Record<string, string>): FillResult {
  const used = new Set<string>();
  const unknown = new Set<string>();
  const filled = template.replace(PLACEHOLDER, (whole, name: string) => {
    const v = values[name];
    if (v === undefined) {
      unknown.add(name);
      return whole;
    }
    used.add(name);
    return v;
  });
  const lines = filled.split('\n');
  const inserted = insertSections(lines, values, used);
  const text = `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/\s*$/, '')}\n`;
  return { text, unknown: [...unknown], inserted };
}
