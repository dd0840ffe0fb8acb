// What every scripted model stand-in shares, whatever API shape it speaks (stand-in.ts: Anthropic Messages
// for Claude Code; agents/: OpenAI Responses for Codex, Gemini's streamGenerateContent): an HTTP server on
// 127.0.0.1 (port 0) whose open connections are ended on close, a refusal (noted) of every CONNECT a client
// sends it as its proxy, and reading a request's body as JSON. Not a test file itself.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export class LoopbackServer {
  /** Connections a client tried to open elsewhere through us as its proxy (CONNECT host:port). */
  readonly escapes: string[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  private constructor(
    handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
    /** The body of the 500 a handler's failure is answered with. */
    errorBody: (err: unknown) => unknown,
  ) {
    this.server = createServer((req, res) => {
      handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify(errorBody(err)));
      });
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    // A client whose HTTPS_PROXY points here would CONNECT for anything not on loopback.
    this.server.on('connect', (req: IncomingMessage, socket: Socket) => {
      this.escapes.push(req.url ?? '?');
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    });
  }

  static async start(
    handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
    errorBody: (err: unknown) => unknown,
  ): Promise<LoopbackServer> {
    const s = new LoopbackServer(handle, errorBody);
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      s.server.listen(0, '127.0.0.1', () => resolve());
    });
    return s;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface ReadRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  /** The path without the query. */
  path: string;
  raw: string;
  /** The body parsed as JSON, or the raw text when it is not JSON (undefined when empty). */
  body: unknown;
}

export async function readRequest(req: IncomingMessage): Promise<ReadRequest> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  let body: unknown = raw;
  try {
    body = raw === '' ? undefined : JSON.parse(raw);
  } catch {
    // keep the raw text
  }
  const url = req.url ?? '/';
  return { method: req.method ?? 'GET', url, path: url.split('?')[0] ?? '/', raw, body };
}

/** About four characters a token. */
export function estimateTokens(s: string): number {
  return Math.ceil(s.length / 4);
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
