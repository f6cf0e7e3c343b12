// What the tests of the proved fixture folders share (redteam-s38, soundness-open, soundness-s39): each folder's
// manifest.json (written by its generator after the real loader proved every file), a scan of one fixture, and the
// verdict of a benign twin.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanPaths } from '../../src/scan/engine.js';

export const BLOCKING: ReadonlySet<string> = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

/** The folder of a fixture set under test/fixtures/. */
export function fixtureDir(name: string): string {
  return new URL(`../fixtures/${name}/`, import.meta.url).pathname;
}

/** The `files` of a fixture folder's manifest.json. */
export function manifestFiles<T>(dir: string): T[] {
  return (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: T[] }).files;
}

type Scan = Awaited<ReturnType<typeof scanPaths>>;
type Finding = Scan['findings'][number];

export interface FixtureScan {
  readonly result: Scan;
  /** The findings at a blocking severity. */
  readonly blocking: Finding[];
  /** Every finding, one line each (severity, rule, the first `width` characters of its evidence), for messages. */
  readonly why: string;
}

export async function scanFixture(path: string, width = 300): Promise<FixtureScan> {
  const result = await scanPaths([path]);
  return {
    result,
    blocking: result.findings.filter((x) => BLOCKING.has(x.severity)),
    why: result.findings.map((x) => `${x.severity} ${x.ruleId} ${x.evidence.signal.slice(0, width)}`).join('\n'),
  };
}

/** A benign twin: no blocking finding, and every pickle stream in it LIKELY_SAFE. */
export function assertPasses(s: FixtureScan): void {
  assert.deepEqual(s.blocking, [], s.why);
  for (const p of s.result.pickles) assert.equal(p.safety, 'LIKELY_SAFE', s.why);
}

/** The anomaly a finding's evidence names (PICKLE-STRUCT findings), if any. */
export function anomalyOf(f: Finding): string | undefined {
  return (f.evidence.details as { anomaly?: string } | undefined)?.anomaly;
}

/** The manifest entry the red-team generators write (redteam-s38, -s39, -s40): a file, its verdict and its proof. */
export interface ProvedFixture {
  readonly file: string;
  readonly expect: 'pass' | 'block';
  readonly what: string;
  readonly proof: string;
}

/** A manifest of proved fixtures holds at least `blocks` block files and `twins` benign twins. */
export function assertCounts(fixtures: readonly ProvedFixture[], blocks: number, twins: number): void {
  assert.ok(fixtures.filter((f) => f.expect === 'block').length >= blocks, `fewer than ${blocks} block files`);
  assert.ok(fixtures.filter((f) => f.expect === 'pass').length >= twins, `fewer than ${twins} benign twins`);
}
