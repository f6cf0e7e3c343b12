// Shared by the Keras whole-model pickle tests: a fixture folder's manifest, the blocking findings of a scan, and the
// .keras archive a fixture's BINBYTES holds (the payload that starts with a zip local header).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { scanBytes } from '../../src/scan/engine.js';

export interface KerasPickleRow {
  readonly file: string;
  readonly version: string;
  readonly expect: 'benign' | 'malicious';
  readonly what: string;
}

/** The severities a strict gate fails on. */
export const BLOCKING: ReadonlySet<string> = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

export function kerasPickleManifest(root: string): { files: KerasPickleRow[] } {
  return JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as { files: KerasPickleRow[] };
}

/** The findings of scanning `bytes` that fail a strict gate, as `RULE: signal`. */
export async function blocking(bytes: Uint8Array, name = 'model.pkl'): Promise<string[]> {
  const r = await scanBytes(name, bytes);
  return r.findings.filter((f) => BLOCKING.has(f.severity)).map((f) => `${f.ruleId}: ${f.evidence.signal}`);
}

/** The .keras archive a fixture's BINBYTES holds. */
export function archiveOf(root: string, file: string): Uint8Array {
  const b = readFileSync(join(root, file));
  for (let i = 0; i + 9 < b.length; i++)
    if (b[i] === 0x42 && b[i + 5] === 0x50 && b[i + 6] === 0x4b && b[i + 7] === 0x03 && b[i + 8] === 0x04)
      return new Uint8Array(b.subarray(i + 5, i + 5 + b.readUInt32LE(i + 1)));
  throw new Error(`no archive in ${file}`);
}

/**
 * One test per case: the stream `shape` builds for it passes a strict gate (rule undefined), or is blocked with a
 * finding of that rule.
 */
export function shapeCases<S>(cases: readonly [string, S, string | undefined][], shape: (s: S) => Uint8Array): void {
  for (const [name, s, rule] of cases) {
    it(`${rule ? 'blocked' : 'passes'}: ${name}`, async () => {
      const found = await blocking(shape(s));
      if (rule === undefined) assert.deepEqual(found, []);
      else
        assert.ok(
          found.some((f) => f.startsWith(rule)),
          found.join('\n'),
        );
    });
  }
}
