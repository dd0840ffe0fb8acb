// The build embeds the default policy as the JSON of its YAML's value (scripts/build.mjs). That is only
// sound if the JSON round trip loses nothing the schema reads: the built CLI would otherwise run a
// different default policy from the one the sources and these tests run.
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_YAML } from '../../src/config/default-policy.ts';
import { defaultPolicyRaw } from '../../src/config/default-policy-raw.ts';
import { defaultPolicyFile, parsePolicyFile } from '../../src/config/load.ts';
import { policyFileSchema } from '../../src/config/schema.ts';

describe('the default policy as the build embeds it', () => {
  it('validates to exactly the policy its YAML gives', () => {
    const fromYaml = parsePolicyFile(DEFAULT_POLICY_YAML, '<embedded default policy>');
    if (!fromYaml.ok) throw new Error('the embedded default policy does not load');
    const embedded = policyFileSchema.safeParse(JSON.parse(JSON.stringify(defaultPolicyRaw())));
    expect(embedded.success).toBe(true);
    expect(embedded.data).toStrictEqual(fromYaml.value);
    // And the sources (no build, no embedded JSON) load the same.
    expect(defaultPolicyFile()).toStrictEqual(fromYaml.value);
    expect(fromYaml.value.rules.length).toBeGreaterThan(50);
  });
});
