// Archives and compressors: what extracting writes (named members, or the whole target directory),
// what creating reads and writes, and the file a compressor replaces (`gzip agent-sre.yaml` deletes it).
import { resolvePath } from '../paths.ts';
import type { Ctx, Handler } from './commands.ts';
import { emitPath } from './sink.ts';

/** Extraction: named members land under `dir`; with none named, anything may land anywhere under it. */
function extracted(c: Ctx, dir: string, members: string[], junkPaths = false): void {
  const base = dir.replace(/\/+$/, '') || '/';
  if (members.length === 0) {
    // Into a temp root the files land below it: a temp write, not a write of /tmp itself.
    const abs = resolvePath(base, c.scope.cwd, c.sink.ctx.home);
    emitPath(
      c.sink,
      c.scope,
      'write',
      c.sink.ctx.tempDirs.includes(abs) ? `${abs}/*` : base,
      ['extract', 'overwrite', 'recursive'],
      c.origin,
      /[$`]/.test(dir),
    );
    return;
  }
  for (const m of members) {
    const name = junkPaths ? (m.split('/').pop() ?? m) : m.replace(/^\/+/, '');
    emitPath(
      c.sink,
      c.scope,
      'write',
      `${base}/${name}`,
      ['extract', 'overwrite'],
      c.origin,
      /[$`]/.test(m + dir),
    );
  }
}

// Letters of a tar option bundle that take a value, in the order the values follow.
const TAR_VALUE_LETTERS = 'fCTXbKNgLVIH';
const TAR_LONG_WITH_VALUE = new Set([
  '--file',
  '--directory',
  '--files-from',
  '--exclude',
  '--exclude-from',
  '--strip-components',
  '--transform',
  '--xform',
  '--use-compress-program',
  '--owner',
  '--group',
  '--mode',
  '--format',
  '--blocking-factor',
  '--newer',
  '--after-date',
  '--label',
  '--checkpoint-action',
  '--to-command',
]);

/** tar, bsdtar, jar: old-style bundles (`xzf a.tgz`), dash bundles (`-xzf a.tgz`) and long options. */
const tar: Handler = (c) => {
  let mode = '';
  let file: string | undefined;
  let dir = '.';
  let toStdout = false;
  let removeFiles = false;
  const operands: string[] = [];
  const argv = c.argv;
  // Old-style bundles take each value from the next words; in a dash bundle the rest of the word is one.
  const bundle = (letters: string, dashed: boolean, next: () => string | undefined) => {
    for (let k = 0; k < letters.length; k++) {
      const ch = letters[k]!;
      if ('cxtruAd'.includes(ch)) mode ||= ch;
      if (ch === 'O') toStdout = true;
      if (!TAR_VALUE_LETTERS.includes(ch)) continue;
      const rest = letters.slice(k + 1);
      const value = dashed && rest !== '' ? rest : next();
      if (ch === 'f') file = value;
      if (ch === 'C' && value) dir = value;
      if (dashed && rest !== '') return;
    }
  };
  let i = 0;
  const next = () => argv[++i];
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (i === 0 && /^[a-zA-Z]+$/.test(a)) {
      bundle(a, false, next);
      continue;
    }
    if (a === '--') {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const [key, inline] = a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
      if (key === '--extract' || key === '--get') mode ||= 'x';
      else if (key === '--create') mode ||= 'c';
      else if (key === '--list') mode ||= 't';
      else if (key === '--append' || key === '--update' || key === '--concatenate') mode ||= 'r';
      else if (key === '--to-stdout') toStdout = true;
      else if (key === '--remove-files') removeFiles = true;
      if (TAR_LONG_WITH_VALUE.has(key)) {
        const value = inline ?? next();
        if (key === '--file') file = value;
        if (key === '--directory' && value) dir = value;
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      bundle(a.slice(1), true, next);
      continue;
    }
    operands.push(a);
  }
  const archive = file && file !== '-' ? [file] : [];
  if (mode === 'c') {
    // Members are named relative to -C.
    const base = dir.replace(/\/+$/, '') || '/';
    for (const o of operands)
      emitPath(c.sink, c.scope, 'read', o.startsWith('/') ? o : `${base}/${o}`, ['recursive'], c.origin);
    for (const f of archive) emitPath(c.sink, c.scope, 'write', f, ['overwrite'], c.origin);
  } else if (mode === 'r' || mode === 'u' || mode === 'A') {
    for (const f of archive) emitPath(c.sink, c.scope, 'write', f, ['edit'], c.origin);
  }
  if (removeFiles && (mode === 'c' || mode === 'r' || mode === 'u')) {
    // `--remove-files` deletes every member once it is archived: a whole tree for a directory.
    const base = dir.replace(/\/+$/, '') || '/';
    for (const o of operands)
      emitPath(
        c.sink,
        c.scope,
        'delete',
        o.startsWith('/') ? o : `${base}/${o}`,
        ['recursive', 'move'],
        c.origin,
      );
  }
  if (mode === 'x' && !toStdout) {
    for (const f of archive) emitPath(c.sink, c.scope, 'read', f, [], c.origin);
    extracted(c, dir, operands);
  }
};

/** unzip ZIP [members] [-x excluded] [-d DIR]; -l, -t, -v, -p, -c and -Z only list or print. */
const unzip: Handler = (c) => {
  let dir = '.';
  let junk = false;
  let writes = true;
  const operands: string[] = [];
  let excluding = false;
  for (let i = 0; i < c.argv.length; i++) {
    const a = c.argv[i]!;
    if (a === '-d') dir = c.argv[++i] ?? dir;
    else if (a.startsWith('-d') && a.length > 2) dir = a.slice(2);
    else if (a === '-P') i++;
    else if (a === '-x') excluding = true;
    else if (a.startsWith('-')) {
      excluding = false;
      if (/^-[a-zA-Z]*[ltvpcZz]/.test(a)) writes = false;
      if (/^-[a-zA-Z]*j/.test(a)) junk = true;
    } else if (!excluding) operands.push(a);
  }
  const [zip, ...members] = operands;
  if (!zip) return;
  emitPath(c.sink, c.scope, 'read', zip, [], c.origin);
  if (writes) extracted(c, dir, members, junk);
};

/** cpio -i (extract into the cwd or -D DIR) and -p (copy into a directory); -o and -t write nothing here. */
const cpio: Handler = (c) => {
  let mode = '';
  let dir = '.';
  const operands: string[] = [];
  for (let i = 0; i < c.argv.length; i++) {
    const a = c.argv[i]!;
    if (a === '-D' || a === '--directory') dir = c.argv[++i] ?? dir;
    else if (a.startsWith('--directory=')) dir = a.slice(12);
    else if (/^-[FEHIOMRC]$|^--(file|pattern-file|format|owner|message|block-size)$/.test(a)) i++;
    else if (a === '--extract') mode ||= 'i';
    else if (a === '--pass-through') mode ||= 'p';
    else if (/^-[a-zA-Z]+$/.test(a)) {
      const m = /[iopt]/.exec(a.slice(1));
      if (m && !mode) mode = a.includes('t') ? 't' : m[0];
    } else if (!a.startsWith('-')) operands.push(a);
  }
  if (mode === 'i') extracted(c, dir, operands);
  if (mode === 'p' && operands[0]) extracted(c, operands[0], []);
};

/** 7z x|e ARCHIVE [-oDIR] [members]; a, u and d change the archive. */
const sevenZip: Handler = (c) => {
  const [cmd, ...rest] = c.argv;
  const out = rest.find((a) => a.startsWith('-o'))?.slice(2) || '.';
  const operands = rest.filter((a) => !a.startsWith('-'));
  if (cmd === 'x' || cmd === 'e') {
    if (operands[0]) emitPath(c.sink, c.scope, 'read', operands[0], [], c.origin);
    extracted(c, out, operands.slice(1), cmd === 'e');
  } else if ((cmd === 'a' || cmd === 'u' || cmd === 'd') && operands[0])
    emitPath(c.sink, c.scope, 'write', operands[0], ['edit'], c.origin);
};

/**
 * gzip FILE replaces FILE with FILE.gz (the original is deleted); gunzip FILE.gz the other way round.
 * zstd, lz4 and brotli keep the original unless told to remove it.
 */
const compressor =
  (ext: string, opts: { decompress?: boolean; keeps?: boolean } = {}): Handler =>
  (c) => {
    let decompress = opts.decompress ?? false;
    let keep = opts.keeps ?? false;
    let output: string | undefined;
    const files: string[] = [];
    for (let i = 0; i < c.argv.length; i++) {
      const a = c.argv[i]!;
      if (a === '-S' || a === '--suffix' || a === '-T' || a === '--threads') i++;
      else if (a === '-o' || a === '--output') output = c.argv[++i];
      else if (a === '--rm' || a === '-j') keep = false;
      else if (a === '--keep') keep = true;
      // Written to stdout, listed or tested: no file changes.
      else if (/^--(stdout|to-stdout|list|test)$/.test(a)) return;
      else if (/^--(decompress|uncompress)$/.test(a)) decompress = true;
      else if (/^-[a-zA-Z0-9]+$/.test(a)) {
        if (/^-[a-zA-Z]*[clt]/.test(a)) return;
        if (a.includes('d')) decompress = true;
        if (a.includes('k')) keep = true;
      } else if (!a.startsWith('-')) files.push(a);
    }
    // lz4 IN OUT names its output as the second operand.
    if (c.program === 'lz4' && files.length === 2) output = files.pop();
    for (const f of files) {
      const to = output ?? (decompress ? f.replace(/\.[^./]+$/, '') : `${f}${ext}`);
      emitPath(c.sink, c.scope, 'write', to, ['overwrite'], c.origin);
      if (!keep) emitPath(c.sink, c.scope, 'delete', f, ['compress'], c.origin);
    }
  };

export const ARCHIVE_COMMANDS: Record<string, Handler> = {
  tar,
  gtar: tar,
  bsdtar: tar,
  jar: tar,
  unzip,
  cpio,
  '7z': sevenZip,
  '7za': sevenZip,
  '7zz': sevenZip,
  gzip: compressor('.gz'),
  pigz: compressor('.gz'),
  gunzip: compressor('.gz', { decompress: true }),
  unpigz: compressor('.gz', { decompress: true }),
  bzip2: compressor('.bz2'),
  pbzip2: compressor('.bz2'),
  bunzip2: compressor('.bz2', { decompress: true }),
  xz: compressor('.xz'),
  unxz: compressor('.xz', { decompress: true }),
  lzma: compressor('.lzma'),
  unlzma: compressor('.lzma', { decompress: true }),
  lzip: compressor('.lz'),
  compress: compressor('.Z'),
  uncompress: compressor('.Z', { decompress: true }),
  zstd: compressor('.zst', { keeps: true }),
  unzstd: compressor('.zst', { decompress: true, keeps: true }),
  lz4: compressor('.lz4', { keeps: true }),
  brotli: compressor('.br', { keeps: true }),
};
