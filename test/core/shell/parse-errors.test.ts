// Shell text tree-sitter cannot parse fails closed: whatever could be recovered from an ERROR region
// (or around a MISSING token) is still judged, and the parse error itself is never auto-approved.
// Found by test/property/hook-fail-closed.test.ts: `rm -rf / `<(rm<<EOF<LF> ` became one ERROR node of
// loose words, the analyzer saw only the inner `rm`, and `rm -rf /` was auto-approved.
import { describe, expect, it } from 'vitest';
import { effectsOf } from '../../../src/core/effects/tools.ts';
import { bash, context, WORLD } from '../../helpers/judge.ts';

const effects = (command: string) =>
  effectsOf({ tool: 'Bash', input: { command }, cwd: WORLD.projectDir }, context());
const unparsed = (command: string) =>
  effects(command).some((e) => e.kind === 'opaque' && e.tags.includes('unparsed'));

const ROOT = bash('rm -rf /');

describe('parse errors fail closed', () => {
  it('the reference: rm -rf / is tier 4', () => {
    expect(ROOT.tier).toBe(4);
    expect(ROOT.verdict).toBe('deny');
  });

  it('denies the property test counterexample like plain rm -rf /', () => {
    const d = bash('rm -rf / `<(rm<<EOF\n ');
    expect(d.tier).toBe(4);
    expect(d.verdict).toBe('deny');
    expect(d.rule).toBe(ROOT.rule);
    expect(d.effects.some((e) => e.kind === 'delete' && e.path === '/')).toBe(true);
  });

  it.each([
    // unterminated backtick
    ['rm -rf / `'],
    ['rm -rf / `<('],
    ['rm -rf / `<(x<<EOF\n'],
    ['sudo rm -rf / `<(rm<<EOF\n '],
    ['FOO=1 rm -rf / `$(x<<EOF\n '],
    ['rm -rf / > out 2>&1 `<(rm<<EOF\n '],
    ['echo a; rm -rf / `<(rm<<EOF\n '],
    ['echo a | rm -rf / `<(rm<<EOF\n '],
    ['rm -rf ~ `<(rm<<EOF\n '],
    ['echo x`rm -rf /'],
    ['echo "`rm -rf /'],
    // unterminated $(
    ['rm -rf / $('],
    ['rm -rf / $(<(x<<EOF\n '],
    ['echo $(rm -rf /'],
    ['x=$( rm -rf /'],
    ['echo "$(rm -rf /"'],
    // unterminated quote
    ['rm -rf / "'],
    ["rm -rf / '"],
    ["rm -rf /'"],
    ['rm -rf / "$(<<EOF\n'],
    // tree-sitter glues the junk after a quoted script onto it: the script is still `rm -rf /`
    ['sudo sh -ec "rm -rf /"\t)| x $x '],
    ['env bash -c "rm -rf /"\t($HOME '],
    ["sh -c 'rm -rf /'\t )git A"],
    // unterminated heredoc after a destructive command
    ['rm -rf / <<EOF'],
    ['rm -rf / <<EOF\nbody'],
    ['rm -rf / `<(rm<<EOF\nbody\n'],
    // a loose heredoc still feeds the command before it
    ['x `<(bash<<EOF\nrm -rf /\n'],
    // destructive command after (or around) a syntax error
    [') ; rm -rf /'],
    ['echo ( ; rm -rf /'],
    ['echo "x" ) ; rm -rf /'],
    ['rm -rf / ; ('],
    ['rm -rf / | |'],
    ['V (python3 | push ; rm -rf /  env bash|'],
    // tree-sitter ends the command at `rm` and leaves `-rf /` in the ERROR after it
    ['rm -rf / }l(( b9 <( ..'],
    ['rm -rf / ? ((/D{x:-/} }  sudoecho'],
    ["sudo bash -c 'rm -rf / }l(( b9 <( .. \nX'"],
    // a subshell where bash allows none: tree-sitter keeps it as part of the command
    ['U6(d bash || rm -rf / # && n'],
    ['echo (rm -rf /)'],
  ])('%j is tier 4', (command) => {
    const d = bash(command);
    expect(d.tier, `${d.rule}: ${d.reason}`).toBe(4);
    expect(d.verdict).toBe('deny');
  });

  it.each([
    ['echo `'],
    ['echo $(ls'],
    ['if true; then ls'],
    ["echo 'abc"],
    ['echo "abc'],
    ['ls `<(ls<<EOF\n '],
    ["echo '`rm -rf /"], // all of it in an unterminated quote: bash runs nothing
    ['ls >> \nfoo'], // bash: syntax error at the line break; tree-sitter: writes `foo`
  ])('%j is never auto-approved', (command) => {
    const d = bash(command);
    expect(d.tier, `${d.rule}: ${d.reason}`).toBeGreaterThanOrEqual(3);
    expect(unparsed(command)).toBe(true);
  });

  it.each([
    ['echo ok'],
    ['cat <<EOF\nhi\n'], // bash ends an unterminated heredoc at the end of input, with a warning
    ['git commit -m "$(cat <<\'EOF\'\nfix: thing\n\nBody.\nEOF\n)"'],
    ["cat > notes.txt <<'EOF'\nhello\nEOF"],
    ['for f in *.ts; do echo "$f"; done'],
  ])('%j parses cleanly: no unparsed effect', (command) => {
    expect(unparsed(command)).toBe(false);
    expect(bash(command).tier).toBeLessThanOrEqual(2);
  });
});

describe('what tree-sitter hides outside any ERROR', () => {
  // A line break inside a double-quoted string is in none of the string's children.
  it.each([['bash -c "echo hi\nrm -rf /"'], ['sh -c "true\n  rm -rf /"']])(
    '%j: the line break between the parts of a string is kept',
    (command) => {
      expect(bash(command).tier).toBe(4);
    },
  );

  it('keeps a string with line breaks as the shell sees it', () => {
    const e = effects('echo x > "a\nb"').find((x) => x.kind === 'write');
    expect(e?.kind === 'write' && e.path).toBe(`${WORLD.projectDir}/a\nb`);
  });

  // tree-sitter nests the rest of the heredoc's line inside the heredoc redirect.
  it.each([
    ['cat <<EOF | sh\nrm -rf /\nEOF'],
    ['cat <<EOF | rm -rf /\nbody\nEOF'],
    ['cat <<EOF && rm -rf /\nbody\nEOF'],
    ['cat <<EOF > f && rm -rf / | cat\nbody\nEOF'],
    ['cat <<EOF $(rm -rf /)\nbody\nEOF'],
  ])('%j: the rest of the heredoc line is judged', (command) => {
    expect(bash(command).tier).toBe(4);
  });

  it('a heredoc piped to a harmless command stays harmless', () => {
    expect(bash('cat <<EOF | grep x | wc -l\nhello\nEOF').tier).toBe(1);
  });
});

// biome-ignore-start lint/suspicious/noTemplateCurlyInString: shell parameter expansions, not templates
describe('command substitutions tree-sitter leaves as text inside ${...}', () => {
  // tree-sitter reads `${x:-`rm -rf /`}` as an expansion whose word is the plain text `rm -rf /` in
  // backticks, with no parse error; bash runs it when x is unset or empty.
  it.each([
    ['echo ${x:-`rm -rf /`}'],
    ['echo ${x:=`rm -rf /`}'],
    ['echo ${x:+`rm -rf /`}'],
    ['echo ${x:?`rm -rf /`}'],
    ['echo ${x-`rm -rf /`}'],
    ['echo ${x:-$(rm -rf /)}'],
    ['echo "${x:-`rm -rf /`}"'],
    ['echo ${x//a/`rm -rf /`}'],
    ['echo ${x//`rm -rf /`/b}'],
    ['echo ${x#`rm -rf /`}'],
    ['echo ${x:-a`rm -rf /`b}'],
    ['echo ${x:-${y:-`rm -rf /`}}'],
    ['echo ${x:-`echo \\`rm -rf /\\``}'],
    ['x=${y:-`rm -rf /`}'],
    ['for f in ${x:-`rm -rf /`}; do :; done'],
    ['[[ ${x:-`rm -rf /`} ]]'],
    ['cat <<EOF\n${x:-`rm -rf /`}\nEOF'],
  ])('%j is judged like rm -rf /', (command) => {
    const d = bash(command);
    expect(d.tier, `${d.rule}: ${d.reason}`).toBe(4);
    expect(d.verdict).toBe('deny');
    expect(d.rule).toBe(ROOT.rule);
  });

  it('an unclosed backtick inside ${...} is never auto-approved', () => {
    const command = 'echo ${x:-`rm -rf /}';
    expect(bash(command).tier).toBeGreaterThanOrEqual(3);
    expect(unparsed(command)).toBe(true);
  });

  it.each([
    ['echo ${x:-default}'],
    ['echo ${HOME}'],
    ['echo "${x:-a b}"'],
    ['echo ${x//a/b}'],
    ['echo ${x:-\\`rm -rf /\\`}'], // escaped backticks are literal
    ['echo ${x:-`date`}'],
  ])('%j stays tier 1', (command) => {
    expect(bash(command).tier).toBe(1);
    expect(unparsed(command)).toBe(false);
  });
});
// biome-ignore-end lint/suspicious/noTemplateCurlyInString: shell parameter expansions, not templates
