// The OpenTelemetry JS SDK behind a TelemetrySink. Loaded only when OTLP export is configured (serve
// imports it lazily), so neither the hook nor a serve without OTEL_* pays for it. The exporters read
// OTEL_EXPORTER_OTLP_* (endpoints, headers, timeout, certificates, temporality) from the environment
// themselves.
//
// Logs do not go through the SDK's BatchLogRecordProcessor: it reports a failed export to the global
// error handler and nothing else, and the ledger follower must know whether the collector took a batch
// before it moves its cursor. So the records are emitted into a processor that only collects them, and
// exported here, batch by batch, with the exporter's own retries (429, 502-504, with backoff).

import { type Counter, type Histogram, ValueType } from '@opentelemetry/api';
import type { AnyValueMap } from '@opentelemetry/api-logs';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { LoggerProvider, type LogRecordProcessor, type SdkLogRecord } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { OtlpSettings } from './config.ts';
import {
  type Instrument,
  type InstrumentKey,
  type LogOut,
  type Observation,
  SEVERITY,
  type TelemetrySink,
} from './types.ts';

export const SERVICE_NAME = 'agent-sre';
const SCOPE = 'agent-sre';
const BATCH = 512;
const DEFAULT_METRIC_INTERVAL_MS = 60_000;

class Collector implements LogRecordProcessor {
  pending: SdkLogRecord[] = [];
  onEmit(record: SdkLogRecord): void {
    this.pending.push(record);
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

export interface OtlpSinkOptions {
  settings: OtlpSettings;
  instruments: Record<InstrumentKey, Instrument>;
  version: string;
  /** OTEL_METRIC_EXPORT_INTERVAL, which the JS metric reader does not read itself. */
  env: Record<string, string | undefined>;
}

function metricInterval(env: Record<string, string | undefined>): number {
  const n = Number(env.OTEL_METRIC_EXPORT_INTERVAL);
  return Number.isFinite(n) && n > 0 ? n : DEFAULT_METRIC_INTERVAL_MS;
}

export function startOtlpSink(o: OtlpSinkOptions): TelemetrySink {
  // OTEL_RESOURCE_ATTRIBUTES adds to the resource (a team, an environment); service.name stays ours, so a
  // collector shared with Claude Code tells the two apart whatever OTEL_SERVICE_NAME the shell has.
  const resource = defaultResource()
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: SERVICE_NAME, [ATTR_SERVICE_VERSION]: o.version }));
  const collector = new Collector();
  const logExporter = o.settings.endpoints.logs ? new OTLPLogExporter() : undefined;
  const loggerProvider = new LoggerProvider({ resource, processors: [collector] });
  const logger = loggerProvider.getLogger(SCOPE, o.version);
  const meterProvider = new MeterProvider({
    resource,
    readers: o.settings.endpoints.metrics
      ? [
          new PeriodicExportingMetricReader({
            exporter: new OTLPMetricExporter(),
            exportIntervalMillis: metricInterval(o.env),
          }),
        ]
      : [],
  });
  const meter = meterProvider.getMeter(SCOPE, o.version);
  const instruments = new Map<InstrumentKey, Counter | Histogram>();
  for (const [key, def] of Object.entries(o.instruments) as [InstrumentKey, Instrument][]) {
    const opts = { unit: def.unit, description: def.description };
    instruments.set(
      key,
      def.kind === 'counter'
        ? meter.createCounter(def.name, { ...opts, valueType: ValueType.INT })
        : meter.createHistogram(def.name, {
            ...opts,
            advice: { explicitBucketBoundaries: def.buckets ?? [] },
          }),
    );
  }

  const send = (batch: SdkLogRecord[]) =>
    new Promise<boolean>((resolve) => {
      if (!logExporter) return resolve(true);
      logExporter.export(batch, (r) => resolve(r.code === ExportResultCode.SUCCESS));
    });

  return {
    async exportLogs(logs: LogOut[]) {
      for (const l of logs)
        logger.emit({
          eventName: l.eventName,
          timestamp: l.timestamp,
          severityNumber: SEVERITY[l.severity],
          severityText: l.severity,
          body: l.body,
          attributes: l.attributes as AnyValueMap,
        });
      const records = collector.pending;
      collector.pending = [];
      for (let i = 0; i < records.length; i += BATCH)
        if (!(await send(records.slice(i, i + BATCH)))) return false;
      return true;
    },
    observe(observations: Observation[]) {
      for (const ob of observations) {
        const inst = instruments.get(ob.instrument);
        if (!inst) continue;
        if ('add' in inst) inst.add(ob.value, ob.attributes);
        else inst.record(ob.value, ob.attributes);
      }
    },
    async shutdown() {
      await meterProvider.shutdown().catch(() => undefined);
      await loggerProvider.shutdown().catch(() => undefined);
      await logExporter?.shutdown().catch(() => undefined);
    },
  };
}
