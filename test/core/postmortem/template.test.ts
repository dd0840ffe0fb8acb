import { describe, expect, it } from 'vitest';
import { fillTemplate, placeholdersOf, SECTIONS } from '../../../src/core/postmortem/template.ts';
import { POSTMORTEM_TEMPLATE } from '../../../src/core/runbook/scaffold.ts';

const blocks = Object.fromEntries(
  SECTIONS.flatMap((s) => [[s.key, `<${s.key}>`], ...s.placedBy.map((k) => [k, `<${k}>`])]),
);

describe('fillTemplate', () => {
  it('fills placeholders in one pass: a value that holds {{...}} is not expanded again', () => {
    const r = fillTemplate('# {{incident.title}} ({{ incident.id }}) {{nope}}\n', {
      'incident.title': 'ran `echo {{incident.id}}`',
      'incident.id': 'INC-7',
    });
    expect(r.text).toBe('# ran `echo {{incident.id}}` (INC-7) {{nope}}\n');
    expect(r.unknown).toEqual(['nope']);
  });

  it('puts a section without a placeholder under its heading, above what the template says there', () => {
    const r = fillTemplate('# PM\n\n## Summary\n\nWrite two sentences.\n\n## Timeline\n', {
      'postmortem.summary': 'It happened.',
      'postmortem.timeline': '| t | e |',
    });
    expect(r.text).toBe(
      '# PM\n\n## Summary\n\nIt happened.\n\nWrite two sentences.\n\n## Timeline\n\n| t | e |\n',
    );
    expect(r.inserted).toEqual(['postmortem.summary', 'postmortem.timeline']);
  });

  it("fills a template's own table with rows and drops its empty placeholder row", () => {
    const template = [
      '## Action items',
      '',
      '| Action item | Type | Owner |',
      '|---|---|---|',
      '| | | |',
      '',
      'Text after.',
    ].join('\n');
    const r = fillTemplate(template, {
      'postmortem.actionItems': 'FULL TABLE',
      'postmortem.actionItemRows': '| a | prevent | ana |',
    });
    expect(r.text).toBe(
      '## Action items\n\n| Action item | Type | Owner |\n|---|---|---|\n| a | prevent | ana |\n\nText after.\n',
    );
  });

  it('adds a section the template has no heading for at the end', () => {
    const r = fillTemplate('# PM\n', { 'postmortem.supporting': 'links' });
    expect(r.text).toBe('# PM\n\n## Supporting information\n\nlinks\n');
  });

  it('the built-in template has a placeholder for every section, so nothing is inserted into it', () => {
    const names = placeholdersOf(POSTMORTEM_TEMPLATE);
    for (const s of SECTIONS) expect(names.some((n) => n === s.key || s.placedBy.includes(n))).toBe(true);
    expect(fillTemplate(POSTMORTEM_TEMPLATE, blocks).inserted).toEqual([]);
  });
});
