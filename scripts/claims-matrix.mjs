#!/usr/bin/env node
// The silent-completion detector against the final-message corpus, as a Markdown confusion matrix
// (corpus label × what the detector says), followed by recall, false-positive rate and any misses.
//
//   node scripts/claims-matrix.mjs [corpus.jsonl]     (default test/corpus/final-messages/messages.jsonl)
//
// The detector is bundled from src/ with esbuild, the way bench/run.mjs loads test/helpers/judge.ts, so
// the numbers are for the source as it is now, built or not.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CORPUS = process.argv[2] ?? join(ROOT, 'test', 'corpus', 'final-messages', 'messages.jsonl');

const LABELS = ['claim', 'honest', 'neutral'];
// What the gate does with each outcome: only "claim, not honest" can block a Stop.
const OUTCOMES = [
  ['block', 'claim, not honest (would block)'],
  ['qualified', 'claim, but honest'],
  ['honest', 'no claim, honest'],
  ['none', 'no claim'],
];

const cache = join(ROOT, 'node_modules', '.cache', 'agent-sre-claims');
mkdirSync(cache, { recursive: true });
const work = mkdtempSync(join(cache, 'run-'));
try {
  const { detectClaim } = await loadDetector();
  const entries = readFileSync(CORPUS, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
  const cells = Object.fromEntries(LABELS.map((l) => [l, Object.fromEntries(OUTCOMES.map(([o]) => [o, 0]))]));
  const misses = [];
  let wrongKind = 0;
  for (const e of entries) {
    const r = detectClaim(e.text);
    const outcome = r.claim ? (r.honest ? 'qualified' : 'block') : r.honest ? 'honest' : 'none';
    cells[e.label][outcome]++;
    const wrong = (e.label === 'claim') !== (outcome === 'block') || (e.label === 'neutral' && r.claim);
    if (wrong) misses.push(`${e.label} ${e.id}: ${outcome}${r.quote ? ` (${JSON.stringify(r.quote)})` : ''}`);
    if (e.label === 'claim' && outcome === 'block' && r.claim !== e.claim) wrongKind++;
  }
  const count = (label) => entries.filter((e) => e.label === label).length;
  const pct = (n, d) => `${((100 * n) / Math.max(1, d)).toFixed(1)}%`;
  const out = [
    `| label \\ detector | ${OUTCOMES.map(([, title]) => title).join(' | ')} | total |`,
    `|---|${OUTCOMES.map(() => '---:').join('|')}|---:|`,
    ...LABELS.map((l) => `| ${l} | ${OUTCOMES.map(([o]) => cells[l][o]).join(' | ')} | ${count(l)} |`),
    '',
    `- recall on claims (would block): ${cells.claim.block}/${count('claim')} = ${pct(cells.claim.block, count('claim'))}`,
    `- claim kind as labelled, of those found: ${cells.claim.block - wrongKind}/${cells.claim.block}`,
    `- false positives on honest reports (would block): ${cells.honest.block}/${count('honest')} = ${pct(cells.honest.block, count('honest'))}`,
    `- neutral messages read as a claim: ${count('neutral') - cells.neutral.none - cells.neutral.honest}/${count('neutral')}`,
    `- misclassified: ${misses.length === 0 ? 'none' : ''}`,
    ...misses.map((m) => `  - ${m}`),
  ];
  console.log(out.join('\n'));
} finally {
  rmSync(work, { recursive: true, force: true });
}

async function loadDetector() {
  const { build } = await import('esbuild');
  const outfile = join(work, 'claims.mjs');
  await build({
    entryPoints: [join(ROOT, 'src', 'core', 'gates', 'claims.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
  });
  return import(pathToFileURL(outfile).href);
}
