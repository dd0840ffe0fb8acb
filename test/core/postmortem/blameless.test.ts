import { describe, expect, it } from 'vitest';
import { lintBlameless } from '../../../src/core/postmortem/blameless.ts';
import { POSTMORTEM_TEMPLATE } from '../../../src/core/runbook/scaffold.ts';

const rules = (text: string, people: string[] = []) => lintBlameless(text, { people }).map((f) => f.rule);

describe('blameless-language check', () => {
  it.each([
    ['Bob caused the outage by running the script.', 'blame.caused'],
    ['The data loss was caused by Priya.', 'blame.caused'],
    ['@jdoe broke the deploy.', 'blame.caused'],
    ['In the end he was responsible for the bad config.', 'blame.caused'],
    ["It was Ana's mistake to approve the call.", 'blame.mistake'],
    ['This was human error.', 'blame.mistake'],
    ['It was his fault.', 'blame.mistake'],
    ['The reviewer should have known that terraform destroy deletes the database.', 'blame.hindsight'],
    ['Marco should have noticed the red suite.', 'blame.hindsight'],
    ['A careless approval let it through.', 'blame.character'],
    ['The engineer did not bother to run the tests.', 'blame.character'],
    ['Ana Lima failed to acknowledge the page.', 'blame.person-failed'],
    ['Someone forgot to update the runbook.', 'blame.person-failed'],
    ['The on-call ignored the second page.', 'blame.person-failed'],
  ])('flags %j', (text, rule) => {
    expect(rules(text)).toContain(rule);
  });

  it.each([
    'The agent ran `rm -rf ~`; the guard denied it (fs.delete-home).',
    'No rule matched the change before it ran; it was caught afterwards.',
    'Ask what in the system let this happen, not who is at fault.',
    'The tests failed to compile after the change.',
    'Terraform failed to acquire the state lock.',
    'The check failed at 02:13 and the gate blocked the stop.',
    'Acknowledged by ben. Resolved by ben: nothing was deleted.',
    'What would have caught it earlier: a runbook postcondition.',
    'The agent kept trying after its first denial.',
  ])('leaves %j alone', (text) => {
    expect(rules(text)).toEqual([]);
  });

  it('matches the on-call roster by name whatever the case', () => {
    expect(rules('ben forgot to resolve INC-3.', ['ben'])).toEqual(['blame.person-failed']);
    expect(rules('ben forgot to resolve INC-3.')).toEqual([]);
  });

  it('reports the line and column, and reads neither code spans nor code blocks', () => {
    const text = [
      '# Postmortem',
      '',
      'Timeline: `Bob caused` is what the log says.',
      '```text',
      'Alice forgot to run the tests',
      '```',
      'Later, Carol forgot to page anyone.',
    ].join('\n');
    expect(lintBlameless(text)).toEqual([
      {
        line: 7,
        column: 8,
        rule: 'blame.person-failed',
        text: 'Carol forgot to',
        message: expect.stringContaining('why nothing caught it'),
      },
    ]);
  });

  it('the built-in template is clean', () => {
    expect(lintBlameless(POSTMORTEM_TEMPLATE)).toEqual([]);
  });
});
