// Whether OTLP export is on, read from the standard OTEL_* variables. Only what serve and doctor need to
// decide and to say where: the SDK's exporters read the same variables themselves (endpoints, headers,
// timeouts, certificates), so nothing here is handed to them. Kept free of SDK imports: doctor and serve
// load it on every start, the SDK only when export is on.

export type Signal = 'logs' | 'metrics';

export interface OtlpSettings {
  /** Where each exported signal goes; a signal switched off (OTEL_<SIGNAL>_EXPORTER without otlp) is absent. */
  endpoints: Partial<Record<Signal, string>>;
  /** Header names from OTEL_EXPORTER_OTLP_[<SIGNAL>_]HEADERS; their values are credentials and never shown. */
  headerNames: string[];
  /** What the installed exporters cannot do as asked (a protocol other than http/json). */
  warnings: string[];
}

type Env = Record<string, string | undefined>;

// The SDK's own default when a signal is switched on without an endpoint.
const DEFAULT_BASE = 'http://localhost:4318/';
const PATHS: Record<Signal, string> = { logs: 'v1/logs', metrics: 'v1/metrics' };
const SIGNALS: readonly Signal[] = ['logs', 'metrics'];

const val = (env: Env, name: string): string | undefined => {
  const v = env[name]?.trim();
  return v ? v : undefined;
};

const exporters = (env: Env, signal: Signal): string[] | undefined =>
  val(env, `OTEL_${signal.toUpperCase()}_EXPORTER`)
    ?.split(',')
    .map((s) => s.trim().toLowerCase());

function endpointOf(env: Env, signal: Signal): string | undefined {
  const own = val(env, `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`);
  if (own) return own;
  const base = val(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  if (base) return `${base.endsWith('/') ? base : `${base}/`}${PATHS[signal]}`;
  return undefined;
}

/** Null when nothing asks for OTLP: export then costs nothing, not even loading the SDK. */
export function otlpSettings(env: Env): OtlpSettings | null {
  const endpoints: Partial<Record<Signal, string>> = {};
  for (const signal of SIGNALS) {
    const chosen = exporters(env, signal);
    if (chosen && !chosen.includes('otlp')) continue;
    const url = endpointOf(env, signal);
    if (url) endpoints[signal] = url;
    else if (chosen) endpoints[signal] = `${DEFAULT_BASE}${PATHS[signal]}`;
  }
  if (Object.keys(endpoints).length === 0) return null;
  const names = new Set<string>();
  for (const v of [
    'OTEL_EXPORTER_OTLP_HEADERS',
    ...SIGNALS.map((s) => `OTEL_EXPORTER_OTLP_${s.toUpperCase()}_HEADERS`),
  ])
    for (const pair of val(env, v)?.split(',') ?? []) {
      const name = pair.split('=')[0]?.trim();
      if (name) names.add(name);
    }
  const warnings: string[] = [];
  for (const v of [
    'OTEL_EXPORTER_OTLP_PROTOCOL',
    ...SIGNALS.map((s) => `OTEL_EXPORTER_OTLP_${s.toUpperCase()}_PROTOCOL`),
  ]) {
    const p = val(env, v);
    if (p && p !== 'http/json')
      warnings.push(`${v}=${p} is not supported by agent-sre's exporters; it exports OTLP over http/json`);
  }
  return { endpoints, headerNames: [...names].sort(), warnings };
}

/** One line for serve and doctor: where each signal goes, which headers are sent (names only). */
export function describeOtlp(s: OtlpSettings): string {
  const where = SIGNALS.filter((sig) => s.endpoints[sig])
    .map((sig) => `${sig} to ${safeUrl(s.endpoints[sig] ?? '')}`)
    .join(', ');
  const headers = s.headerNames.length > 0 ? ` with headers ${s.headerNames.join(', ')}` : '';
  return `${where} (OTLP http/json)${headers}`;
}

/** An endpoint as it may be printed: credentials in the URL itself (user:password@, a query) are cut. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    const auth = u.username || u.password ? '***@' : '';
    return `${u.protocol}//${auth}${u.host}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return '(not a URL)';
  }
}
