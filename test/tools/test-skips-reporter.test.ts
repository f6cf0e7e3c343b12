// The reporter `npm test` ends with: every skipped test or suite named with its reason and file, then one line with
// the run's count of passed, failed and skipped tests (suites are not counted as tests; a skipped suite counts once).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
// @ts-expect-error -- a plain .mjs reporter without type declarations
import skipsReporter from '../../scripts/test-skips-reporter.mjs';

type Event = { type: string; data: Record<string, unknown> };

async function run(events: Event[]): Promise<string> {
  async function* source(): AsyncGenerator<Event> {
    yield* events;
  }
  let out = '';
  for await (const chunk of (skipsReporter as (s: AsyncIterable<Event>) => AsyncIterable<string>)(source()))
    out += chunk;
  return out;
}

const test = (type: string, data: Record<string, unknown>): Event => ({
  type,
  data: { details: { type: 'test' }, ...data },
});
const suite = (type: string, data: Record<string, unknown>): Event => ({
  type,
  data: { ...data, details: { type: 'suite' } },
});

describe('the test-skips reporter', () => {
  it('lists the skips with their reasons, then ends with the pass/fail/skip count', async () => {
    const out = await run([
      test('test:pass', { name: 'a' }),
      test('test:pass', { name: 'b' }),
      test('test:pass', { name: 'c', skip: 'git is not installed', file: `${process.cwd()}/test/x.test.ts` }),
      suite('test:pass', { name: 'real files', skip: 'no mirror present' }),
      suite('test:pass', { name: 'a suite that ran' }),
      { type: 'test:diagnostic', data: { message: 'tests 3' } },
    ]);
    const lines = out.trimEnd().split('\n');
    assert.deepEqual(lines, [
      'Skipped: 2',
      '  - c (git is not installed) [test/x.test.ts]',
      '  - real files (no mirror present)',
      'Tests: 2 passed, 0 failed, 2 skipped (listed above)',
    ]);
  });

  it('a failed test makes the last line say FAILED (a failed suite is not counted again)', async () => {
    const out = await run([
      test('test:pass', { name: 'a' }),
      test('test:fail', { name: 'b' }),
      suite('test:fail', { name: 'the suite of b' }),
    ]);
    assert.equal(out.trimEnd().split('\n').at(-1), 'Tests: 1 passed, 1 failed, 0 skipped — FAILED');
  });
});
