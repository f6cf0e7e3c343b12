// Real-library fixture sets that come with a manifest (file, expected verdict, what the file is, the name a blocked
// file is caught by, how the real loader treated it): each file scanned with the default engine, its blocking
// findings and a readable explanation for assertion messages.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import type { Finding } from '../../../src/core/finding.js';
import { scanBytes } from '../../../src/scan/engine.js';

export interface RealFixture {
  readonly file: string;
  readonly expect: 'pass' | 'block';
  readonly what: string;
  readonly caught: string;
  readonly loader: string;
}

const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

export function realFixtures(dir: string): RealFixture[] {
  return (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: RealFixture[] }).files;
}

/** Scans one fixture: its blocking findings, each pickle's safety verdict, and `why` (every finding, for messages). */
export async function scanFixture(
  dir: string,
  f: RealFixture,
): Promise<{ blocking: Finding[]; safety: string[]; why: string }> {
  const r = await scanBytes(f.file, readFileSync(join(dir, f.file)));
  return {
    blocking: r.findings.filter((x) => BLOCKING.has(x.severity)),
    safety: r.pickles.map((p) => p.safety),
    why: r.findings.map((x) => `${x.severity} ${x.ruleId} ${x.evidence.signal.slice(0, 200)}`).join('\n'),
  };
}

/** A fixture the library wrote passes: no blocking finding, every pickle LIKELY_SAFE. */
export function assertPasses(r: { blocking: Finding[]; safety: string[]; why: string }): void {
  assert.deepEqual(r.blocking, [], r.why);
  for (const s of r.safety) assert.equal(s, 'LIKELY_SAFE', r.why);
}

/**
 * One test per file of `dir`'s manifest: a "pass" file passes (assertPasses), a "block" file has a blocking finding
 * that `blocks` accepts (the rule and what it names that the fixture set is about).
 */
export function itEachRealFixture(dir: string, blocks: (x: Finding, f: RealFixture) => boolean): void {
  for (const f of realFixtures(dir)) {
    it(`${f.expect}: ${f.file} (${f.what}; real loader: ${f.loader})`, async () => {
      const r = await scanFixture(dir, f);
      if (f.expect === 'pass') assertPasses(r);
      else
        assert.ok(
          r.blocking.some((x) => blocks(x, f)),
          r.why,
        );
    });
  }
}

/** A PICKLE-STRUCT finding whose evidence names `anomaly`. */
export const structAnomaly =
  (anomaly: string) =>
  (x: Finding): boolean =>
    x.ruleId === 'PICKLE-STRUCT' && (x.evidence.details as { anomaly?: string } | undefined)?.anomaly === anomaly;
