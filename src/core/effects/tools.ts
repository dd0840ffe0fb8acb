// Every tool call becomes effects here, whatever tool produced it: Bash, file tools, web, MCP.

import { guardMatch, resolvePath } from '../paths.ts';
import { analyzeShell } from '../shell/analyze.ts';
import type { Effect, JudgeContext, McpEffect, ToolCall } from '../types.ts';
import { analyzeCode } from './code.ts';
import { applyEdits, editsOf, emitNewEffects } from './edits.ts';
import { namesSecretDir } from './guard.ts';
import { judgeMcpSql } from './mcp-sql.ts';
import { netEffect } from './net.ts';
import { judgeRunnable } from './runnable.ts';
import { createSink, emit, emitOpaque, emitPath, originOf, type Scope, type Sink } from './sink.ts';

/** Tools that only talk to the agent itself: no effect on the world. */
const INERT_TOOLS = new Set([
  'TodoWrite',
  'TaskCreate',
  'TaskGet',
  'TaskList',
  'TaskUpdate',
  'TaskStop',
  'TaskOutput',
  'AskUserQuestion',
  'EnterPlanMode',
  'ExitPlanMode',
  'ToolSearch',
  'ListMcpResourcesTool',
  'ReadMcpResourceTool',
  'ReadMcpResourceDirTool',
  'Skill',
  'SendUserMessage',
  'LSP',
  'Monitor',
  'ListAgents',
  'SetGoal',
  'ReportFindings',
  'WaitForMcpServers',
  'EndConversation',
  'ReadNotifications',
  'SubagentHandback',
  'CronList',
  'KillShell',
  'KillBash',
  'BashOutput',
]);

export function effectsOf(call: ToolCall, ctx: JudgeContext): Effect[] {
  const sink = createSink(ctx);
  const scope: Scope = { cwd: call.cwd || ctx.projectDir, vars: new Map(), depth: 0, inherited: [] };
  const input = (call.input && typeof call.input === 'object' ? call.input : {}) as Record<string, unknown>;
  const str = (k: string) => (typeof input[k] === 'string' ? (input[k] as string) : undefined);
  const tool = call.tool;

  if (tool === 'Bash' || tool === 'PowerShell') {
    const command = str('command');
    if (command === undefined)
      emitOpaque(sink, scope, `${tool} call without a command string`, ['malformed'], tool);
    else if (tool === 'Bash') analyzeShell(command, scope, sink);
    else powershell(command, scope, sink);
    return sink.effects;
  }
  if (tool === 'Write' || tool === 'Edit' || tool === 'MultiEdit') {
    const path = str('file_path');
    if (!path) {
      emitOpaque(sink, scope, `${tool} call without a file_path`, ['malformed'], tool);
      return sink.effects;
    }
    const origin = `${tool}: ${path}`;
    const content =
      tool === 'Write'
        ? (str('content') ?? '')
        : tool === 'Edit'
          ? (str('new_string') ?? '')
          : (Array.isArray(input.edits) ? input.edits : [])
              .map((e) =>
                e && typeof e === 'object' ? String((e as Record<string, unknown>).new_string ?? '') : '',
              )
              .join('\n');
    const tags = tool === 'Write' ? ['overwrite'] : ['edit'];
    if (tool === 'Write' && content.length === 0) tags.push('truncate');
    emitPath(sink, scope, 'write', path, tags, origin);
    const before = tool === 'Write' ? undefined : ctx.readScript?.(resolvePath(path, scope.cwd, ctx.home));
    const after = before === undefined ? undefined : applyEdits(before, editsOf(tool, input));
    if (before !== undefined && after !== undefined)
      emitNewEffects(before, after, scope, sink, (text, s, k) =>
        judgeRunnable(path, text, false, s, k, analyzeShell),
      );
    else judgeRunnable(path, content, tool !== 'Write', scope, sink, analyzeShell);
    return sink.effects;
  }
  if (tool === 'NotebookEdit') {
    const path = str('notebook_path') ?? '';
    emitPath(sink, scope, 'write', path, ['edit'], `NotebookEdit: ${path}`);
    const source = str('new_source') ?? '';
    if (str('cell_type') !== 'markdown') notebookCell(source, scope, sink);
    return sink.effects;
  }
  if (tool === 'Read' || tool === 'Glob' || tool === 'Grep' || tool === 'LS' || tool === 'NotebookRead') {
    const path = str('file_path') ?? str('path') ?? str('notebook_path') ?? call.cwd ?? ctx.projectDir;
    const pattern = tool === 'Glob' ? str('pattern') : undefined;
    const target =
      pattern?.startsWith('/') || pattern?.startsWith('~') ? pattern : pattern ? `${path}/${pattern}` : path;
    // Grep reads the content of everything below its path.
    emitPath(sink, scope, 'read', target, tool === 'Grep' ? ['recursive'] : [], `${tool}: ${target}`);
    return sink.effects;
  }
  if (tool === 'WebFetch') {
    const url = str('url') ?? '';
    emit(sink, scope, netEffect(url, 'GET', false, ['web'], `WebFetch: ${redactUrl(url)}`));
    return sink.effects;
  }
  if (tool === 'WebSearch') {
    emit(sink, scope, {
      kind: 'net',
      host: 'web-search',
      method: 'GET',
      credentialed: false,
      tags: ['web', 'search'],
      origin: 'WebSearch',
    });
    return sink.effects;
  }
  if (tool === 'Agent' || tool === 'Task') {
    emit(sink, scope, {
      kind: 'exec',
      program: 'subagent',
      argv: [str('subagent_type') ?? 'general-purpose'],
      tags: ['subagent'],
      origin: `${tool}: ${str('description') ?? ''}`,
    });
    return sink.effects;
  }
  if (tool.startsWith('mcp__')) {
    const mcp = mcpEffect(tool);
    // The SQL it carries decides what a database tool does (mcp-sql.ts); guard paths keep the named verb.
    emit(sink, scope, judgeMcpSql(mcp, input));
    mcpGuardPaths(mcp, input, scope, sink);
    return sink.effects;
  }
  if (INERT_TOOLS.has(tool)) return sink.effects;
  emitOpaque(sink, scope, `unknown tool ${tool}`, ['unknown-tool'], tool);
  return sink.effects;
}

function redactUrl(url: string): string {
  return url.replace(/\?.*$/, '?…');
}

const DELETE_VERB =
  /(^|_|-)(delete|remove|drop|destroy|purge|truncate|wipe|erase|terminate|revoke|archive|uninstall|kill|reset|clear|flush|force_push|unpublish)(?=$|_|-)|^rm($|_)/i;
const WRITE_VERB =
  /(^|_|-)(create|update|write|post|put|patch|send|set|add|insert|upsert|upload|edit|modify|comment|reply|push|merge|commit|publish|deploy|apply|execute|exec|run|invoke|trigger|assign|move|rename|close|reopen|approve|transfer|schedule|book|pay|charge|refund|mark|star|fork|invite|share|store|save|import|restart|scale|rollback|start|stop)(?=$|_|-)/i;
const READ_VERB =
  /(^|_|-)(get|list|read|search|fetch|query|describe|show|view|find|lookup|inspect|retrieve|download|count|check|status|info|explain|diff|browse|snapshot|screenshot|resolve|select|load|summarize|analyze|compare|preview|validate|export|whoami|ping|health)(?=$|_|-)/i;

export function mcpEffect(tool: string): McpEffect {
  const rest = tool.slice('mcp__'.length);
  const sep = rest.lastIndexOf('__');
  const server = sep >= 0 ? rest.slice(0, sep) : rest;
  const name = sep >= 0 ? rest.slice(sep + 2) : '';
  const words = name.replace(/([a-z])([A-Z])/g, '$1_$2');
  const verb = DELETE_VERB.test(words)
    ? 'delete'
    : WRITE_VERB.test(words)
      ? 'write'
      : READ_VERB.test(words)
        ? 'read'
        : 'unknown';
  return { kind: 'mcp', server, tool: name, verb, tags: [`mcp.${verb}`], origin: `MCP: ${server}/${name}` };
}

/** Strings in a tool's input, nested ones too (bounded). */
function strings(v: unknown, out: string[] = [], depth = 0): string[] {
  if (typeof v === 'string') out.push(v);
  else if (depth < 4 && v && typeof v === 'object' && out.length < 200)
    for (const x of Object.values(v)) strings(x, out, depth + 1);
  return out;
}

/**
 * An MCP server (a filesystem server, a shell) reached with a path of the guard's: the secret's dir is
 * refused for any verb, other guard paths for anything but a read.
 */
function mcpGuardPaths(mcp: McpEffect, input: Record<string, unknown>, scope: Scope, sink: Sink): void {
  const origin = `MCP: ${mcp.server}/${mcp.tool}`;
  for (const s of strings(input)) {
    if (namesSecretDir(s, scope.cwd, sink.ctx) && sink.ctx.guard?.userDir) {
      emitPath(sink, scope, 'read', sink.ctx.guard.userDir, ['mcp'], origin);
      continue;
    }
    if (mcp.verb === 'read' || !/^(\/|~\/)/.test(s) || /\s/.test(s)) continue;
    if (guardMatch(resolvePath(s, scope.cwd, sink.ctx.home), sink.ctx).relation === 'inside')
      emitPath(sink, scope, mcp.verb === 'delete' ? 'delete' : 'write', s, ['mcp'], origin);
  }
}

/** Notebook cells: `!cmd` and `%%bash` are shell, the rest is Python that runs when the cell does. */
function notebookCell(source: string, scope: Scope, sink: Sink): void {
  const deferred: Scope = { ...scope, inherited: [...scope.inherited, 'deferred'] };
  if (/^\s*%%(bash|sh|script\s+(ba)?sh|system)\b/.test(source)) {
    analyzeShell(source.replace(/^\s*%%[^\n]*\n?/, ''), deferred, sink);
    return;
  }
  const python: string[] = [];
  for (const line of source.split('\n')) {
    const shell = /^\s*(?:!|%(?:sx|system|sh)\s)(.*)$/.exec(line);
    if (shell) analyzeShell(shell[1]!, deferred, sink);
    else python.push(line);
  }
  const api = {
    shell: analyzeShell,
    code: (l: Parameters<typeof analyzeCode>[0], c: string, sc: Scope, sk: Sink) =>
      analyzeCode(l, c, sc, sk, api),
    script: () => false,
  };
  analyzeCode('python', python.join('\n'), deferred, sink, api);
}

/** PowerShell: no parser here, so the destructive cmdlets are matched by name and the rest is opaque. */
function powershell(command: string, scope: Scope, sink: Sink): void {
  const origin = originOf('powershell', command);
  for (const m of command.matchAll(/\b(Remove-Item|rm|rmdir|del|erase|rd|ri)\b([^;|\n]*)/gi)) {
    const args = m[2]!.trim().split(/\s+/).filter(Boolean);
    const recursive = args.some((a) => /^-r(ecurse)?$/i.test(a));
    const force = args.some((a) => /^-f(orce)?$/i.test(a));
    const targets = args
      .filter((a) => !a.startsWith('-'))
      .map((a) => a.replace(/^['"]|['"]$/g, '').replace(/^\$HOME|^\$env:USERPROFILE|^\$env:HOME/i, '~'));
    for (const t of targets)
      emitPath(
        sink,
        scope,
        'delete',
        t,
        [...(recursive ? ['recursive'] : []), ...(force ? ['force'] : [])],
        origin,
      );
  }
  if (
    /\b(Invoke-Expression|iex)\b/i.test(command) &&
    /\b(Invoke-WebRequest|iwr|Invoke-RestMethod|irm|DownloadString|curl|wget)\b/i.test(command)
  ) {
    emitOpaque(sink, scope, 'runs code downloaded from the network', ['rce'], origin);
  }
  if (/\bFormat-Volume|Clear-Disk|Initialize-Disk\b/i.test(command))
    emitOpaque(sink, scope, 'formats a disk', ['disk-format'], origin);
  emit(sink, scope, { kind: 'exec', program: 'powershell', argv: [command], tags: ['powershell'], origin });
}
