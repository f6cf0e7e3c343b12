// Symlink members of a tar judged as tarfile's 'data' extraction filter judges them: the cases of
// test/fixtures/tar-symlinks/cases.json are made by Python's tarfile and extracted member by member with that filter
// (scripts/fixtures/tar-symlinks.py). A case is escaping when the filter refuses a link or a link resolves outside
// the extraction folder once the archive is extracted; exactly those are reported as SYMLINK_ENTRY.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MemorySource } from '../../../src/sources/byte-source.js';
import { readTar } from '../../../src/formats/tar/index.js';

interface Case {
  readonly name: string;
  readonly escapes: boolean;
  readonly refused: readonly string[];
  readonly tar: string;
}
const table = JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/tar-symlinks/cases.json'), 'utf8')) as {
  cases: Case[];
};

function symlinkAnomalies(b64: string, name: string): string[] {
  const tar = readTar(new MemorySource({ chain: [name] }, new Uint8Array(Buffer.from(b64, 'base64'))), {
    maxEntries: 100,
  });
  return tar.anomalies.filter((a) => a.code === 'SYMLINK_ENTRY').map((a) => a.entry ?? '');
}

describe("tar symlinks, judged as tarfile's data filter extracts them", () => {
  it('has escaping cases and twins that stay inside', () => {
    assert.ok(table.cases.filter((c) => c.escapes).length >= 6);
    assert.ok(table.cases.filter((c) => !c.escapes).length >= 6);
  });
  for (const c of table.cases)
    it(`${c.name}: ${c.escapes ? 'reported' : 'not reported'}`, () => {
      const found = symlinkAnomalies(c.tar, `${c.name}.tar`);
      if (!c.escapes) assert.deepEqual(found, []);
      else {
        assert.ok(found.length > 0, c.name);
        // The member the filter refused is the one reported.
        for (const r of c.refused) assert.ok(found.includes(r.split(': ')[0]!), `${r} in ${found.join(', ')}`);
      }
    });
});
