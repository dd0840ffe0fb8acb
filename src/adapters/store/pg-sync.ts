// A synchronous PostgreSQL transaction for the synchronous LedgerTx port. `pg` is asynchronous, so the
// connection lives in a worker thread (pg-worker.mjs) and each call blocks this thread on a shared
// Int32Array until the worker answers on a MessagePort (the pattern of the synckit package). A call
// that gets no answer in time ends the worker: its connection closes, so the server rolls the
// transaction back, and the next call starts a fresh worker.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { decodeRow, encodeValue } from './postgres-codec.ts';
import { redact } from './postgres-url.ts';

export interface Query {
  text: string;
  values?: unknown[];
}

export interface Rows {
  rows: Record<string, unknown>[];
  rowCount: number | null;
}

interface Reply {
  id: number;
  results?: Rows[];
  error?: { message: string; code?: string };
}

export interface BridgeOptions {
  connectionString: string;
  /** "host:port/db", for messages. */
  label: string;
  secrets: string[];
  /** How long one call may block before the transaction is given up. */
  timeoutMs: number;
}

/** A database error, its SQLSTATE kept (40P01 deadlock, 55P03 lock timeout...). */
export class PgError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code: string | undefined) {
    super(message);
    this.name = 'PgError';
    this.code = code;
  }
}

type Run = (queries: Query[]) => Rows[];

// From the sources the worker sits beside this file; in dist/ the build puts it at the top, above the
// chunks/ directory the ESM bundle's code runs from.
function workerFile(): URL {
  for (const rel of ['./pg-worker.mjs', '../pg-worker.mjs']) {
    const url = new URL(rel, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  throw new Error(`[agent-sre] [postgres] pg-worker.mjs is missing beside ${fileURLToPath(import.meta.url)}`);
}

export class PgBridge {
  readonly #opts: BridgeOptions;
  readonly #wake = new Int32Array(new SharedArrayBuffer(4));
  #worker: Worker | undefined;
  #port: MessagePort | undefined;
  #next = 0;
  #open = false;
  readonly #pending = new Map<number, { resolve: (r: Rows[]) => void; reject: (e: Error) => void }>();

  constructor(opts: BridgeOptions) {
    this.#opts = opts;
  }

  /**
   * Run `fn` between BEGIN (`begin`, whose results it gets) and COMMIT (after `fn`'s `last` queries),
   * blocking this thread. A throw anywhere rolls back. Not reentrant: one transaction at a time.
   */
  transaction<R>(begin: Query[], fn: (run: Run, first: Rows[]) => { value: R; last?: Query[] }): R {
    if (this.#open)
      throw new Error('[agent-sre] [postgres] a transaction is already open on this store (nested transact)');
    const first = this.#call('begin', begin);
    this.#open = true;
    let out: { value: R; last?: Query[] };
    try {
      out = fn((queries) => this.#call('in', queries), first);
    } catch (err) {
      if (this.#open) {
        try {
          this.#call('end', [{ text: 'ROLLBACK' }]);
        } catch {
          // The worker rolls back itself on failure, and a lost connection is rolled back by the server.
        }
      }
      throw err;
    }
    this.#call('end', [...(out.last ?? []), { text: 'COMMIT' }]);
    return out.value;
  }

  /** One self-contained job (its own BEGIN ... COMMIT, if any) without blocking this thread. */
  job(queries: Query[]): Promise<Rows[]> {
    return this.#post({ queries: queries.map(encodeQuery) }).then((results) => results.map(decodeRows));
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    try {
      await this.#post({ close: true });
    } catch {
      // Closing anyway.
    }
    this.#stop(new Error('[agent-sre] [postgres] the store is closed'));
    await worker.terminate();
  }

  #start(): { worker: Worker; port: MessagePort } {
    if (this.#worker && this.#port) return { worker: this.#worker, port: this.#port };
    const { port1, port2 } = new MessageChannel();
    const o = this.#opts;
    const worker = new Worker(workerFile(), {
      workerData: {
        port: port2,
        signal: this.#wake.buffer,
        config: {
          connectionString: o.connectionString,
          application_name: 'agent-sre',
          // The server's own bounds, should this side vanish mid-transaction.
          statement_timeout: o.timeoutMs,
          idle_in_transaction_session_timeout: Math.max(o.timeoutMs * 2, 10_000),
        },
      },
      transferList: [port2],
    });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const p = this.#pending.get(reply.id);
      if (!p) return;
      this.#pending.delete(reply.id);
      if (this.#pending.size === 0) worker.unref();
      if (reply.error) p.reject(this.#error(reply.error));
      else p.resolve(reply.results ?? []);
    });
    const gone = (why: string) => () => {
      if (this.#worker === worker) this.#stop(new Error(`[agent-sre] [postgres] ${o.label}: ${why}`));
    };
    worker.on('error', (err) => gone(`the connection worker failed: ${redact(err.message, o.secrets)}`)());
    worker.on('exit', gone('the connection worker exited'));
    port1.unref();
    this.#worker = worker;
    this.#port = port1;
    return { worker, port: port1 };
  }

  /** Forget the worker (it is ended by the caller or already gone); async jobs in flight fail. */
  #stop(err: Error): void {
    this.#worker = undefined;
    this.#port?.close();
    this.#port = undefined;
    this.#open = false;
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
  }

  #post(job: { queries?: Query[]; close?: boolean }): Promise<Rows[]> {
    const { worker } = this.#start();
    const id = ++this.#next;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, ...job });
    });
  }

  #call(tx: 'begin' | 'in' | 'end', queries: Query[]): Rows[] {
    const { worker, port } = this.#start();
    const id = ++this.#next;
    Atomics.store(this.#wake, 0, 0);
    port.postMessage({ id, tx, queries: queries.map(encodeQuery) });
    const deadline = Date.now() + this.#opts.timeoutMs;
    for (;;) {
      const msg = receiveMessageOnPort(port)?.message as Reply | undefined;
      if (msg !== undefined) {
        if (msg.id !== id) continue;
        if (tx === 'end' || msg.error) this.#open = false;
        if (msg.error) throw this.#error(msg.error);
        return (msg.results ?? []).map(decodeRows);
      }
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(this.#wake, 0, 0, left) === 'timed-out') {
        this.#stop(
          new Error(`[agent-sre] [postgres] ${this.#opts.label}: a transaction timed out and was abandoned`),
        );
        void worker.terminate();
        throw new Error(
          `[agent-sre] [postgres] ${this.#opts.label}: no answer within ${this.#opts.timeoutMs} ms; the connection was closed, so the server rolls the transaction back`,
        );
      }
      // The worker posts before it wakes this thread, so the reply is there to receive.
      Atomics.store(this.#wake, 0, 0);
    }
  }

  #error(e: { message: string; code?: string }): PgError {
    return new PgError(
      `[agent-sre] [postgres] ${this.#opts.label}: ${redact(e.message, this.#opts.secrets)}`,
      e.code,
    );
  }
}

function encodeQuery(q: Query): Query {
  return q.values === undefined ? q : { text: q.text, values: q.values.map(encodeValue) };
}

function decodeRows(r: Rows): Rows {
  return { rows: r.rows.map((row) => decodeRow(row)), rowCount: r.rowCount };
}
