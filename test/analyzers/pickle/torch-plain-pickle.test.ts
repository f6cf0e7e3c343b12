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
  it('has the protocol 2, protocol 4 and joblib files', () => assert.equal(files.length, 3));
  for (const name of files)
    it(`${name}: every storage payload scanned, no finding`, async () => {
      const bytes = new Uint8Array(readFileSync(join(FIXTURES, name)));
      const r = await scanBytes(name, bytes);
      assert.deepEqual(
        r.findings.map((f) => `${f.ruleId} ${f.evidence.signal}`),
        [],
      );
    });
  it('a storage literal past the sixteenth that holds code is found in the same shape', async () => {
    // The protocol 4 file with the 20th storage's legacy torch.save replaced, byte for byte in length, by a pickle
    // that calls os.system: the storage literals before it are scanned, and so is this one.
    const bytes = new Uint8Array(readFileSync(join(FIXTURES, 'sequential-24-tensors-p4.pkl')));
    const magic = Uint8Array.of(0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19);
    const at: number[] = [];
    for (let i = 0; i + magic.length <= bytes.length && at.length < 24; i++)
      if (magic.every((b, j) => bytes[i + j] === b)) at.push(i);
    assert.equal(at.length, 24);
    const evil = new TextEncoder().encode("cos\nsystem\n(S'id'\ntR.");
    const hostile = bytes.slice();
    hostile.set(evil, at[19]!);
    const r = await scanBytes('hostile.pkl', hostile);
    assert.ok(
      r.findings.some((f) => f.severity === 'CRITICAL' && /\bsystem\b/.test(f.evidence.signal)),
      JSON.stringify(r.findings.map((f) => `${f.ruleId} ${f.evidence.signal}`)),
    );
  });
});
