// The order `npm test` starts its files in. vitest starts the files that took longest in its last run
// first, so no worker is left with a long file at the end; a fresh clone (CI) has no last run and goes by
// file size, which put the slowest files last and cost a fresh `.ci/run` about half a minute. These files
// start first, in this order, within their project; the rest keep vitest's order.
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Measured on a fresh clone's `.ci/run` (docs/benchmarks.md): longest first. */
export const SLOW_FIRST = [
  'test/e2e/catch-up.test.ts',
  'test/e2e/hook.test.ts',
  'test/e2e/runbook.test.ts',
  'test/server/dashboard.browser.test.ts',
  'test/e2e/guard-binding.test.ts',
  'test/e2e/runbook-binding.test.ts',
  'test/e2e/paging.test.ts',
  'test/e2e/output-colour.test.ts',
  'test/e2e/team.test.ts',
  'test/property/hook-fail-closed.test.ts',
  'test/e2e/postmortem.test.ts',
  'test/e2e/golden.test.ts',
  'test/e2e/shadow-parity.test.ts',
];

export class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const root = this.ctx.config.root;
    const rank = (f: TestSpecification) => {
      const i = SLOW_FIRST.indexOf(relative(root, f.moduleId).split('\\').join('/'));
      return i < 0 ? SLOW_FIRST.length : i;
    };
    // Only listed files move, and only ahead of the others of their own group and project.
    const at = new Map(sorted.map((f, i) => [f, i]));
    const firstOfProject = new Map<string, number>();
    sorted.forEach((f, i) => {
      if (!firstOfProject.has(f.project.name)) firstOfProject.set(f.project.name, i);
    });
    return [...sorted].sort(
      (a, b) =>
        a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder ||
        (firstOfProject.get(a.project.name) ?? 0) - (firstOfProject.get(b.project.name) ?? 0) ||
        rank(a) - rank(b) ||
        (at.get(a) ?? 0) - (at.get(b) ?? 0),
    );
  }
}
