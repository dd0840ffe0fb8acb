// The sequencer `npm test` uses: the listed slow files first within their project, nothing moved across
// groups or projects, the rest in vitest's own order.
import { describe, expect, it } from 'vitest';
import type { TestSpecification } from 'vitest/node';
import { SLOW_FIRST, SlowFirst } from './slow-first.ts';

const ROOT = '/repo';
const spec = (project: string, file: string, groupOrder = 0) =>
  ({
    moduleId: `${ROOT}/${file}`,
    project: { name: project, config: { sequence: { groupOrder }, isolate: true } },
  }) as unknown as TestSpecification;

function sequencer(): SlowFirst {
  const ctx = {
    config: { root: ROOT },
    cache: {
      getFileTestResults: () => undefined,
      getFileStats: () => ({ size: 1 }),
    },
  };
  return new SlowFirst(ctx as never);
}

describe('SlowFirst', () => {
  it('starts the listed files first within their project, in the listed order', async () => {
    const files = [
      spec('e2e', 'test/e2e/a.test.ts'),
      spec('e2e', SLOW_FIRST[2]!),
      spec('unit', 'test/core/b.test.ts'),
      spec('e2e', SLOW_FIRST[0]!),
      spec('unit', 'test/property/hook-fail-closed.test.ts'),
      spec('alone', 'test/e2e/hookd.test.ts', 1),
      spec('e2e', SLOW_FIRST[1]!),
    ];
    const order = (await sequencer().sort(files)).map((f) => `${f.project.name}:${f.moduleId.slice(6)}`);
    expect(order).toEqual([
      `e2e:${SLOW_FIRST[0]}`,
      `e2e:${SLOW_FIRST[1]}`,
      `e2e:${SLOW_FIRST[2]}`,
      'e2e:test/e2e/a.test.ts',
      'unit:test/property/hook-fail-closed.test.ts',
      'unit:test/core/b.test.ts',
      'alone:test/e2e/hookd.test.ts',
    ]);
  });
});
