#!/usr/bin/env node
// Checks the policy test corpus: every *.jsonl line in this directory (or the one given as the
// first argument) must be one well-formed case. Plain Node, no dependencies.
//
//   node test/corpus/validate.mjs [dir]
//
// Exit code 0 when every case is valid, 1 otherwise. Prints per-category counts.

import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = process.argv[2] ?? dirname(fileURLToPath(import.meta.url));
const EXPECTS = new Set(['allow', 'ask', 'deny']);
const TIERS_FOR = { allow: [1, 2], ask: [3], deny: [4] };
const KEYS = new Set(['id', 'tool', 'input', 'expect', 'tier', 'why', 'cwd', 'files', 'guard']);
// Where the guard is installed for the case (test/corpus.test.ts): in the project's node_modules (the
// default), globally, or as a clone in the home directory.
const GUARDS = new Set(['project', 'global', 'clone']);

const isObj = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v) => typeof v === 'string';
const isNonEmpty = (v) => isStr(v) && v.length > 0;

// Required and optional fields of each known tool's input, and which of them are paths.
const SHAPES = {
  Bash: { req: { command: isNonEmpty }, opt: {} },
  Write: { req: { file_path: isStr, content: isStr }, opt: {}, paths: ['file_path'] },
  Edit: { req: { file_path: isStr, old_string: isStr, new_string: isStr }, opt: { replace_all: (v) => typeof v === 'boolean' }, paths: ['file_path'] },
  MultiEdit: {
    req: {
      file_path: isStr,
      edits: (v) => Array.isArray(v) && v.length > 0 && v.every((e) => isObj(e) && isStr(e.old_string) && isStr(e.new_string)),
    },
    opt: {},
    paths: ['file_path'],
  },
  Read: { req: { file_path: isStr }, opt: { offset: Number.isInteger, limit: Number.isInteger }, paths: ['file_path'] },
  NotebookEdit: {
    req: { notebook_path: isStr, new_source: isStr },
    opt: { cell_id: isStr, cell_type: (v) => v === 'code' || v === 'markdown', edit_mode: (v) => ['replace', 'insert', 'delete'].includes(v) },
    paths: ['notebook_path'],
  },
  WebFetch: { req: { url: (v) => isStr(v) && /^https?:\/\//.test(v), prompt: isStr }, opt: {} },
  WebSearch: { req: { query: isNonEmpty }, opt: { allowed_domains: Array.isArray, blocked_domains: Array.isArray } },
  Glob: { req: { pattern: isNonEmpty }, opt: { path: isStr }, paths: ['path'] },
  Grep: { req: { pattern: isNonEmpty }, opt: { path: isStr, glob: isStr, output_mode: isStr }, paths: ['path'] },
  Agent: { req: { description: isStr, prompt: isNonEmpty }, opt: { subagent_type: isStr } },
};

const errors = [];
const counts = {};
const seen = new Map();
let total = 0;

const files = readdirSync(dir)
  .filter((f) => f.endsWith('.jsonl'))
  .sort();
if (files.length === 0) errors.push(`${dir}: no .jsonl files`);

for (const file of files) {
  const category = basename(file, '.jsonl');
  const lines = readFileSync(join(dir, file), 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const verdicts = { allow: 0, ask: 0, deny: 0 };
  counts[category] = { total: 0, ...verdicts };

  lines.forEach((line, i) => {
    const where = `${file}:${i + 1}`;
    const err = (msg) => errors.push(`${where}: ${msg}`);
    if (line.trim() === '') return err('blank line');
    let c;
    try {
      c = JSON.parse(line);
    } catch (e) {
      return err(`not JSON (${e.message})`);
    }
    if (!isObj(c)) return err('not a JSON object');

    for (const k of Object.keys(c)) if (!KEYS.has(k)) err(`unknown field "${k}"`);

    // id
    if (!isNonEmpty(c.id)) err('missing id');
    else {
      if (!c.id.startsWith(`${category}-`)) err(`id "${c.id}" must start with "${category}-"`);
      if (!/^[a-z0-9][a-z0-9-]*$/.test(c.id)) err(`id "${c.id}" must be lower-case kebab-case`);
      if (seen.has(c.id)) err(`duplicate id "${c.id}" (first at ${seen.get(c.id)})`);
      else seen.set(c.id, where);
    }

    // expect / tier / why
    if (!EXPECTS.has(c.expect)) err(`expect must be allow|ask|deny, got ${JSON.stringify(c.expect)}`);
    if (c.tier !== undefined) {
      if (![1, 2, 3, 4].includes(c.tier)) err(`tier must be 1..4, got ${JSON.stringify(c.tier)}`);
      else if (EXPECTS.has(c.expect) && !TIERS_FOR[c.expect].includes(c.tier))
        err(`tier ${c.tier} contradicts expect "${c.expect}"`);
    }
    if (!isNonEmpty(c.why)) err('missing why');

    if (c.guard !== undefined && !GUARDS.has(c.guard)) err(`guard must be project|global|clone, got ${JSON.stringify(c.guard)}`);

    // cwd and files
    if (c.cwd !== undefined && !(isStr(c.cwd) && isAbsolute(c.cwd))) err('cwd must be an absolute path');
    if (c.files !== undefined) {
      if (!isObj(c.files) || Object.keys(c.files).length === 0) err('files must be a non-empty object');
      else
        for (const [p, body] of Object.entries(c.files)) {
          if (!isAbsolute(p)) err(`files key "${p}" must be absolute`);
          if (!isStr(body)) err(`files["${p}"] must be a string`);
        }
    }

    // tool and input
    if (!isNonEmpty(c.tool)) err('missing tool');
    if (!isObj(c.input)) err('input must be an object');
    else if (isStr(c.tool)) {
      const shape = SHAPES[c.tool];
      if (c.tool.startsWith('mcp__')) {
        if (!/^mcp__[A-Za-z0-9_-]+__[A-Za-z0-9_-]+$/.test(c.tool)) err(`bad MCP tool name "${c.tool}"`);
      } else if (shape) {
        for (const [k, ok] of Object.entries(shape.req)) {
          if (!(k in c.input)) err(`${c.tool} input needs "${k}"`);
          else if (!ok(c.input[k])) err(`${c.tool} input "${k}" has the wrong shape`);
        }
        for (const k of Object.keys(c.input)) {
          if (k in shape.req) continue;
          if (!(k in shape.opt)) err(`${c.tool} input has unexpected field "${k}"`);
          else if (!shape.opt[k](c.input[k])) err(`${c.tool} input "${k}" has the wrong shape`);
        }
        for (const k of shape.paths ?? [])
          if (isStr(c.input[k]) && !isAbsolute(c.input[k])) err(`${c.tool} ${k} "${c.input[k]}" must be absolute`);
      }
      // Any other name is an "unknown tool" case: any object input is fine.
    }

    if (EXPECTS.has(c.expect)) verdicts[c.expect]++;
    counts[category].total++;
    total++;
  });

  Object.assign(counts[category], verdicts);
  if (verdicts.allow === 0) errors.push(`${file}: needs at least one must-allow case`);
  if (verdicts.ask + verdicts.deny === 0) errors.push(`${file}: needs at least one must-block (ask or deny) case`);
}

const pad = (s, n) => String(s).padEnd(n);
const padL = (s, n) => String(s).padStart(n);
console.log(`${pad('category', 18)}${padL('cases', 6)}${padL('allow', 7)}${padL('ask', 5)}${padL('deny', 6)}`);
const sum = { allow: 0, ask: 0, deny: 0 };
for (const [cat, n] of Object.entries(counts)) {
  console.log(`${pad(cat, 18)}${padL(n.total, 6)}${padL(n.allow, 7)}${padL(n.ask, 5)}${padL(n.deny, 6)}`);
  for (const k of Object.keys(sum)) sum[k] += n[k];
}
console.log(`${pad('total', 18)}${padL(total, 6)}${padL(sum.allow, 7)}${padL(sum.ask, 5)}${padL(sum.deny, 6)}`);

if (errors.length > 0) {
  console.error(`\n${errors.length} problem(s):`);
  for (const e of errors) console.error(`  ${e}`);
  process.exit(1);
}
console.log('\nok');
