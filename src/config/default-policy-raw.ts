// The embedded default policy as the plain value its YAML holds, before validation. The build computes it
// once and embeds it as JSON (scripts/build.mjs: __AGENT_SRE_DEFAULT_POLICY__), so a command that loads a
// policy does not parse a thousand lines of YAML first (about 100 ms of every CLI run); the sources and
// tests, which have no build, parse it here.
import { parseDocument } from 'yaml';
import { DEFAULT_POLICY_YAML } from './default-policy.ts';

export function defaultPolicyRaw(): unknown {
  return parseDocument(DEFAULT_POLICY_YAML, { uniqueKeys: true }).toJS();
}
