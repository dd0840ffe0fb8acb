// The targets incidents are held to. Only the SEV1 resolution target is an agreed default; the others
// are proposals until a team writes its own numbers in agent-sre.yaml, and every output says which.
import type { ReportTargets } from './types.ts';

export type TargetKey = keyof ReportTargets;
export type TargetBasis = 'configured' | 'default' | 'proposed';

export interface Target {
  key: TargetKey;
  metric: 'ttd' | 'tta' | 'ttc' | 'ttr';
  minutes: number;
  basis: TargetBasis;
  /** Which incidents it applies to. */
  scope: 'all' | 'SEV1';
  label: string;
}

const BUILT_IN: Record<TargetKey, Omit<Target, 'basis'> & { basis: Exclude<TargetBasis, 'configured'> }> = {
  sev1ResolveMinutes: {
    key: 'sev1ResolveMinutes',
    metric: 'ttr',
    minutes: 120,
    basis: 'default',
    scope: 'SEV1',
    label: 'SEV1 (P0) resolved',
  },
  detectMinutes: {
    key: 'detectMinutes',
    metric: 'ttd',
    minutes: 5,
    basis: 'proposed',
    scope: 'all',
    label: 'detected',
  },
  acknowledgeMinutes: {
    key: 'acknowledgeMinutes',
    metric: 'tta',
    minutes: 15,
    basis: 'proposed',
    scope: 'all',
    label: 'page acknowledged',
  },
  containMinutes: {
    key: 'containMinutes',
    metric: 'ttc',
    minutes: 15,
    basis: 'proposed',
    scope: 'all',
    label: 'contained (mitigated)',
  },
};

export const TARGET_KEYS = Object.keys(BUILT_IN) as TargetKey[];

/** The configured value where there is one, else the built-in default or proposal. */
export function resolveTargets(configured: ReportTargets | undefined): Target[] {
  return TARGET_KEYS.map((key) => {
    const own = configured?.[key];
    return own === undefined ? { ...BUILT_IN[key] } : { ...BUILT_IN[key], minutes: own, basis: 'configured' };
  });
}

export function targetOf(targets: readonly Target[], key: TargetKey): Target {
  return targets.find((t) => t.key === key) ?? { ...BUILT_IN[key] };
}

export const BASIS_TEXT: Record<TargetBasis, string> = {
  configured: 'configured',
  default: 'default',
  proposed: 'proposed, unconfirmed',
};
