// The guard cannot be written by any writer, however its path is spelled: every (writer, guard file,
// spelling) is at least a human's call (tier 3), never auto-approved or only logged. The same writers on
// ordinary paths are never refused by a guard rule, so protection comes from the path, not the verb.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { installRootOf } from '../../src/app/context.ts';
import { judge } from '../../src/core/judge.ts';
import type { GuardLocations } from '../../src/core/types.ts';
import { COMPILED, context, WORLD } from '../helpers/judge.ts';

const P = WORLD.projectDir;
const H = WORLD.home;
const GUARD: GuardLocations = {
  installDir: `${P}/node_modules/agent-sre`,
  userDir: `${H}/.config/agent-sre`,
};

/** `{}` is the path as spelled; `{dir}` and `{base}` its parts (for find). */
const WRITERS = [
  'rm {}',
  'rm -f {}',
  'rm -rf {}',
  'unlink {}',
  'shred -u {}',
  'mv {} /tmp/moved',
  'cp /tmp/x {}',
  'install -m 644 /tmp/x {}',
  'ln -sf /dev/null {}',
  'truncate -s0 {}',
  'tee {} < /dev/null',
  'echo x > {}',
  'echo x >> {}',
  'sed -i s/a/b/ {}',
  'perl -i -pe s/a/b/ {}',
  'perl -pi.bak -e s/a/b/ {}',
  'ruby -i -pe 1 {}',
  'gawk -i inplace 1 {}',
  "ex -sc '%s/a/b/|x' {}",
  "vim -es -c 'wq' {}",
  'ed -s {} < /dev/null',
  'jq . /tmp/x | sponge {}',
  'dd if=/dev/null of={}',
  'chmod 000 {}',
  'chattr +i {}',
  'touch -d 2020-01-01 {}',
  'gzip {}',
  'git rm {}',
  'git checkout -- {}',
  'tar xf /tmp/a.tar -C {dir} {base}',
  'unzip -o /tmp/a.zip {base} -d {dir}',
  'find {dir} -name {base} -delete',
  'find {dir} -name {base} -exec truncate -s0 {} +',
  'find {dir} -name {base} | xargs rm',
  'cd {dir} && rm {base}',
  "python3 -c \"open('{raw}', 'w').write('')\"",
  "node -e \"require('fs').unlinkSync('{raw}')\"",
];

const GUARD_FILES = [
  `${P}/agent-sre.yaml`,
  `${P}/agent-sre.yml`,
  `${P}/.agent-sre/ledger.db`,
  `${P}/.agent-sre/ledger.db-wal`,
  `${P}/.claude/settings.json`,
  `${P}/.claude/settings.local.json`,
  `${H}/.claude/settings.json`,
  `${H}/.claude/settings.local.json`,
  `${P}/node_modules/agent-sre/dist/hook.cjs`,
  `${P}/node_modules/agent-sre/bin/agent-sre-hook.cjs`,
  `${H}/.config/agent-sre/secret`,
];
const ORDINARY_FILES = [
  `${P}/src/app.js`,
  `${P}/notes.txt`,
  `${P}/.claude/commands/review.md`,
  `${P}/node_modules/left-pad/index.js`,
  `${P}/agent-sre.md`,
  '/tmp/scratch/out.txt',
];

type Spelling = (abs: string) => string;
const rel = (abs: string) => (abs.startsWith(`${P}/`) ? abs.slice(P.length + 1) : abs);
const SPELLINGS: Spelling[] = [
  (a) => a,
  rel,
  (a) => (a.startsWith(`${P}/`) ? `./${rel(a)}` : a),
  (a) => (a.startsWith(`${P}/`) ? `../proj/${rel(a)}` : a),
  (a) => (a.startsWith(`${H}/`) ? `~/${a.slice(H.length + 1)}` : a),
  (a) => (a.startsWith(`${H}/`) ? `$HOME/${a.slice(H.length + 1)}` : a),
  (a) => `'${rel(a)}'`,
  (a) => `"${rel(a)}"`,
  // A glob that still names only this file: the last letter of the name as `?`.
  (a) => `${rel(a).slice(0, -1)}?`,
  (a) => rel(a).replace(/([a-z])([^/]*)$/, '[$1]$2'),
  // Paths are compared without case, for case-insensitive file systems.
  (a) => (a.startsWith(`${P}/`) ? rel(a).toUpperCase() : a),
];

function command(writer: string, abs: string, spell: Spelling): string {
  const cut = abs.lastIndexOf('/');
  const dir = abs.slice(0, cut);
  return writer
    .replaceAll('{raw}', rel(abs))
    .replaceAll('{dir}', spell(dir).replace(/^$/, '.'))
    .replaceAll('{base}', abs.slice(cut + 1))
    .replace(/\{\}(?! \+)/, spell(abs));
}

const decide = (cmd: string) =>
  judge({ tool: 'Bash', input: { command: cmd }, cwd: P }, { ...context(), guard: GUARD }, COMPILED);

const cases = (files: string[]) =>
  fc.record({
    writer: fc.constantFrom(...WRITERS),
    file: fc.constantFrom(...files),
    spell: fc.constantFrom(...SPELLINGS),
  });

describe('guard writers', () => {
  it('every writer on every guard file, however spelled, needs at least a human', () => {
    fc.assert(
      fc.property(cases(GUARD_FILES), ({ writer, file, spell }) => {
        const cmd = command(writer, file, spell);
        const d = decide(cmd);
        expect(d.tier, `${cmd}\n${d.rule}: ${d.reason}`).toBeGreaterThanOrEqual(3);
      }),
      { numRuns: 600 },
    );
  });

  it('the same writers on ordinary files are never refused by a guard rule', () => {
    fc.assert(
      fc.property(cases(ORDINARY_FILES), ({ writer, file, spell }) => {
        const cmd = command(writer, file, spell);
        const d = decide(cmd);
        expect(d.tier === 4 && d.rule.startsWith('guard.'), `${cmd}\n${d.rule}: ${d.reason}`).toBe(false);
      }),
      { numRuns: 400 },
    );
  });

  it('finds the package root from any location of the running code, or says it does not know', () => {
    const segment = fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), (parts) => {
        const root = `/${parts.join('/')}`;
        expect(installRootOf(`${root}/dist/hook.cjs`)).toBe(root);
        expect(installRootOf(`${root}/dist`)).toBe(root);
        expect(installRootOf(`file://${root}/dist/chunks/cli-x1.js`)).toBe(root);
        expect(installRootOf(`${root}/src/app/context.ts`)).toBe(root);
        expect(installRootOf(`${root}/lib/hook.cjs`)).toBeUndefined();
      }),
    );
  });
});
