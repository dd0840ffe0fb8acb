// Names from the agent's input are looked up in tables: commands, subcommands, scripts, options. A name
// that Object.prototype also has must be treated as any unknown name, never crash the judge (a crash is
// a refusal, so the guard stays closed, but the agent's ordinary call would be refused for nothing).
import { describe, expect, it } from 'vitest';
import { bash } from '../helpers/judge.ts';

const NAMES = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'prototype',
  '__defineGetter__',
  'isPrototypeOf',
];
const CONTEXTS = [
  '',
  'sudo ',
  'env ',
  'xargs ',
  'nsenter -t 1 ',
  'docker exec c ',
  'kubectl exec p -- ',
  'ssh h ',
  'git ',
  'git -c x=y ',
  'npm run ',
  'npm ',
  'pnpm ',
  'yarn ',
  'composer ',
  'make ',
  'just ',
  'task ',
  'kubectl ',
  'aws ',
  'gcloud ',
  'helm ',
  'terraform ',
  'docker ',
  'psql -c ',
  'redis-cli ',
  'rails ',
  'python manage.py ',
  'php artisan ',
  'cargo ',
  'go ',
  'pip ',
  'gh ',
  'curl -',
  'tar --',
  'find . -',
];

describe('names Object.prototype also has', () => {
  // Every context with every pair of names: few enough to try them all.
  it.each(CONTEXTS.map((c) => [c]))('never make the judge throw after %j', (ctx) => {
    for (const a of NAMES)
      for (const b of NAMES)
        for (const line of [
          `${ctx}${a}`,
          `${ctx}${a} ${b}`,
          `${ctx}${a}=${b}`,
          `${a}() { ${ctx}${b}; }; ${a}`,
        ])
          expect(() => bash(line), line).not.toThrow();
  });
});
