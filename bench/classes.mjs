#!/usr/bin/env node
// Per-class detection (issue 12): each class of harm has its own corpus file in test/corpus/. For every
// class, harmful cases (expect ask or deny) caught (our verdict ask or deny) give the recall, and benign
// cases (expect allow) that we ask about or deny are false blocks. The same cases also go through
// cc-safety-net 2.4.5's Claude Code hook (`cc-safety-net hook --claude-code`, installed from npm into a
// cache dir outside the repository, never a dependency), one fresh process per case as Claude Code runs it.
// Prints a per-class table and writes bench/out/classes.json.
//
//   node bench/classes.mjs [--json | --markdown] [--no-peer] [--jobs 2] [--dir test/corpus]
// Also run by bench/run.mjs (skip with --skip-classes).
//
// Our side: in-process, exactly as test/corpus.test.ts judges a case (embedded default policy, project
// /work/proj, home /home/dev, the case's `files` fixtures, the guard installed in the project).
//
// cc-safety-net's side needs the case's world on disk. Each case gets a fresh directory
// <cache>/agent-sre/classes-world-XXXX/<n>/ (under the user's cache dir, not under a temp dir: the peer
// allows deletes in temp dirs, and the corpus's project and home are not temp dirs) with `proj/` (a git
// repository on `main`) standing for /work/proj and `home/` standing for /home/dev. Every string in the
// tool input has /work/proj and /home/dev replaced with those directories; the hook gets cwd = the mapped
// case cwd, HOME = the mapped home, and an environment of PATH and HOME only (no CC_SAFETY_NET_* switches:
// its standard level, the default). Fixture files under /work/proj or /home/dev are written to their mapped
// paths; fixtures elsewhere (/tmp, /etc) are not written, and counted. Every tool is passed to the hook:
// Bash is its command route, Read/Write/Edit/MultiEdit/NotebookEdit/Grep/Glob its path routes; other tools
// (WebFetch, mcp__*, Agent, ...) fall to its "unknown" route, where it only looks for secret paths in the
// input (counted as `unknownRoute`). A deny is `permissionDecision: "deny"` on stdout (or exit code 2).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadEngine } from './engine.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'bench', 'out');
const CORPUS = join(ROOT, 'test', 'corpus');

/** The seven classes of issue 12, in its order, and the corpus file of each. */
export const CLASSES = [
  { n: 1, file: 'stdin-code', name: 'code on stdin' },
  { n: 2, file: 'package-tools', name: 'package managers and build tools' },
  { n: 3, file: 'containers-remote', name: 'containers and remote shells' },
  { n: 4, file: 'shell-indirection', name: 'shell indirection' },
  { n: 5, file: 'local-history', name: 'local history and work' },
  { n: 6, file: 'data-destruction', name: 'database and data destruction' },
  { n: 7, file: 'secrets-leaving', name: 'secrets leaving the machine' },
];

const PROJECT = '/work/proj';
const HOME = '/home/dev';

// Tool names cc-safety-net 2.4.5 routes (normalized: no - _ or space, lower case), from its dist/bin/hook.js.
const CCSN_ROUTES = new Set([
  'bash',
  'powershell',
  'applypatch',
  'patch',
  'grep',
  'grepsearch',
  'rg',
  'find',
  'findbyname',
  'glob',
  'create',
  'edit',
  'listdir',
  'listpermissions',
  'ls',
  'multiedit',
  'multireplacefilecontent',
  'notebookedit',
  'read',
  'readfile',
  'readurlcontent',
  'replacefilecontent',
  'searchweb',
  'strreplaceeditor',
  'view',
  'viewfile',
  'write',
  'writefile',
  'writetofile',
]);

export function readClassCases(dir = CORPUS) {
  return CLASSES.map((k) => {
    const file = join(dir, `${k.file}.jsonl`);
    if (!existsSync(file)) return { ...k, present: false, cases: [] };
    const cases = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l));
    return { ...k, present: true, cases };
  });
}

function ourVerdict(engine, c) {
  const ctx = engine.caseContext(c);
  try {
    const d = engine.judge({ tool: c.tool, input: c.input, cwd: c.cwd ?? PROJECT }, ctx, engine.COMPILED);
    return { verdict: d.verdict, tier: d.tier, rule: d.rule };
  } catch (err) {
    // The hook answers any failure with a deny (fail closed).
    return { verdict: 'deny', tier: 4, rule: 'engine.error', error: String(err?.message ?? err) };
  }
}

// ---------------------------------------------------------------------------------------------
// cc-safety-net

function mapper(proj, home) {
  const re = (p) => new RegExp(`${p.replaceAll('/', '\\/')}(?=$|[^A-Za-z0-9._-])`, 'g');
  const rp = re(PROJECT);
  const rh = re(HOME);
  const str = (s) => s.replace(rp, proj).replace(rh, home);
  const deep = (v) =>
    typeof v === 'string'
      ? str(v)
      : Array.isArray(v)
        ? v.map(deep)
        : v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deep(x)]))
          : v;
  return { str, deep };
}

function ccsnVerdict(stdout, status) {
  if (status === 2) return 'deny';
  const text = stdout.trim();
  if (status !== 0) return 'error';
  if (text === '') return 'allow';
  try {
    const out = JSON.parse(text);
    const d = out.hookSpecificOutput?.permissionDecision ?? (out.decision === 'block' ? 'deny' : undefined);
    return d === 'deny' || d === 'ask' || d === 'allow' ? d : 'error';
  } catch {
    return 'error';
  }
}

function runHook(bin, c, world, n) {
  const root = join(world, String(n));
  const proj = join(root, 'proj');
  const home = join(root, 'home');
  mkdirSync(home, { recursive: true });
  mkdirSync(proj, { recursive: true });
  spawnSync('git', ['init', '-q', '-b', 'main', proj], { stdio: 'ignore' });
  const m = mapper(proj, home);
  let fixturesOutside = 0;
  for (const [p, content] of Object.entries(c.files ?? {})) {
    const mapped = m.str(p);
    if (mapped === p || relative(root, mapped).startsWith('..')) {
      fixturesOutside++;
      continue;
    }
    mkdirSync(dirname(mapped), { recursive: true });
    writeFileSync(mapped, content);
  }
  const cwd = m.str(c.cwd ?? PROJECT);
  if (cwd.startsWith(root)) mkdirSync(cwd, { recursive: true });
  const event = {
    session_id: `classes-${c.id}`,
    transcript_path: join(root, 'transcript.jsonl'),
    cwd,
    permission_mode: 'default',
    hook_event_name: 'PreToolUse',
    tool_name: c.tool,
    tool_input: m.deep(c.input),
    tool_use_id: `toolu_classes_${n}`,
  };
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'hook', '--claude-code'], {
      cwd: existsSync(cwd) ? cwd : proj,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => {
      stdout += b;
    });
    child.stderr.on('data', (b) => {
      stderr += b;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ verdict: 'error', error: err.message, fixturesOutside });
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      const verdict = ccsnVerdict(stdout, status);
      resolve({
        verdict,
        fixturesOutside,
        ...(verdict === 'error' ? { error: `exit ${status}: ${(stderr || stdout).slice(0, 300)}` } : {}),
      });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(JSON.stringify(event));
  });
}

async function pool(items, jobs, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Tally

const pct = (n, d) => (d === 0 ? null : Math.round((1000 * n) / d) / 10);

function tally(cases, verdicts) {
  const t = {
    harmful: 0,
    caught: 0,
    caughtDeny: 0,
    caughtAsk: 0,
    benign: 0,
    falseBlocks: 0,
    falseDeny: 0,
    falseAsk: 0,
    errors: 0,
    missed: [],
    blocked: [],
  };
  cases.forEach((c, i) => {
    const v = verdicts[i];
    const blocked = v.verdict === 'deny' || v.verdict === 'ask';
    if (v.verdict === 'error' || v.rule === 'engine.error') t.errors++;
    if (c.expect === 'allow') {
      t.benign++;
      if (blocked) {
        t.falseBlocks++;
        t[v.verdict === 'deny' ? 'falseDeny' : 'falseAsk']++;
        t.blocked.push(v.rule ? `${c.id} (${v.verdict} ${v.rule})` : `${c.id} (${v.verdict})`);
      }
    } else {
      t.harmful++;
      if (blocked) {
        t.caught++;
        t[v.verdict === 'deny' ? 'caughtDeny' : 'caughtAsk']++;
      } else t.missed.push(v.rule ? `${c.id} (${v.verdict} ${v.rule})` : `${c.id} (${v.verdict})`);
    }
  });
  return { ...t, recallPct: pct(t.caught, t.harmful), falseBlockPct: pct(t.falseBlocks, t.benign) };
}

// ---------------------------------------------------------------------------------------------

export async function classesBench({ peer = true, jobs = 2, dir = CORPUS, log = () => {} } = {}) {
  const cache = join(ROOT, 'node_modules', '.cache', 'agent-sre-bench');
  mkdirSync(cache, { recursive: true });
  const work = mkdtempSync(join(cache, 'classes-'));
  const classes = readClassCases(dir);
  const result = { source: source(), classes: [] };
  let world;
  try {
    const engine = await loadEngine(work);
    let bin;
    if (peer) {
      try {
        const { installCcsn, CCSN_VERSION } = await import('./real-client.mjs');
        bin = installCcsn();
        const base = join(process.env.XDG_CACHE_HOME || join(os.homedir(), '.cache'), 'agent-sre');
        mkdirSync(base, { recursive: true });
        world = mkdtempSync(join(base, 'classes-world-'));
        result.peer = {
          name: 'cc-safety-net',
          version: CCSN_VERSION,
          invocation: `node ${bin} hook --claude-code`,
          world: 'per case: <cache>/agent-sre/classes-world-XXXX/<n>/{proj (git, main), home}',
        };
      } catch (err) {
        result.peer = {
          skipped: `cc-safety-net not available: ${String(err?.message ?? err).slice(0, 500)}`,
        };
        log(`cc-safety-net skipped: ${result.peer.skipped}`);
      }
    } else result.peer = { skipped: '--no-peer' };

    let n = 0;
    for (const k of classes) {
      const row = { class: k.n, file: `test/corpus/${k.file}.jsonl`, name: k.name, present: k.present };
      if (!k.present) {
        result.classes.push(row);
        continue;
      }
      row.cases = k.cases.length;
      const ours = k.cases.map((c) => ourVerdict(engine, c));
      row.ours = tally(k.cases, ours);
      let theirs;
      if (bin) {
        log(`class ${k.n} (${k.file}): ${k.cases.length} cases through cc-safety-net`);
        const base = n;
        n += k.cases.length;
        theirs = await pool(k.cases, jobs, (c, i) => runHook(bin, c, world, base + i));
        row.peer = {
          ...tally(k.cases, theirs),
          unknownRoute: k.cases.filter((c) => !CCSN_ROUTES.has(c.tool.replace(/[-_\s]/g, '').toLowerCase()))
            .length,
          fixturesNotWritten: theirs.reduce((s, v) => s + v.fixturesOutside, 0),
          errorSamples: theirs
            .filter((v) => v.verdict === 'error')
            .slice(0, 3)
            .map((v) => v.error),
        };
      }
      row.harmful = row.ours.harmful;
      row.benign = row.ours.benign;
      row.verdicts = k.cases.map((c, i) => ({
        id: c.id,
        expect: c.expect,
        ours: `${ours[i].verdict} ${ours[i].tier} ${ours[i].rule}`,
        ...(row.peer ? { peer: theirs[i].verdict } : {}),
      }));
      result.classes.push(row);
    }
    const present = result.classes.filter((r) => r.present);
    const sum = (pick, key) => present.reduce((s, r) => s + (pick(r)?.[key] ?? 0), 0);
    const totals = (pick) => {
      const caught = sum(pick, 'caught');
      const harmful = sum(pick, 'harmful');
      const falseBlocks = sum(pick, 'falseBlocks');
      const benign = sum(pick, 'benign');
      return {
        harmful,
        caught,
        caughtDeny: sum(pick, 'caughtDeny'),
        caughtAsk: sum(pick, 'caughtAsk'),
        benign,
        falseBlocks,
        falseDeny: sum(pick, 'falseDeny'),
        falseAsk: sum(pick, 'falseAsk'),
        recallPct: pct(caught, harmful),
        falseBlockPct: pct(falseBlocks, benign),
      };
    };
    result.total = {
      classesPresent: present.length,
      cases: present.reduce((s, r) => s + r.cases, 0),
      ours: totals((r) => r.ours),
      ...(bin ? { peer: totals((r) => r.peer) } : {}),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
    if (world) rmSync(world, { recursive: true, force: true });
  }
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'classes.json'), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

const few = (ids, n = 6) =>
  `${ids.slice(0, n).join(', ')}${ids.length > n ? ` and ${ids.length - n} more` : ''}`;
const rate = (n, d, p) => (d ? `${n}/${d} ${p.toFixed(1)} %` : '-');

/** The per-class table, as printed by bench/run.mjs too. */
export function printClasses(r) {
  const lines = [];
  const peer = !r.peer?.skipped;
  lines.push(
    `Per class (issue 12; ours in-process, block = deny or ask${peer ? `; peer = cc-safety-net ${r.peer.version} hook --claude-code` : ''})`,
  );
  const head = [
    'class',
    'cases',
    'harmful',
    'benign',
    'our recall',
    'deny/ask',
    'our false blocks',
    'deny/ask',
  ];
  if (peer) head.push('peer recall', 'peer false blocks', 'peer unknown tool');
  const rows = r.classes.map((c) => {
    const label = `${c.class} ${c.file.replace(/^test\/corpus\/|\.jsonl$/g, '')}`;
    if (!c.present) return [label, 'missing', ...head.slice(2).map(() => '')];
    const o = c.ours;
    const row = [
      label,
      c.cases,
      o.harmful,
      o.benign,
      rate(o.caught, o.harmful, o.recallPct ?? 0),
      `${o.caughtDeny}/${o.caughtAsk}`,
      rate(o.falseBlocks, o.benign, o.falseBlockPct ?? 0),
      `${o.falseDeny}/${o.falseAsk}`,
    ];
    if (peer) {
      const p = c.peer;
      row.push(
        rate(p.caught, p.harmful, p.recallPct ?? 0),
        rate(p.falseBlocks, p.benign, p.falseBlockPct ?? 0),
        p.unknownRoute,
      );
    }
    return row;
  });
  if (r.total?.classesPresent) {
    const o = r.total.ours;
    const row = [
      'all',
      r.total.cases,
      o.harmful,
      o.benign,
      rate(o.caught, o.harmful, o.recallPct ?? 0),
      `${o.caughtDeny}/${o.caughtAsk}`,
      rate(o.falseBlocks, o.benign, o.falseBlockPct ?? 0),
      `${o.falseDeny}/${o.falseAsk}`,
    ];
    if (peer) {
      const p = r.total.peer;
      row.push(
        rate(p.caught, p.harmful, p.recallPct ?? 0),
        rate(p.falseBlocks, p.benign, p.falseBlockPct ?? 0),
        r.classes.reduce((s, c) => s + (c.peer?.unknownRoute ?? 0), 0),
      );
    }
    rows.push(row);
  }
  const cells = [head, ...rows].map((x) => x.map(String));
  const widths = head.map((_, i) => Math.max(...cells.map((x) => x[i].length)));
  const fmt = (x) =>
    `  ${x.map((s, i) => (i === 0 ? s.padEnd(widths[i]) : s.padStart(widths[i]))).join('  ')}`;
  lines.push(fmt(cells[0]), `  ${widths.map((w) => '-'.repeat(w)).join('  ')}`, ...cells.slice(1).map(fmt));
  if (r.peer?.skipped) lines.push(`  peer columns skipped: ${r.peer.skipped}`);
  const errors = r.classes.reduce((s, c) => s + (c.ours?.errors ?? 0) + (c.peer?.errors ?? 0), 0);
  if (errors) lines.push(`  ERRORS: ${errors} cases (engine or hook errors; see bench/out/classes.json)`);
  for (const c of r.classes.filter((x) => x.present)) {
    if (c.ours.missed.length) lines.push(`  ${c.file}: missed ${few(c.ours.missed)}`);
    if (c.ours.blocked.length) lines.push(`  ${c.file}: false blocks ${few(c.ours.blocked)}`);
  }
  lines.push('  details: bench/out/classes.json');
  return lines.join('\n');
}

/** The same table in Markdown, for docs/peers.md ("Per class (issue 12)"). */
export function markdownClasses(r) {
  const peer = !r.peer?.skipped;
  const head = [
    'class',
    'corpus',
    'cases',
    'harmful',
    'benign',
    'our recall',
    'deny / ask',
    'our false blocks',
  ];
  if (peer) head.push('cc-safety-net recall', 'cc-safety-net false blocks');
  const cell = (n, d, p) => (d ? `${n}/${d} (${p.toFixed(1)} %)` : '-');
  const line = (label, file, cases, o, p) => [
    label,
    file,
    cases,
    o.harmful,
    o.benign,
    cell(o.caught, o.harmful, o.recallPct ?? 0),
    `${o.caughtDeny} / ${o.caughtAsk}`,
    cell(o.falseBlocks, o.benign, o.falseBlockPct ?? 0),
    ...(peer
      ? [cell(p.caught, p.harmful, p.recallPct ?? 0), cell(p.falseBlocks, p.benign, p.falseBlockPct ?? 0)]
      : []),
  ];
  const rows = r.classes.map((c) =>
    c.present
      ? line(`${c.class} ${c.name}`, `\`${c.file.replace(/^test\/corpus\//, '')}\``, c.cases, c.ours, c.peer)
      : [
          `${c.class} ${c.name}`,
          `\`${c.file.replace(/^test\/corpus\//, '')}\``,
          'missing',
          ...head.slice(3).map(() => ''),
        ],
  );
  if (r.total?.classesPresent) rows.push(line('**all**', '', r.total.cases, r.total.ours, r.total.peer));
  return [head, head.map(() => '---'), ...rows].map((x) => `| ${x.join(' | ')} |`).join('\n');
}

function source() {
  const git = (...args) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return { commit: 'unknown' };
  const dirty = git('status', '--porcelain', '--', 'src', 'test/helpers', 'test/corpus')
    .stdout.split('\n')
    .filter(Boolean).length;
  return { commit: head.stdout.trim(), uncommittedFiles: dirty, at: new Date().toISOString() };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean', default: false },
      'no-peer': { type: 'boolean', default: false },
      jobs: { type: 'string', default: '2' },
      dir: { type: 'string' },
      markdown: { type: 'boolean', default: false },
    },
  });
  const r = await classesBench({
    peer: !values['no-peer'],
    jobs: Number(values.jobs),
    ...(values.dir ? { dir: values.dir } : {}),
    log: (m) => process.stderr.write(`classes: ${m}\n`),
  });
  if (values.json) console.log(JSON.stringify(r));
  else if (values.markdown) console.log(`commit ${r.source.commit}\n\n${markdownClasses(r)}`);
  else console.log(`source ${r.source.commit}\n${printClasses(r)}`);
}
