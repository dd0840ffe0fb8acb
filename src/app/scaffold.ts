// The files `agent-sre init` scaffolds: AGENTS.md when the project has no runbook, and
// docs/postmortem-template.md. Neither is ever overwritten; a runbook the project already has is linted
// instead, and its findings go into the init report. Plans read, applies write, so init can check
// everything before its first write.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseRunbook } from '../adapters/markdown/parse.ts';
import { lintRunbooks, RUNBOOK_FILES } from '../core/runbook/lint.ts';
import {
  POSTMORTEM_TEMPLATE,
  type ProjectShape,
  type RunbookScaffold,
  scaffoldRunbook,
} from '../core/runbook/scaffold.ts';
import type { Finding } from '../core/runbook/types.ts';
import type { FileChange } from './init.ts';

export const POSTMORTEM_TEMPLATE_PATH = path.join('docs', 'postmortem-template.md');

export type RunbookPlan =
  | { kind: 'create'; path: string; scaffold: RunbookScaffold }
  | { kind: 'existing'; files: FileChange[]; findings: Finding[] };

/** What the project root holds, as far as the runbook scaffold cares. */
export function probeProject(dir: string): ProjectShape {
  const files: string[] = [];
  const dirs: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const st = statOrUndefined(path.join(dir, entry.name));
      isDir = st?.isDirectory() ?? false;
      isFile = st?.isFile() ?? false;
    }
    if (isDir) dirs.push(entry.name);
    else if (isFile) files.push(entry.name);
  }
  // GNU make's own search order.
  const makefile = ['GNUmakefile', 'makefile', 'Makefile']
    .filter((name) => files.includes(name))
    .map((name) => readText(path.join(dir, name)))
    .find((text) => text !== undefined);
  return {
    files,
    dirs,
    packageScripts: files.includes('package.json')
      ? packageScripts(readText(path.join(dir, 'package.json')))
      : undefined,
    makefile,
  };
}

/** `scripts` from package.json text; undefined when it does not parse, since the scaffold then guesses nothing from it. */
function packageScripts(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined) return undefined;
  let pkg: unknown;
  try {
    pkg = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
  const scripts = (pkg as { scripts?: unknown } | null)?.scripts;
  if (typeof scripts !== 'object' || scripts === null || Array.isArray(scripts)) return {};
  return Object.fromEntries(
    Object.entries(scripts).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

/**
 * A runbook to create, or the lint findings of the ones already there. Any entry named AGENTS.md or
 * CLAUDE.md counts as there, even one that cannot be read: init must never write over it.
 */
export function planRunbook(projectDir: string, home: string = os.homedir()): RunbookPlan {
  const present = RUNBOOK_FILES.filter((name) => lstatOrUndefined(path.join(projectDir, name)));
  if (present.length === 0) {
    return {
      kind: 'create',
      path: path.join(projectDir, RUNBOOK_FILES[0]),
      scaffold: scaffoldRunbook(probeProject(projectDir)),
    };
  }
  const docs = present.flatMap((name) => {
    const file = path.join(projectDir, name);
    const text = statOrUndefined(file)?.isFile() ? readText(file) : undefined;
    return text === undefined ? [] : [parseRunbook(text, name, file)];
  });
  const findings = lintRunbooks(docs, {
    projectDir,
    home,
    exists: (p) => statOrUndefined(p) !== undefined,
  });
  const files = present.map((name): FileChange => {
    const file = path.join(projectDir, name);
    if (!docs.some((d) => d.file === name))
      return { path: file, action: 'unchanged', detail: 'exists but is not a readable file; not linted' };
    const n = findings.filter((f) => f.file === name).length;
    return {
      path: file,
      action: 'unchanged',
      detail:
        n === 0 ? 'exists and lints clean' : `exists; ${n} lint finding${n === 1 ? '' : 's'}, see below`,
    };
  });
  return { kind: 'existing', files, findings };
}

export function applyRunbook(plan: RunbookPlan): FileChange[] {
  if (plan.kind === 'existing') return plan.files;
  const { scaffold } = plan;
  const test = scaffold.testCommand
    ? `tests \`${scaffold.testCommand}\``
    : 'no test command found, see the TODO in it';
  const created = writeNew(plan.path, scaffold.text);
  return [
    created
      ? {
          path: plan.path,
          action: 'created',
          // Claude Code loads CLAUDE.md, not AGENTS.md; a one-line import is the usual bridge.
          detail: `runbook for the agent: ${test}, scope ${scaffold.scope.join(' ')}; review it. Claude Code reads CLAUDE.md, so add one that says @AGENTS.md`,
        }
      : { path: plan.path, action: 'unchanged', detail: 'appeared while init ran; kept as it is' },
  ];
}

export type PostmortemPlan = { path: string; write: boolean } | { path: string; skip: string };

export function planPostmortemTemplate(projectDir: string): PostmortemPlan {
  const file = path.join(projectDir, POSTMORTEM_TEMPLATE_PATH);
  const docs = statOrUndefined(path.dirname(file));
  if (docs && !docs.isDirectory())
    return { path: file, skip: `${path.dirname(file)} is not a directory, so ${file} was not written.` };
  return { path: file, write: lstatOrUndefined(file) === undefined };
}

export function applyPostmortemTemplate(plan: PostmortemPlan): FileChange | undefined {
  if ('skip' in plan) return undefined;
  const kept: FileChange = { path: plan.path, action: 'unchanged', detail: 'existing template kept' };
  if (!plan.write) return kept;
  fs.mkdirSync(path.dirname(plan.path), { recursive: true });
  return writeNew(plan.path, POSTMORTEM_TEMPLATE)
    ? {
        path: plan.path,
        action: 'created',
        detail:
          'blameless postmortem template for agent incidents; `agent-sre postmortem INCIDENT` fills it from the ledger',
      }
    : kept;
}

/** 'wx', so a file that appears between the plan and the write is never overwritten. */
function writeNew(file: string, content: string): boolean {
  try {
    fs.writeFileSync(file, content, { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function statOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

function lstatOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}
