// An OTLP/HTTP collector on 127.0.0.1 for the OpenTelemetry tests: it takes /v1/logs and /v1/metrics as
// JSON (what the installed exporters send), answers 200 with an empty partial_success as a collector
// does, can refuse the next requests with a status (503, 429) to check the exporter retries, and keeps
// every payload, raw and parsed, for the tests to search.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface Received {
  path: string;
  status: number;
  headers: IncomingMessage['headers'];
  raw: string;
  body: unknown;
}

type AnyValue = {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
};
export type KeyValue = { key: string; value: AnyValue };

export interface LogRecordJson {
  timeUnixNano: string;
  severityNumber?: number;
  severityText?: string;
  eventName?: string;
  body?: AnyValue;
  attributes?: KeyValue[];
}

export interface DataPointJson {
  attributes?: KeyValue[];
  asInt?: string | number;
  asDouble?: number;
  count?: string | number;
  sum?: number;
  bucketCounts?: Array<string | number>;
  explicitBounds?: number[];
}

export interface MetricJson {
  name: string;
  unit?: string;
  sum?: { dataPoints: DataPointJson[]; isMonotonic?: boolean; aggregationTemporality?: number };
  histogram?: { dataPoints: DataPointJson[]; aggregationTemporality?: number };
}

export class OtlpReceiver {
  readonly received: Received[] = [];
  #refusals: number[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<OtlpReceiver> {
    let self: OtlpReceiver | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => self!.#answer(req, Buffer.concat(chunks), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new OtlpReceiver(server, `http://127.0.0.1:${port}`);
    return self;
  }

  /** Answer the next requests with these statuses, one each, before accepting again. */
  refuseNext(...statuses: number[]): void {
    this.#refusals.push(...statuses);
  }

  #answer(req: IncomingMessage, data: Buffer, res: import('node:http').ServerResponse): void {
    const path = req.url ?? '';
    const raw = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(data) : data).toString('utf8');
    const refusal = this.#refusals.shift();
    const known = req.method === 'POST' && (path === '/v1/logs' || path === '/v1/metrics');
    const status = !known ? 404 : (refusal ?? 200);
    let body: unknown = null;
    try {
      body = JSON.parse(raw);
    } catch {
      body = null;
    }
    this.received.push({ path, status, headers: req.headers, raw, body });
    res.writeHead(status, {
      'content-type': 'application/json',
      ...(status === 429 ? { 'retry-after': '0' } : {}),
    });
    res.end(status === 200 ? '{"partialSuccess":{}}' : '{"code":14,"message":"unavailable"}');
  }

  accepted(path: '/v1/logs' | '/v1/metrics'): Received[] {
    return this.received.filter((r) => r.path === path && r.status === 200);
  }

  /** Every log record the receiver accepted, with its resource's attributes. */
  logs(): Array<LogRecordJson & { resource: KeyValue[] }> {
    const out: Array<LogRecordJson & { resource: KeyValue[] }> = [];
    for (const r of this.accepted('/v1/logs')) {
      const b = r.body as {
        resourceLogs: Array<{
          resource?: { attributes?: KeyValue[] };
          scopeLogs: Array<{ logRecords: LogRecordJson[] }>;
        }>;
      };
      for (const rl of b.resourceLogs)
        for (const sl of rl.scopeLogs)
          for (const lr of sl.logRecords) out.push({ ...lr, resource: rl.resource?.attributes ?? [] });
    }
    return out;
  }

  /** The metrics of the newest accepted export (cumulative: it holds every count so far). */
  latestMetrics(): { resource: KeyValue[]; metrics: MetricJson[] } | undefined {
    const last = this.accepted('/v1/metrics').at(-1);
    if (!last) return undefined;
    const b = last.body as {
      resourceMetrics: Array<{
        resource?: { attributes?: KeyValue[] };
        scopeMetrics: Array<{ metrics: MetricJson[] }>;
      }>;
    };
    const rm = b.resourceMetrics[0];
    return {
      resource: rm?.resource?.attributes ?? [],
      metrics: rm?.scopeMetrics.flatMap((s) => s.metrics) ?? [],
    };
  }

  /** Everything received, as one string, to search for what must never leave. */
  everything(): string {
    return this.received.map((r) => r.raw).join('\n');
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** An attribute's value as a plain JS value. */
export function attr(list: KeyValue[] | undefined, key: string): string | number | boolean | undefined {
  const v = list?.find((kv) => kv.key === key)?.value;
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  return v.boolValue;
}

export function attrs(list: KeyValue[] | undefined): Record<string, string | number | boolean | undefined> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, attr([kv], kv.key)]));
}
