// Running one acceptance check: the IO half (commands, files) around the pure comparisons in core/gates.
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { CommandResult, CommandRunner } from '../adapters/exec/command.ts';
import type { GateEvidence } from '../core/gates/evidence.ts';
import { toolCalled } from '../core/gates/evidence.ts';
import { compareGolden } from '../core/gates/golden.ts';
import type { CheckOutcome } from '../core/gates/stop.ts';
import type { AcceptanceCheck, CommandCheck, GoldenCheck, SchemaCheck } from '../core/gates/types.ts';
import { outputTail } from '../core/output-tail.ts';
import { redactText } from '../core/redact.ts';
import type { LedgerEvent } from '../core/session/types.ts';

export interface CheckContext {
  projectDir: string;
  /** The final message of the agent that wants to stop ('' for a task). */
  message: string;
  events: readonly LedgerEvent[];
  evidence: GateEvidence;
  /** Whose events count: a subagent's own, or null for the whole session. */
  agentId: string | null;
  run: CommandRunner;
  env: NodeJS.ProcessEnv;
}

// Enough for the failing test and its assertion above a runner's summary block; the block reason digests it.
const TAIL_LINES = 120;
const TAIL_CHARS = 8000;
const MAX_FILE = 4 * 1024 * 1024;

/** The last lines of a check's output; redacted before it goes anywhere. */
export function tailOf(text: string): string {
  return outputTail(text, TAIL_CHARS, TAIL_LINES);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A check's files must stay inside the project, whatever the YAML says. */
function projectFile(projectDir: string, file: string): string {
  const abs = resolve(projectDir, file);
  const rel = relative(projectDir, abs);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new Error(`${file} is outside the project`);
  return abs;
}

function readProjectFile(projectDir: string, file: string): string {
  const text = readFileSync(projectFile(projectDir, file), 'utf8');
  if (text.length > MAX_FILE) throw new Error(`${file} is over ${MAX_FILE} bytes`);
  return text;
}

function commandDetail(run: string, r: CommandResult, timeoutSeconds: number): string {
  const cmd = `\`${run.length > 120 ? `${run.slice(0, 119)}…` : run}\``;
  if (r.startError) return `${cmd} could not start: ${r.startError}`;
  if (r.timedOut) return `${cmd} timed out after ${timeoutSeconds} s and was killed`;
  if (r.exitCode === 127)
    return `${cmd} exited 127 after ${seconds(r.durationMs)}: the command was not found. You cannot change the checks in agent-sre.yaml; if the command is right, install what it needs, otherwise report this to a human`;
  if (r.exitCode === 0) return `${cmd} passed in ${seconds(r.durationMs)}`;
  return `${cmd} exited ${r.exitCode} after ${seconds(r.durationMs)}`;
}

async function runCommandCheck(
  check: CommandCheck,
  ctx: CheckContext,
): Promise<Omit<CheckOutcome, 'durationMs'>> {
  const r = await ctx.run(check.run, {
    cwd: ctx.projectDir,
    timeoutMs: check.timeoutSeconds * 1000,
    env: ctx.env,
  });
  return {
    id: check.id,
    kind: check.kind,
    status: r.exitCode === 0 && !r.timedOut ? 'passed' : 'failed',
    detail: commandDetail(check.run, r, check.timeoutSeconds),
    tail: r.exitCode === 0 ? '' : tailOf(r.tail),
  };
}

/** The JSON an agent's final message carries: all of it, else its last ```json block. */
export function jsonInMessage(message: string): unknown {
  const trimmed = message.trim();
  try {
    return JSON.parse(trimmed);
  } catch {
    const blocks = [...trimmed.matchAll(/```(?:json|JSON)?[ \t]*\n([\s\S]*?)\n?```/g)];
    const last = blocks[blocks.length - 1];
    if (!last) throw new Error('the final message is not JSON and holds no ```json block');
    try {
      return JSON.parse(last[1]!);
    } catch (err) {
      throw new Error(`the last code block of the final message is not JSON: ${(err as Error).message}`);
    }
  }
}

async function runSchemaCheck(
  check: SchemaCheck,
  ctx: CheckContext,
): Promise<Omit<CheckOutcome, 'durationMs'>> {
  const out = (status: 'passed' | 'failed', detail: string, tail = '') => ({
    id: check.id,
    kind: check.kind,
    status,
    detail,
    tail,
  });
  const target = check.target === 'message' ? 'the final message' : check.target.file;
  let schemaJson: unknown;
  try {
    schemaJson = check.schema ?? JSON.parse(readProjectFile(ctx.projectDir, check.schemaFile!));
  } catch (err) {
    return out(
      'failed',
      `the schema ${check.schemaFile} cannot be read: ${(err as Error).message}; report this to a human`,
    );
  }
  let value: unknown;
  try {
    value =
      check.target === 'message'
        ? jsonInMessage(ctx.message)
        : JSON.parse(readProjectFile(ctx.projectDir, check.target.file));
  } catch (err) {
    return out('failed', `${target} must be JSON matching the schema: ${(err as Error).message}`);
  }
  const { validateJsonSchema } = await import('./json-schema.ts');
  let r: Awaited<ReturnType<typeof validateJsonSchema>>;
  try {
    r = validateJsonSchema(schemaJson, value);
  } catch (err) {
    return out(
      'failed',
      `agent-sre cannot use the check's JSON Schema (${(err as Error).message}); report this to a human`,
    );
  }
  if (r.ok) return out('passed', `${target} matches the schema`);
  const more = r.total > r.issues.length ? `\n(${r.total - r.issues.length} more)` : '';
  return out(
    'failed',
    `${target} does not match the schema (${r.total} problem${r.total === 1 ? '' : 's'})`,
    redactText(r.issues.join('\n') + more),
  );
}

async function runGoldenCheck(
  check: GoldenCheck,
  ctx: CheckContext,
): Promise<Omit<CheckOutcome, 'durationMs'>> {
  const base = { id: check.id, kind: check.kind };
  let output: string;
  if (check.run) {
    const r = await ctx.run(check.run, {
      cwd: ctx.projectDir,
      timeoutMs: check.timeoutSeconds * 1000,
      env: ctx.env,
      maxStdout: MAX_FILE,
    });
    if (r.exitCode !== 0 || r.timedOut)
      return {
        ...base,
        status: 'failed',
        detail: commandDetail(check.run, r, check.timeoutSeconds),
        tail: tailOf(r.tail),
      };
    output = r.stdout;
  } else {
    try {
      output = readProjectFile(ctx.projectDir, check.file!);
    } catch (err) {
      return {
        ...base,
        status: 'failed',
        detail: `the output ${check.file} cannot be read: ${(err as Error).message}`,
        tail: '',
      };
    }
  }
  let golden: string;
  try {
    golden = readProjectFile(ctx.projectDir, check.golden);
  } catch (err) {
    return {
      ...base,
      status: 'failed',
      detail: `the golden file ${check.golden} cannot be read: ${(err as Error).message}; report this to a human`,
      tail: '',
    };
  }
  const g = compareGolden(output, golden, check.mode, check.threshold);
  const pct = `${(g.score * 100).toFixed(1)}%`;
  return {
    ...base,
    status: g.passed ? 'passed' : 'failed',
    detail: g.passed
      ? `matches ${check.golden} (${check.mode}, ${pct})`
      : `differs from ${check.golden} (${check.mode}): ${pct} match, ${(check.threshold * 100).toFixed(0)}% needed`,
    tail: g.passed ? '' : redactText(g.detail),
  };
}

export async function runCheck(
  check: AcceptanceCheck,
  ctx: CheckContext,
  now: () => number,
): Promise<CheckOutcome> {
  const started = now();
  let result: Omit<CheckOutcome, 'durationMs'>;
  try {
    switch (check.kind) {
      case 'command':
        result = await runCommandCheck(check, ctx);
        break;
      case 'schema':
        result = await runSchemaCheck(check, ctx);
        break;
      case 'golden':
        result = await runGoldenCheck(check, ctx);
        break;
      case 'tool-called': {
        const t = toolCalled(check, ctx.events, ctx.evidence, ctx.agentId);
        result = {
          id: check.id,
          kind: check.kind,
          status: t.passed ? 'passed' : 'failed',
          detail: t.detail,
          tail: '',
        };
        break;
      }
    }
  } catch (err) {
    // A check that cannot be carried out has not passed.
    result = {
      id: check.id,
      kind: check.kind,
      status: 'failed',
      detail: `could not run: ${(err as Error).message}`,
      tail: '',
    };
  }
  return { ...result, durationMs: now() - started };
}
