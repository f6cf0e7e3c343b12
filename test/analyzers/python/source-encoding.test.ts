// PEP 263 source decoding against CPython's tokenizer: every fixture of test/fixtures/python-encodings (written by
// scripts/fixtures/python-source-encodings.py with /usr/bin/python3) decodes to exactly the text CPython decodes
// (expected.json), and a sink only visible in the declared encoding is found by the scan.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodePythonSource, decodeUtf7 } from '../../../src/analyzers/python/source-encoding.js';
import { scanPaths } from '../../../src/scan/engine.js';

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'python-encodings');
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<
  string,
  { encoding: string; text: string }
>;

describe('Python source encodings (CPython tokenizer as the oracle)', () => {
  for (const [file, want] of Object.entries(expected)) {
    it(`${file}: decoded as CPython decodes it (${want.encoding})`, () => {
      const got = decodePythonSource(readFileSync(join(DIR, file)));
      assert.ok(got.ok, JSON.stringify(got));
      assert.equal(got.text, want.text);
    });
  }

  it('a sink spelled in UTF-7 is found (read as UTF-8 it would be invisible)', async () => {
    const r = await scanPaths([join(DIR, 'utf7_hidden.py')], { only: ['DESER'] });
    assert.deepEqual(
      r.findings.filter((f) => f.category === 'DESER').map((f) => `${f.ruleId}:${f.location.line}`),
      ['DESER-NETWORK-INPUT:10'],
    );
  });

  it('an encoding this reader cannot decode is SCAN-INCOMPLETE, not read as UTF-8', () => {
    const got = decodePythonSource(new TextEncoder().encode('# coding: cp037\nimport pickle\n'));
    assert.equal(got.ok, false);
  });

  it('a UTF-8 BOM wins over no cookie; a BOM with another cookie is refused as CPython refuses it', () => {
    const bom = Uint8Array.from([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('x = 1\n')]);
    assert.deepEqual(decodePythonSource(bom), { ok: true, text: 'x = 1\n', encoding: 'utf-8' });
    const clash = Uint8Array.from([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('# coding: latin-1\n')]);
    assert.equal(decodePythonSource(clash).ok, false);
  });

  it('UTF-7: +- is a plus, a run ends at a non-base64 byte', () => {
    const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
    assert.equal(decodeUtf7(enc('1 +- 2')), '1 + 2');
    assert.equal(decodeUtf7(enc('+AHA-ickle')), 'pickle');
    assert.equal(decodeUtf7(enc('+AGEAYgBj.')), 'abc.');
  });
});
