// The case tables of the chat-template tests: cases.json under test/fixtures/model/<folder>/, recorded by a fixture
// script that renders each case with the real jinja2, and the render-cost signals the analyzer gives a template.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { analyzeChatTemplate } from '../../src/analyzers/model/chat-template.js';

/** The parsed cases.json of test/fixtures/model/<folder>/ (its shape is the caller's). */
export function templateCases<T>(folder: string): T {
  return JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/model', folder, 'cases.json'), 'utf8')) as T;
}

/** The messages of the render-cost signals of `template`, which must parse. */
export async function costSignals(template: string): Promise<string[]> {
  const a = await analyzeChatTemplate(template);
  assert.ok(a.parsed, a.parseError);
  return a.signals.filter((s) => s.kind === 'render-cost').map((s) => s.message);
}

/** A case of a render-cost class table: its template, and whether the real jinja2 ran out of its limits on it. */
export interface CostCase {
  readonly name: string;
  readonly template: string;
  readonly reaches: boolean;
}

/**
 * The checks of a render-cost class table: a hostile case of every class (named `<class>-...`) with a twin
 * (`twin-<name>`) for each; every hostile case is a high-confidence render-cost finding and every twin has no signal.
 */
export function costClassTable(cases: readonly CostCase[], classes: string): void {
  it('has hostile cases of every class and a benign twin for each', () => {
    const hostile = cases.filter((c) => c.reaches);
    assert.equal(hostile.length, cases.length / 2);
    for (const cls of classes)
      assert.ok(
        hostile.some((c) => c.name.startsWith(`${cls}-`)),
        cls,
      );
    for (const c of hostile)
      assert.ok(
        cases.some((t) => t.name === `twin-${c.name}` && !t.reaches),
        c.name,
      );
  });
  costCaseVerdicts(cases);
}

/** Every hostile case of a render-cost table is a high-confidence render-cost finding; every twin has no signal. */
export function costCaseVerdicts(cases: readonly CostCase[]): void {
  for (const c of cases)
    it(`${c.name}: ${c.reaches ? 'a render-cost finding' : 'passes'}`, async () => {
      const a = await analyzeChatTemplate(c.template);
      assert.ok(a.parsed, a.parseError);
      if (c.reaches)
        assert.ok(
          a.signals.some((s) => s.kind === 'render-cost' && s.confidence === 'high'),
          JSON.stringify(a.signals),
        );
      else assert.deepEqual(a.signals, []);
    });
}
