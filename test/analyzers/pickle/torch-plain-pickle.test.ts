// Whole torch modules pickled by pickle.dump and joblib.dump: one torch.storage._load_from_bytes(<bytes literal>) per
// tensor storage (scripts/fixtures/torch-plain-pickle.py makes them with torch 1.13 and proves each loads). Each
// literal is the stream's own bytes, scanned once as a nested artifact; the count of such hand-overs is no limit
// finding for a model of 24 tensors, while a literal whose bytes carry code is still found.
import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/torch-plain-pickle');

describe('whole torch modules pickled by pickle.dump and joblib.dump', () => {
  const files = readdirSync(FIXTURES).sort();
  it('has the protocol 2, protocol 4, large protocol 4 and joblib files', () => assert.equal(files.length, 4));
  for (const name of files)
    it(`${name}: every storage payload scanned, no finding`, async () => {
      const bytes = new Uint8Array(readFileSync(join(FIXTURES, name)));
      const r = await scanBytes(name, bytes);
      assert.deepEqual(
        r.findings.map((f) => `${f.ruleId} ${f.evidence.signal}`),
        [],
      );
    });
  // The 640-tensor file memoizes more objects than the analysis keeps in detail: the storage shape is still proved
  // on the import's own references and literal arguments, and a storage holding code is still found.
  const cases: [string, number, number][] = [
    ['sequential-24-tensors-p4.pkl', 24, 19],
    ['sequential-640-tensors-p4.pkl', 640, 600],
  ];
  for (const [name, storages, replaced] of cases)
    it(`${name}: storage literal ${replaced + 1} holding code is found in the same shape`, async () => {
      // The storage's legacy torch.save replaced, byte for byte in length, by a pickle that calls os.system: the
      // storage literals before it are scanned, and so is this one.
      const bytes = new Uint8Array(readFileSync(join(FIXTURES, name)));
      const magic = Uint8Array.of(0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19);
      const at: number[] = [];
      for (let i = 0; i + magic.length <= bytes.length && at.length < storages; i++)
        if (magic.every((b, j) => bytes[i + j] === b)) at.push(i);
      assert.equal(at.length, storages);
      const evil = new TextEncoder().encode("cos\nsystem\n(S'id'\ntR.");
      const hostile = bytes.slice();
      hostile.set(evil, at[replaced]!);
      const r = await scanBytes('hostile.pkl', hostile);
      assert.ok(
        r.findings.some((f) => f.severity === 'CRITICAL' && /\bsystem\b/.test(f.evidence.signal)),
        JSON.stringify(r.findings.map((f) => `${f.ruleId} ${f.evidence.signal}`)),
      );
    });
});
