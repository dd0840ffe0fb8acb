// agent-sre.yaml text -> a validated Policy, or every problem with its file, line and key.
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { DEFAULT_PRICING, mergePricing } from '../core/cost/prices.ts';
import type { AcceptanceCheck, CheckScope } from '../core/gates/types.ts';
import { nearest, orList } from '../core/nearest.ts';
import { isGuardRuleId } from '../core/policy/evaluate.ts';
import type { Policy } from '../core/policy/types.ts';
import { DEFAULT_POLICY_YAML } from './default-policy.ts';
import { knownKeysAt } from './known-keys.ts';
import { checkOncallReferences } from './oncall-schema.ts';
import { type PolicyFile, policyFileSchema } from './schema.ts';
import { STRICT_RULES_YAML } from './strict-policy.ts';

export interface PolicyProblem {
  file: string;
  line: number;
  column: number;
  /** Dotted key path, e.g. `rules.3.tier`. */
  key: string;
  message: string;
}

export type PolicyResult = { ok: true; policy: Policy } | { ok: false; problems: PolicyProblem[] };

export function formatProblems(problems: PolicyProblem[]): string {
  return problems
    .map((p) => `${p.file}:${p.line}:${p.column}: ${p.key ? `${p.key}: ` : ''}${p.message}`)
    .join('\n');
}

/** Where `path` is in the document: its value, or with `keyItself` the last key's own line (a map key). */
function locate(
  doc: ReturnType<typeof parseDocument>,
  lc: LineCounter,
  path: (string | number)[],
  keyItself = false,
): { line: number; column: number } {
  let node: unknown = doc.contents;
  let best = { line: 1, column: 1 };
  const at = (n: unknown) => {
    const range = (n as { range?: [number, number, number] } | null)?.range;
    if (range) {
      const pos = lc.linePos(range[0]);
      best = { line: pos.line, column: pos.col };
    }
  };
  at(node);
  for (const [i, key] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
      if (!pair) break;
      at(pair.key);
      if (keyItself && i === path.length - 1) break;
      node = pair.value;
      at(node);
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      at(node);
    } else break;
  }
  return best;
}

/**
 * Parse YAML and validate it with a zod schema: the value, or every problem with its file, line and key.
 * Shared by agent-sre.yaml and the golden suite files, so both report problems the same way.
 */
export function parseYamlWith<S extends z.ZodType>(
  schema: S,
  text: string,
  file: string,
): { ok: true; value: z.infer<S> } | { ok: false; problems: PolicyProblem[] } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? lc.linePos(e.pos[0]);
        return {
          file,
          line: pos.line,
          column: pos.col,
          key: '',
          message: e.message.split('\n')[0] ?? e.message,
        };
      }),
    };
  }
  let raw: unknown;
  try {
    raw = doc.toJS() ?? {};
  } catch (err) {
    // An alias with no anchor (`rules: *a`) parses but cannot be resolved.
    return { ok: false, problems: [{ file, line: 1, column: 1, key: '', message: (err as Error).message }] };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.flatMap((issue): PolicyProblem[] => {
        const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
        if (issue.code === 'unrecognized_keys')
          return unknownKeys(schema, raw, doc, lc, file, path, issue.keys);
        const pos = locate(doc, lc, path);
        return [{ file, line: pos.line, column: pos.column, key: path.join('.'), message: issue.message }];
      }),
    };
  }
  return { ok: true, value: parsed.data };
}

/**
 * One problem per unknown key, at the key's own line (zod names the map that holds it), with the known key
 * it most likely meant, else the keys allowed there when they are few.
 */
function unknownKeys(
  schema: z.ZodType,
  raw: unknown,
  doc: ReturnType<typeof parseDocument>,
  lc: LineCounter,
  file: string,
  parent: (string | number)[],
  keys: string[],
): PolicyProblem[] {
  const known = knownKeysAt(schema, raw, parent);
  return keys.map((key) => {
    const path = [...parent, key];
    const pos = locate(doc, lc, path, true);
    const near = nearest(key, known);
    const hint =
      near.length > 0
        ? ` (did you mean ${orList(near)}?)`
        : known.length > 0 && known.length <= 12
          ? ` (expected one of: ${known.join(', ')})`
          : '';
    return {
      file,
      line: pos.line,
      column: pos.column,
      // The key is the file's own text and is printed: a control character in it (a terminal escape)
      // is shown escaped, not sent to the terminal.
      key: path.map((k) => (typeof k === 'string' ? JSON.stringify(k).slice(1, -1) : k)).join('.'),
      message: `unknown key ${JSON.stringify(key)}${hint}`,
    };
  });
}

/** Parse and validate one policy file's text. `file` is only used in messages. */
export function parsePolicyFile(
  text: string,
  file: string,
): { ok: true; value: PolicyFile } | { ok: false; problems: PolicyProblem[] } {
  return parseYamlWith(policyFileSchema, text, file);
}

let defaultFile: PolicyFile | undefined;
let strictFile: PolicyFile | undefined;

/** The rules `extends: strict` adds to the default ones. */
export function strictRules(): PolicyFile['rules'] {
  if (!strictFile) {
    const r = parsePolicyFile(STRICT_RULES_YAML, '<embedded strict profile>');
    if (!r.ok) throw new Error(`the embedded strict profile is invalid:\n${formatProblems(r.problems)}`);
    strictFile = r.value;
  }
  return strictFile.rules;
}

/** The default policy's value, embedded as JSON by the build; undefined when running from the sources. */
declare const __AGENT_SRE_DEFAULT_POLICY__: unknown;

export function defaultPolicyFile(): PolicyFile {
  if (defaultFile) return defaultFile;
  if (typeof __AGENT_SRE_DEFAULT_POLICY__ !== 'undefined') {
    // Validated as the YAML's value would be; the file it came from is ours, so a failure is a build bug.
    const parsed = policyFileSchema.safeParse(__AGENT_SRE_DEFAULT_POLICY__);
    if (!parsed.success) throw new Error(`the embedded default policy is invalid: ${parsed.error.message}`);
    defaultFile = parsed.data;
    return defaultFile;
  }
  const r = parsePolicyFile(DEFAULT_POLICY_YAML, '<embedded default policy>');
  if (!r.ok) throw new Error(`the embedded default policy is invalid:\n${formatProblems(r.problems)}`);
  defaultFile = r.value;
  return defaultFile;
}

/** The project's file layered on the defaults. `text` undefined means there is no project file. */
export function loadPolicy(text: string | undefined, file: string): PolicyResult {
  const base = defaultPolicyFile();
  if (text === undefined) return { ok: true, policy: toPolicy(base, []) };
  const r = parsePolicyFile(text, file);
  if (!r.ok) return r;
  const own = r.value;
  // The guard's own rules come with every policy: `extends: none` starts from them, not from nothing.
  const inherited =
    own.extends === 'none'
      ? base.rules.filter((x) => isGuardRuleId(x.id))
      : own.extends === 'strict'
        ? [...base.rules, ...strictRules()]
        : base.rules;
  const problems: PolicyProblem[] = [];
  const seen = new Set(inherited.map((x) => x.id));
  own.rules.forEach((rule, i) => {
    if (isGuardRuleId(rule.id) && !seen.has(rule.id)) {
      problems.push({
        file,
        line: 1,
        column: 1,
        key: `rules.${i}.id`,
        message: `rule ids starting with "guard." are reserved for agent-sre's built-in protection of itself; give "${rule.id}" another id`,
      });
    } else if (seen.has(rule.id)) {
      problems.push({
        file,
        line: 1,
        column: 1,
        key: `rules.${i}.id`,
        message: `rule id "${rule.id}" is already used${inherited.some((x) => x.id === rule.id) ? ' by the default policy; list it under disabled: and give yours a new id' : ''}`,
      });
    }
    seen.add(rule.id);
  });
  const known = new Set([...inherited.map((x) => x.id), ...own.rules.map((x) => x.id)]);
  own.disabled.forEach((id, i) => {
    if (isGuardRuleId(id))
      problems.push({
        file,
        line: 1,
        column: 1,
        key: `disabled.${i}`,
        message: `"${id}" protects agent-sre itself (its policy, settings, install, ledger and secret) and cannot be disabled`,
      });
    else if (!known.has(id))
      problems.push({
        file,
        line: 1,
        column: 1,
        key: `disabled.${i}`,
        message: `no rule has the id "${id}"`,
      });
  });
  problems.push(...pagingReferences(own, file));
  if (problems.length > 0) {
    const lcText = text;
    return { ok: false, problems: problems.map((p) => ({ ...p, ...lineOfKey(lcText, p.key) })) };
  }
  return { ok: true, policy: toPolicy(own, inherited) };
}

/** Names one paging section uses and another must define: channels, schedules, people, policies. */
function pagingReferences(own: PolicyFile, file: string): PolicyProblem[] {
  const channels = Object.keys(own.channels);
  const found = checkOncallReferences(own.oncall, own.escalation, channels);
  own.routing.forEach((r, i) => {
    r.channels.forEach((c, j) => {
      if (!channels.includes(c)) found.push(`routing.${i}.channels.${j}: no channel named '${c}'`);
    });
    if (r.escalation !== undefined && !Object.hasOwn(own.escalation.policies, r.escalation))
      found.push(`routing.${i}.escalation: no escalation policy named '${r.escalation}'`);
  });
  return found.map((text) => {
    const at = text.indexOf(': ');
    return { file, line: 1, column: 1, key: text.slice(0, at), message: text.slice(at + 2) };
  });
}

function lineOfKey(text: string, key: string): { line: number; column: number } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  return locate(
    doc,
    lc,
    key.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k)),
  );
}

function toPolicy(file: PolicyFile, inherited: PolicyFile['rules']): Policy {
  return {
    version: 1,
    rules: [...inherited, ...file.rules],
    disabled: file.disabled,
    budgets: file.budgets,
    denials: file.denials,
    explicitAllow: file.explicitAllow,
    protectedBranches: file.protectedBranches,
    paging: {
      severity: file.severity,
      channels: file.channels,
      routing: file.routing.length > 0 ? file.routing : [{ match: {}, channels: Object.keys(file.channels) }],
      escalation: file.escalation,
      oncall: file.oncall,
      gate: file.gate,
      server: file.server,
      ...(file.team ? { team: file.team } : {}),
    },
    acceptance: {
      maxAttempts: file.acceptance.maxAttempts,
      claims: file.acceptance.claims,
      testCommands: file.acceptance.testCommands,
      runbookChecks: file.acceptance.runbook,
      checks: file.acceptance.checks.map(toCheck),
    },
    burst: file.burst,
    runbook: file.runbook,
    golden: file.golden,
    pricing: mergePricing(DEFAULT_PRICING, file.pricing, 'agent-sre.yaml'),
    report: file.report,
  };
}

/** The YAML's flat check shapes into the core's. */
function toCheck(c: PolicyFile['acceptance']['checks'][number]): AcceptanceCheck {
  const base = {
    id: c.id,
    on: c.on as CheckScope[],
    timeoutSeconds: c.timeoutSeconds,
    source: 'policy' as const,
  };
  switch (c.kind) {
    case 'command':
      return { ...base, kind: 'command', run: c.run };
    case 'schema':
      return {
        ...base,
        kind: 'schema',
        ...(c.schema ? { schema: c.schema } : {}),
        ...(c.schemaFile ? { schemaFile: c.schemaFile } : {}),
        target: c.file ? { file: c.file } : 'message',
      };
    case 'tool-called':
      return {
        ...base,
        kind: 'tool-called',
        tool: c.tool,
        ...(c.pattern ? { pattern: c.pattern } : {}),
        after: c.after,
        succeeded: c.succeeded,
      };
    case 'golden':
      return {
        ...base,
        kind: 'golden',
        ...(c.run ? { run: c.run } : {}),
        ...(c.file ? { file: c.file } : {}),
        golden: c.golden,
        mode: c.mode,
        threshold: c.threshold,
      };
  }
}
