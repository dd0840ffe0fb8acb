// The `report:` section of agent-sre.yaml as the core sees it (src/config/schema.ts parses it).

/**
 * Targets the report and the postmortem compare incidents with, in minutes. Absent = the built-in
 * default (see DEFAULT_TARGETS in ./targets.ts), which the report marks as such.
 */
export interface ReportTargets {
  /** SEV1 (P0) incidents resolved within this long: TTR = resolved − started. */
  sev1ResolveMinutes?: number;
  /** Every incident detected within this long: TTD = detected − started. */
  detectMinutes?: number;
  /** A page acknowledged within this long: TTA = acknowledged − first page sent. */
  acknowledgeMinutes?: number;
  /** Every incident contained (mitigated) within this long: TTC = mitigated − detected. */
  containMinutes?: number;
}

export interface ReportSettings {
  targets: ReportTargets;
}
