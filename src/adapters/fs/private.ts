// Files the guard creates for itself: the state directory, the ledger, pages, markers and the user
// secret. They are opened without following symlinks and checked for ownership, so a link planted at one
// of these paths (by the agent, or another user) can neither redirect our writes nor feed us a file we
// did not make. The guard often runs as root in containers: following a link there writes anywhere.
import {
  chmodSync,
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readSync,
  type Stats,
  writeSync,
} from 'node:fs';

const { O_NOFOLLOW, O_CREAT, O_EXCL, O_APPEND, O_WRONLY, O_RDONLY, O_TRUNC } = constants;

export class UnsafePathError extends Error {
  override name = 'UnsafePathError';
}

function uid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

/** Owned by this user (or by root, when we are root and the file came with the system). */
function ownedByUs(st: Stats): boolean {
  const me = uid();
  return me === undefined || st.uid === me;
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Make sure `dir` is a real directory we own with mode 0700, creating it (and its parents) when missing.
 * A directory we own but left looser (an older agent-sre made it 0755) is tightened; a symlink, a file, or
 * a directory owned by someone else is refused.
 */
export function ensurePrivateDir(dir: string): void {
  let st = lstatOrUndefined(dir);
  if (!st) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    st = lstatSync(dir);
  }
  if (st.isSymbolicLink())
    throw new UnsafePathError(`${dir} is a symbolic link; agent-sre will not follow it`);
  if (!st.isDirectory()) throw new UnsafePathError(`${dir} is not a directory`);
  if (!ownedByUs(st)) throw new UnsafePathError(`${dir} belongs to uid ${st.uid}, not to this user`);
  if ((st.mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
}

/** Check an existing path is a regular file we own, no link, with no group or other permissions. */
export function checkPrivateFile(path: string, st: Stats): void {
  if (st.isSymbolicLink())
    throw new UnsafePathError(`${path} is a symbolic link; agent-sre will not follow it`);
  if (!st.isFile()) throw new UnsafePathError(`${path} is not a regular file`);
  if (!ownedByUs(st)) throw new UnsafePathError(`${path} belongs to uid ${st.uid}, not to this user`);
}

function openChecked(path: string, flags: number, tighten = true): number {
  let fd: number;
  try {
    fd = openSync(path, flags | O_NOFOLLOW, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP')
      throw new UnsafePathError(`${path} is a symbolic link; agent-sre will not follow it`);
    throw err;
  }
  try {
    const st = fstatSync(fd);
    checkPrivateFile(path, st);
    // Files an older version created 0644 are tightened: they hold tool inputs and pages.
    if ((st.mode & 0o077) !== 0) {
      if (!tighten)
        throw new UnsafePathError(`${path} is open to other users (mode ${(st.mode & 0o777).toString(8)})`);
      chmodSync(path, st.mode & 0o700);
    }
    return fd;
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/** Append to a private file (0600), creating it; never through a link. */
export function appendPrivate(path: string, data: string): void {
  const fd = openChecked(path, O_WRONLY | O_APPEND | O_CREAT);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
  } finally {
    closeSync(fd);
  }
}

/** Replace a private file's content (0600), creating it; never through a link. */
export function writePrivate(path: string, data: string | Uint8Array): void {
  const fd = openChecked(path, O_WRONLY | O_CREAT | O_TRUNC);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
  } finally {
    closeSync(fd);
  }
}

/** Create a private file that must not exist yet; false when it already does. */
export function createPrivateExclusive(path: string, data: string | Uint8Array): boolean {
  let fd: number;
  try {
    fd = openSync(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Read a private file (no link, ours, no group or other permissions: a secret that others could read is
 * refused, not quietly tightened, unless `tighten` says the file is no secret); undefined when it does not
 * exist.
 */
export function readPrivate(
  path: string,
  maxBytes = 1024 * 1024,
  opts: { tighten?: boolean } = {},
): Buffer | undefined {
  let fd: number;
  try {
    fd = openChecked(path, O_RDONLY, opts.tighten ?? false);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const st = fstatSync(fd);
    const size = Math.min(st.size, maxBytes);
    const buf = Buffer.alloc(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}
