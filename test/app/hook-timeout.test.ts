// doctor's gate check: in wait mode the PreToolUse hook must outlast the gate's wait, and two limits cut
// it short: the entry's `timeout` (Claude Code's 600 s when unset) and the `--timeout N` the launcher's
// watchdog keeps to. The shorter one is what a waiting call runs into.
import { describe, expect, it } from 'vitest';
import { gateWaitCheck, hookTimeouts } from '../../src/app/hook-timeout.ts';

const launcher = ['/opt/agent-sre/bin/agent-sre-hook.cjs', 'hook', 'claude'];
const exec = (timeout: number | undefined, flag: number | undefined) => ({
  type: 'command',
  command: '/usr/bin/node',
  args: flag === undefined ? launcher : [...launcher, '--timeout', String(flag)],
  ...(timeout === undefined ? {} : { timeout }),
  onFailure: 'block',
});
const WAIT = { mode: 'wait' as const, timeoutSeconds: 300 };

describe('hookTimeouts', () => {
  it.each([
    ['what init writes', exec(330, 330), { claude: 330, watchdog: 330, effective: 330 }],
    [
      'a raised entry timeout under an old --timeout',
      exec(400, 10),
      { claude: 400, watchdog: 10, effective: 10 },
    ],
    ['no timeout on the entry', exec(undefined, 400), { claude: 600, claudeIsDefault: true, effective: 400 }],
    ['an entry from before --timeout', exec(30, undefined), { claude: 30, watchdog: null, effective: 30 }],
    [
      'shell form',
      { type: 'command', command: 'npx agent-sre hook claude --timeout 20', timeout: 500 },
      { claude: 500, watchdog: 20, effective: 20 },
    ],
    [
      'HTTP',
      { type: 'http', url: 'http://127.0.0.1:47319/agent-sre/v1/hook', timeout: 90 },
      { claude: 90, watchdog: null, effective: 90 },
    ],
    ['a timeout that is not a number', exec(Number.NaN, 12), { claude: 600, watchdog: 12, effective: 12 }],
  ])('%s', (_, entry, want) => {
    expect(hookTimeouts(entry)).toMatchObject(want);
  });
});

describe('gateWaitCheck', () => {
  it('passes what init writes for a 300 s gate', () => {
    expect(gateWaitCheck(WAIT, exec(330, 330))).toEqual({
      name: 'gate',
      ok: true,
      detail: 'wait mode: the gate waits 300 s, the PreToolUse hook may run 330 s',
    });
  });

  it('fails a raised entry timeout whose --timeout still cuts the call off, and says what to set', () => {
    const c = gateWaitCheck(WAIT, exec(400, 10));
    expect(c.ok).toBe(false);
    expect(c.detail).toContain('cut off after 10 s by the --timeout 10 in its command');
    expect(c.detail).toContain('Run agent-sre init again');
    expect(c.detail).toContain(`set both the entry's "timeout" and the --timeout in its args to 330`);
  });

  it('fails a short entry timeout, and an HTTP hook too short for the gate', () => {
    expect(gateWaitCheck(WAIT, exec(10, 10)).detail).toContain(
      `by the --timeout 10 in its command (the launcher refuses the call then) and the entry's "timeout": 10`,
    );
    const http = gateWaitCheck(WAIT, {
      type: 'http',
      url: 'http://127.0.0.1:1/agent-sre/v1/hook',
      timeout: 60,
    });
    expect(http).toMatchObject({ ok: false });
    expect(http.detail).toMatch(/the entry's "timeout": 60: .* set the entry's "timeout" to 330$/);
  });

  it("an entry without a timeout has Claude Code's 600 s, enough for a 300 s gate unless --timeout says less", () => {
    expect(gateWaitCheck(WAIT, exec(undefined, undefined)).ok).toBe(true);
    expect(gateWaitCheck({ mode: 'wait', timeoutSeconds: 900 }, exec(undefined, undefined)).detail).toContain(
      "Claude Code's default hook timeout of 600 s (the entry sets none)",
    );
  });
});
