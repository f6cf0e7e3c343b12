// ZIP layouts that writers produce and every reader reads alike (streamed entries whose local header defers the CRC
// to a data descriptor, bytes after the end record) pass, with what the loaders ignore noted on the file; their
// twins where readers do see different content stay ARCHIVE-TAMPER. Python's zipfile is the oracle for the entries
// (scripts/fixtures/zip-readings.py records what it reads).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openEntry, readZip } from '../../src/formats/zip/index.js';
import { MemorySource, readAll } from '../../src/sources/byte-source.js';
import { scanPaths } from '../../src/scan/engine.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'containers', 'zip-readings');

interface ReadingCase {
  file: string;
  description: string;
  sameForEveryReader: boolean;
  zipfile: { name: string; sha256: string }[];
}

const cases = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as ReadingCase[];
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('ZIP readings against Python zipfile', () => {
  assert.ok(cases.some((c) => c.sameForEveryReader) && cases.some((c) => !c.sameForEveryReader));
  for (const c of cases) {
    describe(`${c.file}: ${c.description}`, () => {
      const path = join(DIR, c.file);
      it('reads the entries zipfile reads, byte for byte', () => {
        const src = new MemorySource({ chain: [c.file] }, new Uint8Array(readFileSync(path)));
        const zip = readZip(src, { maxEntries: 100 });
        const listed = zip.entries.filter((e) => !e.hidden);
        const got = listed.map((e) => ({
          name: e.name,
          sha256: sha256(readAll(openEntry(src, zip, e, { maxOutputBytes: 1 << 20 }).source)),
        }));
        assert.deepEqual(got, c.zipfile);
      });
      it(c.sameForEveryReader ? 'passes, noting what the loaders ignore' : 'is ARCHIVE-TAMPER', async () => {
        const r = await scanPaths([path]);
        const tamper = r.findings.filter((f) => f.ruleId === 'ARCHIVE-TAMPER');
        assert.equal(tamper.length > 0, !c.sameForEveryReader, JSON.stringify(tamper.map((f) => f.evidence.signal)));
        if (c.sameForEveryReader) assert.deepEqual(r.findings, []);
        const notes = r.files[0]?.notes ?? [];
        assert.equal(
          notes.some((n) => n.includes('after the end of central directory')),
          c.sameForEveryReader && c.file.startsWith('trailing'),
          JSON.stringify(notes),
        );
      });
    });
  }
});
