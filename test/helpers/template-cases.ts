// The case tables of the chat-template tests: cases.json under test/fixtures/model/<folder>/, recorded by a fixture
// script that renders each case with the real jinja2, and the render-cost signals the analyzer gives a template.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
