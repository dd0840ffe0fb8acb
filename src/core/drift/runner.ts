// The runner command line for one sample. The template is the project's (trusted); the prompt is
// text that must reach the runner unchanged, so it is either piped on stdin or substituted shell-quoted.
import { fnv1a } from '../hash.ts';
import type { GoldenAssertion } from './types.ts';

/** Single-quoted for /bin/sh: nothing inside is interpreted. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export interface RunnerVars {
  prompt: string;
  /** Where the app wrote the prompt, when the template asks for {prompt_file}. */
  promptFile: string;
  suite: string;
  promptId: string;
  sample: number;
}

export interface RenderedRunner {
  command: string;
  /** The prompt, when the template names no {prompt} or {prompt_file}: the runner reads it on stdin. */
  stdin: string | undefined;
  needsPromptFile: boolean;
}

const PLACEHOLDER = /\{(prompt|prompt_file|suite|prompt_id|sample)\}/g;

export function usesPromptFile(template: string): boolean {
  return template.includes('{prompt_file}');
}

/**
 * Fill in the template's placeholders, each value shell-quoted. `claude -p` reads its prompt from
 * stdin when given none, so the default template needs no placeholder at all.
 */
export function renderRunner(template: string, v: RunnerVars): RenderedRunner {
  let named = false;
  const command = template.replace(PLACEHOLDER, (_m, name: string) => {
    switch (name) {
      case 'prompt':
        named = true;
        return shellQuote(v.prompt);
      case 'prompt_file':
        named = true;
        return shellQuote(v.promptFile);
      case 'suite':
        return shellQuote(v.suite);
      case 'prompt_id':
        return shellQuote(v.promptId);
      default:
        return String(v.sample);
    }
  });
  return { command, stdin: named ? undefined : v.prompt, needsPromptFile: usesPromptFile(template) };
}

/** What a prompt's results depend on. A baseline of a different definition is not comparable. */
export function promptDigest(prompt: string, assertions: readonly GoldenAssertion[], runner: string): string {
  return fnv1a(JSON.stringify([prompt, assertions, runner]));
}
