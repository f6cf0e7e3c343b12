// A second reading makes a polyglot only when it exists: a PROTO-headed stream CPython refuses before STOP, having
// done nothing, is no pickle reading of a file another format reads. Real safetensors writer output whose header
// length starts with 0x80 (scripts/fixtures/safetensors-pickle-head.py; CPython's pickle.loads refuses each one,
// recorded in cases.json) passes; the same bytes with no other reading, and pickles that import before failing,
// are still read as pickles.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../src/scan/engine.js';
import { buildZip } from '../formats/zip/zip-builder.js';

const DIR = join(import.meta.dirname, '../fixtures/safetensors-pickle-head');
const manifest = JSON.parse(readFileSync(join(DIR, 'cases.json'), 'utf8')) as {
  cases: { file: string; headerLength: number; pickle: string }[];
};
const bytes = (name: string) => new Uint8Array(readFileSync(join(DIR, name)));
/** Rule id, and the anomaly code for ARCHIVE-TAMPER (`ARCHIVE-TAMPER POLYGLOT`). */
const ids = async (name: string, b: Uint8Array) =>
  (await scanBytes(name, b)).findings.map((f) =>
    f.ruleId === 'ARCHIVE-TAMPER'
      ? `${f.ruleId} ${/\b(POLYGLOT|PREPENDED_DATA)\b/.exec(f.evidence.signal)?.[1]}`
      : f.ruleId,
  );
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
};
const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('safetensors whose header length starts with PROTO', () => {
  it('covers each protocol byte 0-6 after PROTO', () => {
    assert.deepEqual(
      manifest.cases.map((c) => c.headerLength >> 8),
      [0, 1, 2, 3, 4, 5, 6],
    );
    for (const c of manifest.cases) assert.match(c.pickle, /^refused/, c.file);
  });
  for (const c of manifest.cases) {
    it(`${c.file} passes (CPython: ${c.pickle})`, async () => {
      const b = bytes(c.file);
      assert.equal(b[0], 0x80);
      assert.deepEqual(await ids(c.file, b), []);
    });
  }
});

describe('pickle readings that still count', () => {
  const first = manifest.cases[1]!.file;
  it('the same bytes cut so safetensors refuses them: read as a broken pickle', async () => {
    const cut = bytes(first).slice(0, 40);
    const found = await ids('x.bin', cut);
    assert.ok(found.includes('PICKLE-STRUCT'), found.join(', '));
  });
  it('PROTO then a refused byte, nothing else: a broken pickle', async () => {
    const found = await ids('x.pkl', Uint8Array.from([0x80, 0x02, 0x00, 0x2e]));
    assert.ok(found.includes('PICKLE-STRUCT'), found.join(', '));
  });
  it('a pickle that imports before it fails, in front of a zip: a polyglot and its import', async () => {
    const zip = buildZip([{ name: 'a.txt', data: latin1('hello') }]);
    const b = concat(latin1('\x80\x02cposix\nsystem\n\x00'), zip);
    const found = await ids('x.bin', b);
    assert.ok(found.includes('ARCHIVE-TAMPER POLYGLOT'), found.join(', '));
    assert.ok(
      found.some((f) => f.startsWith('PICKLE-')),
      found.join(', '),
    );
  });
  it('a clean pickle in front of a zip: still a polyglot', async () => {
    const zip = buildZip([{ name: 'a.txt', data: latin1('hello') }]);
    const found = await ids('x.bin', concat(latin1('\x80\x02N.'), zip));
    assert.ok(found.includes('ARCHIVE-TAMPER POLYGLOT'), found.join(', '));
  });
  it('PROTO then a refused byte in front of a zip: no pickle reading, no polyglot (the prefix is reported)', async () => {
    const zip = buildZip([{ name: 'a.txt', data: latin1('hello') }]);
    assert.deepEqual(await ids('x.bin', concat(latin1('\x80\x02\x00'), zip)), ['ARCHIVE-TAMPER PREPENDED_DATA']);
  });
});
