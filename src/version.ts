// Kept in step with package.json by a test.
export const VERSION = '0.1.0';

// scripts/build.mjs defines this as a hash of everything that goes into the build, so a rebuild with the
// same version string is still a different build (caches keyed on it are not reused across builds).
declare const __AGENT_SRE_BUILD_ID__: string | undefined;

/** The build's id; `source` when running from src/ (tests, bench). */
export const BUILD_ID: string =
  typeof __AGENT_SRE_BUILD_ID__ === 'string' ? __AGENT_SRE_BUILD_ID__ : 'source';
