// Effects + policy -> decision. The highest tier any rule gives any effect wins; ties go to the first
// rule in policy order. Rules only raise tiers, so adding one can never weaken the policy.
import { globToRegExp } from '../glob.ts';
import type { Decision, Effect, Tier } from '../types.ts';
import { verdictForTier } from '../types.ts';
import type { Policy, Rule, RuleMatch } from './types.ts';

/** The floor for every effect kind, so that every decision names a rule. */
export const FALLBACK_RULES: Rule[] = [
  { id: 'fallback.read', tier: 1, reason: 'Reads are auto-approved.', match: { kind: ['read'] } },
  {
    id: 'fallback.exec',
    tier: 1,
    reason: 'Programs with no other effect run untouched.',
    match: { kind: ['exec'] },
  },
  {
    id: 'fallback.write',
    tier: 2,
    reason: 'Writes are logged and counted.',
    match: { kind: ['write', 'delete'] },
  },
  { id: 'fallback.net', tier: 2, reason: 'Network calls are logged and counted.', match: { kind: ['net'] } },
  {
    id: 'fallback.mcp-read',
    tier: 1,
    reason: 'MCP reads are auto-approved.',
    match: { kind: ['mcp'], verb: ['read'] },
  },
  {
    id: 'fallback.mcp',
    tier: 2,
    reason: 'MCP calls are logged.',
    match: { kind: ['mcp'], verb: ['write', 'delete', 'unknown'] },
  },
  {
    id: 'fallback.unknown-tool',
    tier: 2,
    reason: 'A tool agent-sre does not know: it runs and is logged. Name it in a rule to tier it.',
    match: { kind: ['opaque'], tags: ['unknown-tool'] },
  },
  {
    id: 'fallback.opaque',
    tier: 3,
    reason: 'agent-sre cannot see what this would do, so a human decides.',
    match: { kind: ['opaque'], notTags: ['unknown-tool'] },
  },
];

type Test = (e: Effect) => boolean;

export interface CompiledRule {
  rule: Rule;
  test: Test;
}

export interface CompiledPolicy {
  policy: Policy;
  rules: CompiledRule[];
}

function anyGlob(globs: string[] | undefined, home: string): ((s: string) => boolean) | undefined {
  if (!globs) return undefined;
  const res = globs.map((g) => globToRegExp(g, home));
  return (s) => res.some((r) => r.test(s));
}

export function compileMatch(m: RuleMatch, home: string): Test {
  const tests: Test[] = [];
  if (m.kind) {
    const kinds = new Set(m.kind);
    tests.push((e) => kinds.has(e.kind));
  }
  if (m.tags) {
    const tags = m.tags;
    tests.push((e) => tags.every((t) => e.tags.includes(t)));
  }
  if (m.anyTags) {
    const tags = m.anyTags;
    tests.push((e) => tags.some((t) => e.tags.includes(t)));
  }
  if (m.notTags) {
    const tags = m.notTags;
    tests.push((e) => !tags.some((t) => e.tags.includes(t)));
  }
  if (m.zone) {
    const zones = new Set<string>(m.zone);
    tests.push((e) => 'zone' in e && zones.has(e.zone));
  }
  const path = anyGlob(m.path, home);
  if (path) tests.push((e) => 'path' in e && path(e.path));
  const notPath = anyGlob(m.notPath, home);
  if (notPath) tests.push((e) => !('path' in e && notPath(e.path)));
  const program = anyGlob(m.program, home);
  if (program) tests.push((e) => e.kind === 'exec' && program(e.program));
  if (m.args !== undefined) {
    const re = new RegExp(m.args);
    tests.push((e) => e.kind === 'exec' && re.test(e.argv.join(' ')));
  }
  const host = anyGlob(m.host, home);
  if (host) tests.push((e) => e.kind === 'net' && host(e.host));
  if (m.method) {
    const methods = new Set(m.method.map((x) => x.toUpperCase()));
    tests.push((e) => e.kind === 'net' && methods.has(e.method));
  }
  if (m.credentialed !== undefined) {
    const want = m.credentialed;
    tests.push((e) => e.kind === 'net' && e.credentialed === want);
  }
  const server = anyGlob(m.server, home);
  if (server) tests.push((e) => e.kind === 'mcp' && server(e.server));
  const tool = anyGlob(m.tool, home);
  if (tool) tests.push((e) => e.kind === 'mcp' && tool(e.tool));
  if (m.verb) {
    const verbs = new Set<string>(m.verb);
    tests.push((e) => e.kind === 'mcp' && verbs.has(e.verb));
  }
  return (e) => tests.every((t) => t(e));
}

/**
 * The guard's own rules (`guard.*`) protect the policy, settings, install, ledger and secret. They are
 * built in: no `disabled:` entry removes them, whatever path the policy took to get here (a cached
 * policy file included).
 */
export function isGuardRuleId(id: string): boolean {
  return id.startsWith('guard.');
}

export function compilePolicy(policy: Policy, home: string): CompiledPolicy {
  const disabled = new Set(policy.disabled.filter((id) => !isGuardRuleId(id)));
  const rules = [...policy.rules.filter((r) => !disabled.has(r.id)), ...FALLBACK_RULES].map((rule) => ({
    rule,
    test: compileMatch(rule.match, home),
  }));
  return { policy, rules };
}

export function describeEffect(e: Effect): string {
  switch (e.kind) {
    case 'exec':
      return `run ${e.program}${e.argv.length ? ` ${e.argv.join(' ')}` : ''}`.slice(0, 160);
    case 'delete':
    case 'write':
    case 'read': {
      const flags = e.tags.filter((t) => ['recursive', 'force', 'deferred'].includes(t));
      return `${e.kind} ${e.path} (${e.zone}${flags.length ? `, ${flags.join(', ')}` : ''})`;
    }
    case 'net':
      return `${e.method} ${e.host || 'an unknown host'}${e.credentialed ? ' with credentials' : ''}`;
    case 'mcp':
      return `MCP ${e.server}/${e.tool} (${e.verb})`;
    case 'opaque':
      return e.why;
  }
}

export function evaluate(effects: Effect[], compiled: CompiledPolicy): Decision {
  let best: { tier: Tier; rule: Rule; effect: Effect } | undefined;
  for (const effect of effects) {
    for (const { rule, test } of compiled.rules) {
      if (best && rule.tier <= best.tier) continue;
      if (test(effect)) best = { tier: rule.tier, rule, effect };
    }
  }
  if (!best) {
    return {
      tier: 1,
      verdict: 'allow',
      rule: 'tool.no-effects',
      reason: 'The tool has no effect outside the agent.',
      effects,
    };
  }
  const reason = `${best.rule.reason} [${best.rule.id}: ${describeEffect(best.effect)}; from ${best.effect.origin}]`;
  return { tier: best.tier, verdict: verdictForTier(best.tier), rule: best.rule.id, reason, effects };
}
