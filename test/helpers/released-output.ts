// The table of a history pack's real output: a fixture folder whose manifest lists files written by released versions
// of a library, each 'benign' (its own output, which must pass) or 'blocked' (a hostile twin), with the version under
// `key`. Asserts at least two versions, each with a benign file and a twin, and scans each file as a user would.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanPaths } from '../../src/scan/engine.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

interface Row {
  readonly file: string;
  readonly expect: 'benign' | 'blocked';
  readonly what: string;
  readonly [version: string]: string;
}

export function releasedOutputTable(library: string, root: string, key: string): void {
  const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as { files: Row[] };
  describe(`${library}: real output of released versions`, () => {
    it('holds at least two versions, each with benign files and hostile twins', () => {
      const benign = new Set(manifest.files.filter((f) => f.expect === 'benign').map((f) => f[key]));
      assert.ok(benign.size >= 2, [...benign].join(', '));
      for (const v of benign)
        assert.ok(
          manifest.files.some((f) => f[key] === v && f.expect === 'blocked'),
          v,
        );
    });
    for (const f of manifest.files) {
      it(`${f.expect}: ${f.file} (${library} ${f[key]}, ${f.what})`, async () => {
        const r = await scanPaths([join(root, f.file)]);
        const blocking = r.findings.filter((x) => BLOCKING.has(x.severity));
        assert.equal(
          blocking.length > 0,
          f.expect === 'blocked',
          JSON.stringify(r.findings.map((x) => [x.ruleId, x.evidence.signal])),
        );
      });
    }
  });
}
