// Test helper: analyse a Python snippet and run the DESER detectors over it; case-table runner.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { analyzePythonModule } from '../../../src/analyzers/python/analyze-module.js';
import { detectDeserSignals, type DeserCodeRuleId } from '../../../src/analyzers/deser/code.js';
import type { CodeSignal } from '../../../src/analyzers/python/code-signal.js';

export async function deserSignals(src: string): Promise<CodeSignal[]> {
  return detectDeserSignals(await analyzePythonModule(src));
}

/** A table case: source lines, and the `[rule, line]` pairs expected for the rules under test. */
export interface DeserCase {
  name: string;
  src: string[];
  expect: [DeserCodeRuleId, number][];
  /** Checks on the details of the first signal of the first expected rule. */
  details?: Record<string, unknown>;
  confidence?: CodeSignal['confidence'];
  /** Substrings the first expected signal's message must contain. */
  message?: string[];
}

/** Registers one test per case; `rules` limits which signals are compared (other DESER rules are ignored). */
export function runCases(cases: DeserCase[], rules: readonly DeserCodeRuleId[]): void {
  for (const c of cases) {
    it(c.name, async () => {
      const got = (await deserSignals(c.src.join('\n') + '\n'))
        .filter((s) => (rules as readonly string[]).includes(s.ruleId))
        .map((s) => s);
      assert.deepEqual(
        got.map((s) => [s.ruleId, s.line]),
        c.expect,
        got.map((s) => `${s.ruleId}@${s.line}: ${s.message}`).join('\n'),
      );
      const first = got[0];
      if (first === undefined) return;
      if (c.confidence !== undefined) assert.equal(first.confidence, c.confidence);
      for (const [k, v] of Object.entries(c.details ?? {})) assert.deepEqual(first.details[k], v, k);
      for (const m of c.message ?? []) assert.ok(first.message.includes(m), `message lacks "${m}": ${first.message}`);
    });
  }
}
