// Network programs: which hosts they reach, with what method, carrying what.
import { resolvePath } from '../paths.ts';
import { SECRET_NAME, urlCarriesSecret } from '../secrets.ts';
import type { NetEffect } from '../types.ts';
import type { Ctx, Handler } from './commands.ts';
import { holdsCredentials } from './containers-run.ts';
import { markExfil, type Payload, payloadCarriesSecret, printedVariables } from './secret-flow.ts';
import { childScope, emit, emitPath } from './sink.ts';
import { judgeRemote } from './stdin.ts';

const LOCAL_HOST =
  /^(localhost|127(\.\d+){3}|0\.0\.0\.0|\[?::1\]?|[a-z0-9-]+\.localhost|host\.docker\.internal)$/i;

export function hostOf(url: string): string {
  const m = /^(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^/@\s]*@)?(\[[^\]]+\]|[^/:?#\s]+)/i.exec(url);
  return (m?.[1] ?? '').toLowerCase();
}

export function isLocalHost(host: string): boolean {
  return LOCAL_HOST.test(host) || host === '';
}

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

const CURL_WITH_VALUE = new Set([
  '-X',
  '--request',
  '-d',
  '--data',
  '--data-raw',
  '--data-binary',
  '--data-urlencode',
  '--json',
  '-F',
  '--form',
  '--form-string',
  '-T',
  '--upload-file',
  '-H',
  '--header',
  '-u',
  '--user',
  '-b',
  '--cookie',
  '-c',
  '--cookie-jar',
  '-o',
  '--output',
  '-A',
  '--user-agent',
  '-e',
  '--referer',
  '-x',
  '--proxy',
  '--oauth2-bearer',
  '-m',
  '--max-time',
  '--connect-timeout',
  '-w',
  '--write-out',
  '--retry',
  '-r',
  '--range',
  '-K',
  '--config',
  '--cacert',
  '--cert',
  '--key',
  '-E',
  '--url',
  '--resolve',
  '--limit-rate',
  '-Y',
  '-y',
  '-z',
  '--aws-sigv4',
  '--variable',
  '--expand-url',
]);

const curl: Handler = (c) => {
  let method = '';
  let credentialed = false;
  let upload = false;
  const urls: string[] = [];
  // What the call sends, to tell whether it carries secrets read on this line (secret-flow.ts).
  const payload: Required<Payload> = { stdin: false, words: [], files: [] };
  const a = c.argv;
  for (let i = 0; i < a.length; i++) {
    const flag = a[i]!;
    const eq = flag.startsWith('--') ? flag.indexOf('=') : -1;
    const name = eq > 0 ? flag.slice(0, eq) : flag;
    const takes = CURL_WITH_VALUE.has(name);
    const at = eq > 0 || !takes ? i : i + 1;
    const value = eq > 0 ? flag.slice(eq + 1) : takes ? (a[++i] ?? '') : '';
    if (!flag.startsWith('-') || flag === '-') {
      urls.push(flag);
      payload.words.push(i);
      continue;
    }
    switch (name) {
      case '-X':
      case '--request':
        method = value.toUpperCase();
        break;
      case '-d':
      case '--data':
      case '--data-raw':
      case '--data-binary':
      case '--data-urlencode':
      case '--json':
      case '-F':
      case '--form':
        upload = true;
        payload.words.push(at);
        if (/^@|=@|^[^=]*@[^=]*$/.test(value) && name !== '--data-raw') {
          const file = value.slice(value.indexOf('@') + 1).split(';')[0]!;
          if (file === '-' || file === '/dev/stdin') payload.stdin = true;
          else if (file) payload.files.push(file);
          if (file && file !== '-') emitPath(c.sink, c.scope, 'read', file, ['upload'], c.origin);
        }
        if (SECRET_NAME.test(value)) credentialed = true;
        break;
      case '-T':
      case '--upload-file':
        upload = true;
        method ||= 'PUT';
        if (value === '-' || value === '.') payload.stdin = true;
        else payload.files.push(value);
        if (value !== '-') emitPath(c.sink, c.scope, 'read', value, ['upload'], c.origin);
        break;
      case '-H':
      case '--header':
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
]);

const wget: Handler = (c) => {
  let method = 'GET';
  let credentialed = false;
  const urls: string[] = [];
  const payload: Required<Payload> = { stdin: false, words: [], files: [] };
  const a = c.argv;
  for (let i = 0; i < a.length; i++) {
    const flag = a[i]!;
    const eq = flag.startsWith('--') ? flag.indexOf('=') : -1;
    const name = eq > 0 ? flag.slice(0, eq) : flag;
    const at = eq > 0 || !WGET_WITH_VALUE.has(name) ? i : i + 1;
    const value = eq > 0 ? flag.slice(eq + 1) : WGET_WITH_VALUE.has(name) ? (a[++i] ?? '') : '';
    if (!flag.startsWith('-')) {
      urls.push(flag);
      payload.words.push(i);
      continue;
    }
    if (name === '--post-data' || name === '--body-data') {
      method = 'POST';
      payload.words.push(at);
    }
    if (name === '--post-file' || name === '--body-file') {
      method = 'POST';
      payload.files.push(value);
      emitPath(c.sink, c.scope, 'read', value, ['upload'], c.origin);
    }
    if (name === '--method') method = value.toUpperCase();
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
