// The shapes agent-sre's telemetry takes between the ledger follower (src/app/otel-export.ts) and the
// OpenTelemetry SDK (./sdk.ts). Types and constants only, so neither side loads the other's code.

export type Attributes = Record<string, string | number | boolean>;

/** The OTel log data model's severity numbers (api-logs' SeverityNumber), without loading the SDK. */
export const SEVERITY = { INFO: 9, WARN: 13, ERROR: 17, FATAL: 21 } as const;
export type SeverityName = keyof typeof SEVERITY;

export interface LogOut {
  eventName: string;
  /** Epoch ms: when it happened in the ledger, not when it was exported. */
  timestamp: number;
  severity: SeverityName;
  body: string;
  attributes: Attributes;
}

export type InstrumentKey =
  | 'decisions'
  | 'hookDuration'
  | 'incidents'
  | 'ttd'
  | 'tta'
  | 'ttr'
  | 'pages'
  | 'gates'
  | 'sessionCost';

export interface Observation {
  instrument: InstrumentKey;
  value: number;
  attributes: Attributes;
}

export interface Instrument {
  name: string;
  kind: 'counter' | 'histogram';
  unit: string;
  description: string;
  buckets?: number[];
}

export interface Telemetry {
  logs: LogOut[];
  observations: Observation[];
}

/** Where telemetry goes: the OTLP exporters, or a test's recorder. */
export interface TelemetrySink {
  /** Export these records now. True once the collector accepted them; false (never a throw) otherwise. */
  exportLogs(logs: LogOut[]): Promise<boolean>;
  /** Counted into the metrics, which the SDK exports on its own interval. */
  observe(observations: Observation[]): void;
  /** Export what is left, then stop. */
  shutdown(): Promise<void>;
}
