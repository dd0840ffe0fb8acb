// Network programs: which hosts they reach, with what method, carrying what.
import { resolvePath } from '../paths.ts';
import { SECRET_NAME, urlCarriesSecret } from '../secrets.ts';
import type { NetEffect } from '../types.ts';
import type { Ctx, Handler } from './commands.ts';
import { holdsCredentials } from './containers-run.ts';
import { hostOf, isLocalHost } from './hosts.ts';
import { markExfil, type Payload, payloadCarriesSecret, printedVariables } from './secret-flow.ts';
import { childScope, emit, emitPath, type Sink } from './sink.ts';
import { judgeRemote } from './stdin.ts';

export { hostOf, isLocalHost } from './hosts.ts';

export function netEffect(
  url: string,
  method: string,
  credentialed: boolean,
  tags: string[],
  origin: string,
): NetEffect {
  const host = hostOf(url);
  const secretUrl = urlCarriesSecret(url);
  const t = [...tags];
  if (isLocalHost(host)) {
    t.push('local');
    // agent-sre's own server (`serve`: hook events, later the dashboard) answers Claude Code and humans,
    // never the agent: a call to it could forge hook events.
    if (/^[a-z][\w+.-]*:\/\/[^/?#]*\/agent-sre(\/|$|[?#])/i.test(url)) t.push('guard');
  }
  if (secretUrl) t.push('secret-in-url');
  return { kind: 'net', host, method, credentialed: credentialed || secretUrl, url, tags: t, origin };
}

/**
 * One option as a downloader reads it. `name` is `-X` or `--request` (a bundle's letters come out
 * one by one); `at` is the argv index of the word that holds the value; `positional` marks an operand.
 */
export interface CliOption {
  name: string;
  value: string;
  at: number;
  positional: boolean;
}

/**
 * Options the way curl and wget read them (getopt style): `-sSfL` is four switches; a letter that takes
 * a value takes the rest of its word (`-XPOST`, `-d@f`, `-sF@x`) or else the next word (`-sLo out`,
 * `-sd @-`); `--name=value` and `--name value` for long options. `-` alone is an operand.
 */
export function readOptions(
  argv: readonly string[],
  shortValue: string,
  longValue: ReadonlySet<string>,
): CliOption[] {
  const out: CliOption[] = [];
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i]!;
    if (!w.startsWith('-') || w === '-') {
      out.push({ name: '', value: w, at: i, positional: true });
    } else if (w.startsWith('--')) {
      const eq = w.indexOf('=');
      const name = eq > 0 ? w.slice(0, eq) : w;
      if (eq > 0) out.push({ name, value: w.slice(eq + 1), at: i, positional: false });
      else if (longValue.has(name)) {
        out.push({ name, value: argv[i + 1] ?? '', at: i + 1, positional: false });
        i++;
      } else out.push({ name, value: '', at: i, positional: false });
    } else {
      for (let k = 1; k < w.length; k++) {
        const ch = w[k]!;
        if (!shortValue.includes(ch)) {
          out.push({ name: `-${ch}`, value: '', at: i, positional: false });
          continue;
        }
        if (k < w.length - 1) out.push({ name: `-${ch}`, value: w.slice(k + 1), at: i, positional: false });
        else {
          out.push({ name: `-${ch}`, value: argv[i + 1] ?? '', at: i + 1, positional: false });
          i++;
        }
        break;
      }
    }
  }
  return out;
}

/** curl's short options that take a value (curl 8). */
const CURL_SHORT_VALUE = 'AbcCdDeEFHKmoPQrtTuUwxXyYz';

const CURL_WITH_VALUE = new Set([
  '--request',
  '--data',
  '--data-ascii',
  '--data-raw',
  '--data-binary',
  '--data-urlencode',
  '--json',
  '--url-query',
  '--form',
  '--form-string',
  '--upload-file',
  '--header',
  '--proxy-header',
  '--user',
  '--proxy-user',
  '--cookie',
  '--cookie-jar',
  '--output',
  '--output-dir',
  '--dump-header',
  '--trace',
  '--trace-ascii',
  '--stderr',
  '--user-agent',
  '--referer',
  '--proxy',
  '--preproxy',
  '--socks4',
  '--socks4a',
  '--socks5',
  '--socks5-hostname',
  '--noproxy',
  '--oauth2-bearer',
  '--max-time',
  '--max-redirs',
  '--max-filesize',
  '--connect-timeout',
  '--continue-at',
  '--write-out',
  '--retry',
  '--retry-delay',
  '--retry-max-time',
  '--range',
  '--config',
  '--cacert',
  '--capath',
  '--cert',
  '--cert-type',
  '--key',
  '--key-type',
  '--pass',
  '--ciphers',
  '--url',
  '--resolve',
  '--connect-to',
  '--interface',
  '--dns-servers',
  '--doh-url',
  '--unix-socket',
  '--abstract-unix-socket',
  '--limit-rate',
  '--speed-limit',
  '--speed-time',
  '--time-cond',
  '--aws-sigv4',
  '--variable',
  '--expand-url',
  '--netrc-file',
  '--hsts',
  '--alt-svc',
  '--etag-save',
  '--etag-compare',
  '--request-target',
  '--quote',
  '--ftp-port',
  '--telnet-option',
  '--mail-from',
  '--mail-rcpt',
  '--mail-auth',
  '--parallel-max',
  '--local-port',
  '--proto',
  '--proto-redir',
  '--tls-max',
  '--create-file-mode',
]);

/** Where a data or form option reads a file (`-d @f`, `--data-urlencode n@f`, `-F k=@f`, `-F k=<f`). */
function dataFile(name: string, value: string): string | undefined {
  let m: RegExpExecArray | null = null;
  if (
    name === '-d' ||
    name === '--data' ||
    name === '--data-ascii' ||
    name === '--data-binary' ||
    name === '--json'
  )
    m = /^@(.*)$/s.exec(value);
  else if (name === '--data-urlencode' || name === '--url-query') m = /^[^=@]*@(.*)$/s.exec(value);
  else if (name === '-F' || name === '--form') m = /^[^=]*=[@<](.*)$/s.exec(value);
  if (!m) return undefined;
  // `-F 'f=@"a;b";type=text/plain'`: the file name, without curl's `;type=`/`;filename=` attributes.
  const raw = m[1]!;
  const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(raw);
  return quoted ? quoted[1]!.replace(/\\(.)/g, '$1') : raw.split(';')[0]!;
}

const curl: Handler = (c) => {
  let method = '';
  let credentialed = false;
  let upload = false;
  const urls: string[] = [];
  // What the call sends, to tell whether it carries secrets read on this line (secret-flow.ts).
  const payload: Required<Payload> = { stdin: false, words: [], files: [] };
  const read = (file: string) => {
    if (file === '-' || file === '/dev/stdin') payload.stdin = true;
    else if (file) {
      payload.files.push(file);
      emitPath(c.sink, c.scope, 'read', file, ['upload'], c.origin);
    }
  };
  for (const { name, value, at, positional } of readOptions(c.argv, CURL_SHORT_VALUE, CURL_WITH_VALUE)) {
    if (positional) {
      urls.push(value);
      payload.words.push(at);
      continue;
    }
    switch (name) {
      case '-X':
      case '--request':
        method = value.toUpperCase();
        break;
      case '-d':
      case '--data':
      case '--data-ascii':
      case '--data-raw':
      case '--data-binary':
      case '--data-urlencode':
      case '--json':
      case '-F':
      case '--form':
      case '--form-string': {
        upload = true;
        payload.words.push(at);
        const file = dataFile(name, value);
        if (file !== undefined) read(file);
        if (SECRET_NAME.test(value)) credentialed = true;
        break;
      }
      case '--url-query': {
        // Appended to the URL: sent, but the method stays.
        payload.words.push(at);
        const file = dataFile(name, value);
        if (file !== undefined) read(file);
        break;
      }
      case '-T':
      case '--upload-file':
        upload = true;
        method ||= 'PUT';
        if (value === '.') payload.stdin = true;
        else read(value);
        break;
      case '-H':
      case '--header':
        // `-H @file`: header lines read from a file and sent.
        if (value.startsWith('@')) read(value.slice(1));
        if (
          /^\s*(authorization|cookie|x-[a-z-]*(token|key|auth)[a-z-]*|private-token|api-key)\s*:/i.test(value)
        )
          credentialed = true;
        break;
      case '-u':
      case '--user':
      case '-b':
      case '--cookie':
      case '--oauth2-bearer':
      case '--aws-sigv4':
      case '-E':
      case '--cert':
      case '-n':
      case '--netrc':
      case '--netrc-file':
      case '--netrc-optional':
        credentialed = true;
        break;
      case '-o':
      case '--output':
        if (value !== '-' && value !== '/dev/null')
          emitPath(c.sink, c.scope, 'write', value, ['download'], c.origin);
        break;
      case '--url':
        urls.push(value);
        payload.words.push(at);
        break;
      case '-K':
      case '--config':
        emitPath(c.sink, c.scope, 'read', value, [], c.origin);
        break;
      case '-G':
      case '--get':
        method = 'GET';
        break;
      case '-I':
      case '--head':
        method = 'HEAD';
        break;
    }
  }
  const m = method || (upload ? 'POST' : 'GET');
  const exfil = urls.length > 0 && payloadCarriesSecret(c, payload);
  for (const url of urls) {
    const e = netEffect(url, m, credentialed, upload ? ['upload'] : [], c.origin);
    emit(c.sink, c.scope, exfil ? markExfil(e) : secretVarInUrl(e, url));
  }
};

const WGET_WITH_VALUE = new Set([
  '-O',
  '--output-document',
  '-o',
  '--output-file',
  '-P',
  '--directory-prefix',
  '--header',
  '--user',
  '--password',
  '--http-user',
  '--http-password',
  '--post-data',
  '--post-file',
  '--body-data',
  '--body-file',
  '--method',
  '-U',
  '--user-agent',
  '-e',
  '--execute',
  '-t',
  '--tries',
  '-T',
  '--timeout',
  '--wait',
  '--level',
  '--input-file',
  '--append-output',
  '--accept',
  '--reject',
  '--domains',
  '--exclude-domains',
  '--include-directories',
  '--exclude-directories',
  '--base',
  '--quota',
  '--limit-rate',
  '--referer',
  '--load-cookies',
  '--save-cookies',
  '--ca-certificate',
  '--certificate',
  '--private-key',
  '--bind-address',
  '--restrict-file-names',
]);

/** wget's short options that take a value (`-n` takes its letters: `-nv`, `-nc`, `-nH`). */
const WGET_SHORT_VALUE = 'OoPUetTaiBDXIlARwQnY';

/** A wgetrc command given with `-e` that sends a body: `-e post_file=f`, `-e 'body_data = x'`. */
const WGETRC_BODY = /^\s*(post_?file|body_?file|post_?data|body_?data|method)\s*=\s*(.*?)\s*$/is;

const wget: Handler = (c) => {
  let method = 'GET';
  let credentialed = false;
  const urls: string[] = [];
  const payload: Required<Payload> = { stdin: false, words: [], files: [] };
  for (const opt of readOptions(c.argv, WGET_SHORT_VALUE, WGET_WITH_VALUE)) {
    const { value, at } = opt;
    let name = opt.name;
    if (opt.positional) {
      urls.push(value);
      payload.words.push(at);
      continue;
    }
    let body = value;
    if (name === '-e' || name === '--execute') {
      const rc = WGETRC_BODY.exec(value);
      if (!rc) continue;
      const key = rc[1]!.toLowerCase().replace('_', '');
      name = key === 'method' ? '--method' : `--${key.slice(0, 4)}-${key.slice(4)}`;
      body = rc[2]!;
    }
    if (name === '--post-data' || name === '--body-data') {
      method = 'POST';
      payload.words.push(at);
    }
    if (name === '--post-file' || name === '--body-file') {
      method = 'POST';
      if (body === '-' || body === '/dev/stdin') payload.stdin = true;
      else {
        payload.files.push(body);
        emitPath(c.sink, c.scope, 'read', body, ['upload'], c.origin);
      }
    }
    if (name === '--method') method = body.toUpperCase();
    if (name === '--user' || name === '--password' || name === '--http-user' || name === '--http-password')
      credentialed = true;
    if (
      name === '--header' &&
      /^\s*(authorization|cookie|private-token|x-[a-z-]*(token|key))\s*:/i.test(value)
    )
      credentialed = true;
    if ((name === '-O' || name === '--output-document') && value !== '-' && value !== '/dev/null') {
      emitPath(c.sink, c.scope, 'write', value, ['download'], c.origin);
    }
  }
  const exfil = urls.length > 0 && payloadCarriesSecret(c, payload);
  for (const url of urls) {
    const e = netEffect(url, method, credentialed, method === 'GET' ? [] : ['upload'], c.origin);
    emit(c.sink, c.scope, exfil ? markExfil(e) : secretVarInUrl(e, url));
  }
};

/**
 * The downloader's origin when `path` holds, at this point of the line, what a download on this line
 * wrote: `curl -o f URL`, `wget -O f URL`, `curl -O URL/f`, `curl URL > f`. Running that file (`bash f`,
 * `ruby < f`, `cat f | node`, `. f`) runs code nobody has read, like `curl URL | sh`.
 */
export function downloadedOnLine(sink: Sink, path: string): string | undefined {
  const effects = sink.effects;
  const base = path.slice(path.lastIndexOf('/') + 1);
  for (let i = effects.length - 1; i >= 0; i--) {
    const e = effects[i]!;
    // `curl -O URL/f`, `wget URL/f`: saved under the URL's last segment.
    if (e.kind === 'net' && base && /^[a-z][\w+.-]*:\/\//i.test(e.url ?? '')) {
      const last = (e.url ?? '')
        .replace(/[?#].*$/s, '')
        .split('/')
        .pop();
      if (last === base && /\s(-[a-zA-Z]*O|--remote-name)|^\w+: wget\b/.test(e.origin)) return e.origin;
    }
    if (e.kind !== 'write' || e.path !== path) continue;
    if (e.tags.includes('download')) return e.origin;
    if (e.tags.includes('redirect')) {
      // `curl URL > f`: the redirection is recorded just before the command whose output it takes.
      const cmd = effects.slice(i + 1).find((x) => x.kind === 'exec');
      return cmd && effects.some((x, j) => j > i && x.kind === 'net' && x.origin === cmd.origin)
        ? cmd.origin
        : undefined;
    }
    // chmod, chown, touch keep what the file holds; any other writer replaced it.
    if (!e.tags.includes('perm') && !e.tags.includes('create') && !e.tags.includes('deferred'))
      return undefined;
  }
  return undefined;
}

/** `https://x/?k=$AWS_SECRET_ACCESS_KEY`: a secret variable in a URL to another host ends up in its logs. */
function secretVarInUrl(e: NetEffect, url: string): NetEffect {
  if (printedVariables(url).length > 0) {
    e.tags.push('secret-var-in-url');
    e.credentialed = true;
  }
  return e;
}

/** Raw socket tools: a host and a port, data flowing both ways. */
const rawSocket: Handler = (c) => {
  if (c.argv.some((x) => /^-[a-zA-Z]*l/.test(x))) return; // listening locally
  // A unix socket (`nc -U path`, `socat - UNIX-CONNECT:path`) is written to like a file.
  for (const x of c.argv) {
    const unix = /^(?:UNIX(?:-CONNECT|-CLIENT)?:|ABSTRACT-CONNECT:)?(.*\.sock)$/i.exec(x);
    if (unix) emitPath(c.sink, c.scope, 'write', unix[1]!, ['socket'], c.origin);
  }
  const host = c.argv.find((x) => !x.startsWith('-') && !/^\d+$/.test(x));
  if (host) emitRaw(c, host);
};

/** A raw connection sends its stdin: piped secrets make it exfiltration. */
function emitRaw(c: Ctx, host: string): void {
  const e = netEffect(host, 'RAW', false, ['raw-socket'], c.origin);
  emit(c.sink, c.scope, payloadCarriesSecret(c, { stdin: true }) ? markExfil(e) : e);
}

/** socat ADDRESS ADDRESS: TCP/UDP/SSL/OPENSSL addresses name the remote host. */
const socat: Handler = (c) => {
  const addrs = c.argv.filter((x) => !x.startsWith('-') || x === '-');
  let remote = false;
  for (const x of addrs) {
    const unix = /^(?:UNIX(?:-CONNECT|-CLIENT)?:|ABSTRACT-CONNECT:)(.*)$/i.exec(x);
    if (unix) emitPath(c.sink, c.scope, 'write', unix[1]!, ['socket'], c.origin);
    const m =
      /^(?:TCP[46]?|UDP[46]?|SSL|OPENSSL|TCP-CONNECT|UDP-SENDTO|SCTP-CONNECT)(?:-CONNECT)?:([^:,]+)/i.exec(x);
    if (m) {
      remote = true;
      emitRaw(c, m[1]!);
    }
  }
  if (!remote && !addrs.some((x) => /^(TCP|UDP|SSL|OPENSSL)[46]?-LISTEN:|^UNIX/i.test(x))) rawSocket(c);
};

/**
 * `openssl s_client -connect host:port` is a raw TLS connection fed from stdin. Called from
 * secret-flow.ts: `openssl` itself is a file command (fs-commands.ts).
 */
export const opensslClient: Handler = (c) => {
  if (c.argv[0] !== 's_client') return;
  const i = c.argv.findIndex((x) => x === '-connect' || x === '--connect');
  const target = i >= 0 ? c.argv[i + 1] : c.argv.slice(1).find((x) => !x.startsWith('-'));
  if (target) emitRaw(c, target.replace(/:\d+$/, ''));
};

const SSH_WITH_VALUE = new Set([
  '-b',
  '-c',
  '-D',
  '-E',
  '-e',
  '-F',
  '-I',
  '-i',
  '-J',
  '-L',
  '-l',
  '-m',
  '-O',
  '-o',
  '-p',
  '-Q',
  '-R',
  '-S',
  '-W',
  '-w',
]);

/** ssh options whose value runs a command on this machine. */
const LOCAL_COMMAND_OPTION = /^(ProxyCommand|LocalCommand|KnownHostsCommand|RemoteCommand)\s*[= ]\s*(.*)$/is;

/** `-o ProxyCommand=...` and friends: ProxyCommand, LocalCommand and KnownHostsCommand run here. */
function sshOptions(c: Ctx): void {
  for (let i = 0; i < c.argv.length; i++) {
    const x = c.argv[i]!;
    const opt = x === '-o' ? c.argv[i + 1] : x.startsWith('-o') ? x.slice(2) : undefined;
    if (x === '-o') i++;
    const m = opt === undefined ? null : LOCAL_COMMAND_OPTION.exec(opt.trim());
    if (!m) continue;
    const body = m[2]!.replace(/^(['"])(.*)\1$/s, '$2');
    if (/^none$/i.test(body)) continue;
    const remote = /^RemoteCommand$/i.test(m[1]!);
    const inherited = [...c.scope.inherited, ...(remote ? ['remote'] : [])];
    c.api.shell(body, childScope(c.scope, { inherited }), c.sink);
  }
}

const ssh: Handler = (c) => {
  sshOptions(c);
  // -G prints the configuration, -V the version, -Q what is supported: none of them connects.
  if (c.argv.some((x) => /^-[a-zA-Z]*[GVQ]/.test(x) && !SSH_WITH_VALUE.has(x))) return;
  let i = 0;
  for (; i < c.argv.length; i++) {
    const x = c.argv[i]!;
    if (SSH_WITH_VALUE.has(x)) {
      i++;
      continue;
    }
    if (!x.startsWith('-')) break;
  }
  const host = c.argv[i];
  if (!host) return;
  // Piped into ssh, stdin goes to the other host (`env | ssh h 'cat > e'`).
  const e = netEffect(host, 'SSH', true, ['ssh'], c.origin);
  emit(c.sink, c.scope, payloadCarriesSecret(c, { stdin: true }) ? markExfil(e) : e);
  // The remote command, with the stdin it is given (`ssh h <<EOF`, `ssh h 'bash -s' < x.sh`): stdin.ts.
  const remote = c.argv.slice(i + 1).join(' ');
  judgeRemote(c, remote, childScope(c.scope, { inherited: [...c.scope.inherited, 'remote'] }));
};

/** scp/sftp: `host:path` operands are remote; local ones are read (sources) or written (destination). */
const scp: Handler = (c) => {
  const ops = c.argv.filter((x, i) => !x.startsWith('-') && !SSH_WITH_VALUE.has(c.argv[i - 1] ?? ''));
  if (ops.length < 2) return;
  const remote = (x: string) => /^[^/]*:/.test(x);
  const dest = ops[ops.length - 1]!;
  for (const src of ops.slice(0, -1)) {
    if (remote(src)) emit(c.sink, c.scope, netEffect(src.split(':')[0]!, 'GET', true, ['ssh'], c.origin));
    else {
      // `scp -r ~/.aws host:` sends a directory that holds credentials.
      const tree =
        remote(dest) && holdsCredentials(resolvePath(src, c.scope.cwd, c.sink.ctx.home), c.sink.ctx.home);
      emitPath(
        c.sink,
        c.scope,
        'read',
        src,
        remote(dest) ? ['upload', ...(tree ? ['credential'] : [])] : [],
        c.origin,
      );
    }
  }
  if (remote(dest))
    emit(c.sink, c.scope, netEffect(dest.split(':')[0]!, 'PUT', true, ['ssh', 'upload'], c.origin));
  else emitPath(c.sink, c.scope, 'write', dest, ['overwrite'], c.origin);
};

export const NET_COMMANDS: Record<string, Handler> = {
  curl,
  wget,
  nc: rawSocket,
  ncat: rawSocket,
  netcat: rawSocket,
  telnet: rawSocket,
  socat,
  ssh,
  scp,
  sftp: scp,
};
