// Where Claude Code keeps a project's session transcripts: ~/.claude/projects/<project>/<session-id>.jsonl,
// where <project> is the working directory with every character other than a letter or digit replaced by
// `-` (hooks reference §3.1). CLAUDE_CONFIG_DIR moves ~/.claude.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function claudeProjectsDir(env: NodeJS.ProcessEnv, home: string): string {
  return join(env.CLAUDE_CONFIG_DIR || join(home, '.claude'), 'projects');
}

export function projectFolderName(projectDir: string): string {
  return projectDir.replace(/[^A-Za-z0-9]/g, '-');
}

const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * The transcript of a session: in the project's folder first, else in any project's folder (long paths are
 * shortened and hashed in the folder name, and a session may have started in a subdirectory).
 */
export function findSessionTranscript(
  projectsDir: string,
  projectDir: string,
  sessionId: string,
): string | null {
  if (!SESSION_ID.test(sessionId)) return null;
  const own = join(projectsDir, projectFolderName(projectDir), `${sessionId}.jsonl`);
  if (existsSync(own)) return own;
  let folders: string[] = [];
  try {
    folders = readdirSync(projectsDir);
  } catch {
    return null;
  }
  for (const f of folders.sort()) {
    const candidate = join(projectsDir, f, `${sessionId}.jsonl`);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** The project's most recently written session transcript, if any. */
export function latestSessionTranscript(projectsDir: string, projectDir: string): string | null {
  const folder = join(projectsDir, projectFolderName(projectDir));
  let best: { path: string; mtime: number } | null = null;
  let names: string[] = [];
  try {
    names = readdirSync(folder).filter((n) => n.endsWith('.jsonl'));
  } catch {
    return null;
  }
  for (const n of names) {
    const path = join(folder, n);
    try {
      const mtime = statSync(path).mtimeMs;
      if (!best || mtime > best.mtime) best = { path, mtime };
    } catch {
      // Removed while we looked.
    }
  }
  return best?.path ?? null;
}
