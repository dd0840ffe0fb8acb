// When export is on, where each signal goes, and what may be printed about it: the rules serve and doctor
// follow before any SDK is loaded.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeOtlp, otlpSettings, safeUrl } from '../../../src/adapters/otel/config.ts';

describe('otlpSettings', () => {
  it.each([
    ['nothing set', {}],
    ['an empty endpoint', { OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }],
    [
      'exporters switched off',
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
        OTEL_LOGS_EXPORTER: 'none',
        OTEL_METRICS_EXPORTER: 'none',
      },
    ],
    ['only a protocol', { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }],
    ['Claude Code telemetry switched on without an endpoint', { CLAUDE_CODE_ENABLE_TELEMETRY: '1' }],
  ])('is off with %s', (_, env) => {
    expect(otlpSettings(env)).toBeNull();
  });

  it('takes the base endpoint for both signals, with the signal paths appended', () => {
    expect(otlpSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })?.endpoints).toEqual({
      logs: 'http://collector:4318/v1/logs',
      metrics: 'http://collector:4318/v1/metrics',
    });
    expect(otlpSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/otlp/' })?.endpoints.logs).toBe(
      'http://collector:4318/otlp/v1/logs',
    );
  });

  it('a per-signal endpoint is used as given and wins over the base', () => {
    const s = otlpSettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://base:4318',
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'https://logs.example/ingest',
    });
    expect(s?.endpoints).toEqual({
      logs: 'https://logs.example/ingest',
      metrics: 'http://base:4318/v1/metrics',
    });
    expect(otlpSettings({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://m:1/x' })?.endpoints).toEqual({
      metrics: 'http://m:1/x',
    });
  });

  it('OTEL_<SIGNAL>_EXPORTER=otlp alone switches the signal on, to the SDK default', () => {
    expect(otlpSettings({ OTEL_LOGS_EXPORTER: 'console,otlp' })?.endpoints).toEqual({
      logs: 'http://localhost:4318/v1/logs',
    });
    expect(
      otlpSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_METRICS_EXPORTER: 'prometheus' })
        ?.endpoints,
    ).toEqual({
      logs: 'http://c:4318/v1/logs',
    });
  });

  it('names the headers of both variables, never their values', () => {
    const s = otlpSettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer abc123,x-tenant=acme',
      OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'x-scope=logs-secret',
    })!;
    expect(s.headerNames).toEqual(['Authorization', 'x-scope', 'x-tenant']);
    const line = describeOtlp(s);
    expect(line).toContain('Authorization, x-scope, x-tenant');
    for (const v of ['abc123', 'acme', 'logs-secret']) expect(line).not.toContain(v);
  });

  it('warns that only http/json is spoken when another protocol is asked for', () => {
    const s = otlpSettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    })!;
    expect(s.warnings).toEqual([expect.stringMatching(/OTEL_EXPORTER_OTLP_PROTOCOL=grpc .* http\/json/)]);
    expect(
      otlpSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })!
        .warnings,
    ).toEqual([]);
  });
});

describe('safeUrl', () => {
  it('drops credentials and queries from a printed endpoint', () => {
    expect(safeUrl('https://user:pw@collector.example:4318/v1/logs?api-key=k')).toBe(
      'https://***@collector.example:4318/v1/logs?…',
    );
    expect(safeUrl('not a url')).toBe('(not a URL)');
  });

  it('never prints a password or a query value, whatever the URL', () => {
    // A digit first: no such word can be a piece of the host or the path that stays.
    const word = fc.stringMatching(/^[0-9][a-z0-9]{7,11}$/);
    fc.assert(
      fc.property(word, word, word, (user, pw, key) => {
        const out = safeUrl(`https://${user}:${pw}@host.example/v1/logs?token=${key}`);
        return !out.includes(pw) && !out.includes(key) && !out.includes(user);
      }),
    );
  });
});
