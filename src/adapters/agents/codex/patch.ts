// Codex's apply_patch format: what files a patch adds, deletes, updates or moves, as the Claude-shaped
// calls (Write, Edit, a shell `rm`) the policy already knows how to judge. Pure: the text comes from the
// hook input; nothing here reads the files.
import type { ToolCall } from '../../../core/types.ts';

export type PatchOp =
  | { op: 'add'; path: string; content: string }
  | { op: 'delete'; path: string }
  | { op: 'update'; path: string; moveTo: string | null; oldText: string; newText: string };

const HEADER = /^\*\*\* (Add|Delete|Update) File: (.+)$/;
const MOVE = /^\*\*\* Move to: (.+)$/;

/**
 * The file operations of a patch, in order. Lenient like Codex itself: a heredoc wrapper or text around
 * `*** Begin Patch` is ignored, and every `*** Add|Delete|Update File:` line starts an operation.
 */
export function patchOps(patch: string): PatchOp[] {
  const ops: PatchOp[] = [];
  let cur: PatchOp | null = null;
  const oldLines: string[] = [];
  const newLines: string[] = [];
  const flush = () => {
    if (cur?.op === 'add') cur.content = newLines.join('\n');
    if (cur?.op === 'update') {
      cur.oldText = oldLines.join('\n');
      cur.newText = newLines.join('\n');
    }
    if (cur) ops.push(cur);
    cur = null;
    oldLines.length = 0;
    newLines.length = 0;
  };
  for (const raw of patch.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const head = HEADER.exec(line);
    if (head) {
      flush();
      const path = head[2]!.trim();
      cur =
        head[1] === 'Add'
          ? { op: 'add', path, content: '' }
          : head[1] === 'Delete'
            ? { op: 'delete', path }
            : { op: 'update', path, moveTo: null, oldText: '', newText: '' };
      continue;
    }
    if (!cur) continue;
    const c: PatchOp = cur;
    const move = MOVE.exec(line);
    if (move && c.op === 'update') {
      c.moveTo = move[1]!.trim();
      continue;
    }
    if (line.startsWith('*** ')) {
      // *** End Patch, *** End of File: the operation's text ends here.
      if (line.startsWith('*** End Patch')) flush();
      continue;
    }
    if (c.op === 'add') {
      if (line.startsWith('+')) newLines.push(line.slice(1));
    } else if (c.op === 'update') {
      if (line.startsWith('@@')) continue;
      if (line.startsWith('+')) newLines.push(line.slice(1));
      else if (line.startsWith('-')) oldLines.push(line.slice(1));
      else {
        const ctx = line.startsWith(' ') ? line.slice(1) : line;
        oldLines.push(ctx);
        newLines.push(ctx);
      }
    }
  }
  flush();
  return ops;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The Claude-shaped calls a patch amounts to, each judged as Claude Code's own tool would be. */
export function patchCalls(patch: string, cwd: string): ToolCall[] {
  const calls: ToolCall[] = [];
  for (const op of patchOps(patch)) {
    if (op.op === 'add')
      calls.push({ tool: 'Write', input: { file_path: op.path, content: op.content }, cwd });
    else if (op.op === 'delete')
      calls.push({ tool: 'Bash', input: { command: `rm -f -- ${quote(op.path)}` }, cwd });
    else {
      calls.push({
        tool: 'Edit',
        input: { file_path: op.path, old_string: op.oldText, new_string: op.newText },
        cwd,
      });
      if (op.moveTo !== null) {
        calls.push({ tool: 'Write', input: { file_path: op.moveTo, content: op.newText }, cwd });
        calls.push({ tool: 'Bash', input: { command: `rm -f -- ${quote(op.path)}` }, cwd });
      }
    }
  }
  return calls;
}

/**
 * An `apply_patch` call (its patch under `command`) as the calls it amounts to; undefined for any other call,
 * or a patch with nothing readable in it (then judged as a tool agent-sre does not know).
 */
export function expandApplyPatch(call: ToolCall): ToolCall[] | undefined {
  if (call.tool !== 'apply_patch') return undefined;
  const input = call.input as { command?: unknown } | null;
  const calls = typeof input?.command === 'string' ? patchCalls(input.command, call.cwd) : [];
  return calls.length > 0 ? calls : undefined;
}
