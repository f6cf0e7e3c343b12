// Every loop of the model-format readers has a budget and every limit is a finding: HDF5 link cycles and deep
// groups (fixtures by h5py, scripts/fixtures/hdf5-bounds.py), oversized HDF5 attributes, safetensors headers nested
// past serde_json's limit or listing more entries than maxEntries, JSON objects of too many keys, template folding.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { scanBytes } from '../../../src/scan/engine.js';
import { templateParses } from '../../../src/analyzers/model/chat-template.js';
import { TEMPLATE_LIMITS } from '../../../src/analyzers/model/template-print.js';

const DIR = join(import.meta.dirname, '../../fixtures/model/hdf5-bounds');
const enc = (s: string) => new TextEncoder().encode(s);
const found = async (name: string, bytes: Uint8Array, limits?: Record<string, number>) =>
  (await scanBytes(name, bytes, limits ? { limits } : {})).findings.map(
    (f) => `${f.ruleId}${f.evidence.details?.['limit'] ? ' ' + String(f.evidence.details['limit']) : ''}`,
  );
function safetensors(header: string): Uint8Array {
  const h = enc(header);
  const b = new Uint8Array(8 + h.length);
  new DataView(b.buffer).setBigUint64(0, BigInt(h.length), true);
  b.set(h, 8);
  return b;
}

describe('model-format bounds', () => {
  it('HDF5 groups hard-linked back to the root are walked once; the external link is still found', async () => {
    const f = await found('m.h5', new Uint8Array(readFileSync(join(DIR, 'self-linked.h5'))));
    assert.deepEqual(f, ['MODEL-EXTERNAL-DATA']);
  });
  it('HDF5 groups nested past the walk depth are a limit finding', async () => {
    const f = await found('m.h5', new Uint8Array(readFileSync(join(DIR, 'deep-100.h5'))));
    assert.ok(
      f.some((x) => x.startsWith('SCAN-INCOMPLETE')),
      JSON.stringify(f),
    );
  });
  it('an HDF5 root attribute too large to keep is a limit finding, never dropped silently', async () => {
    const f = await found('m.h5', gunzipSync(readFileSync(join(DIR, 'big-attribute.h5.gz'))));
    assert.ok(
      f.some((x) => x.startsWith('SCAN-INCOMPLETE')),
      JSON.stringify(f),
    );
  });
  it('a safetensors header nested deeper than serde_json reads is refused as the reference refuses it', async () => {
    const f = await found('m.safetensors', safetensors('{"a":' + '['.repeat(129) + ']'.repeat(129) + '}'));
    assert.deepEqual(f, ['MODEL-STRUCT']);
    assert.deepEqual(await found('m.safetensors', safetensors('{"__metadata__":{"a":"' + '['.repeat(500) + '"}}')), []);
  });
  it('a safetensors header of more entries than maxEntries is not parsed: a limit finding', async () => {
    const entries = Array.from({ length: 11 }, (_, i) => `"t${i}":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}`);
    assert.deepEqual(await found('m.safetensors', safetensors('{' + entries.join(',') + '}'), { maxEntries: 10 }), [
      'SCAN-INCOMPLETE maxEntries',
    ]);
    assert.deepEqual(
      await found('m.safetensors', safetensors('{' + entries.slice(0, 10).join(',') + '}'), { maxEntries: 10 }),
      [],
    );
  });
  it('a JSON object of more keys than maxEntries x 5 is not parsed: a limit finding', async () => {
    const wm = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`w${i}`, 'a.safetensors']));
    assert.deepEqual(await found('i.json', enc(JSON.stringify({ weight_map: wm })), { maxEntries: 10 }), [
      'SCAN-INCOMPLETE maxEntries',
    ]);
  });
  it('a chat template longer than 1 Mi characters is a limit finding, checked token by token, never parsed', async () => {
    const f = await found('t.json', enc(JSON.stringify({ chat_template: 'a'.repeat(17 * 1024 * 1024) })));
    assert.deepEqual(f, ['SCAN-INCOMPLETE templateChars']);
    // Just over the bound: the parser would take ~45 bytes per character; it is not given the text.
    const long = '{{ messages[0].content }}'.repeat(Math.ceil((1024 * 1024) / 25) + 1);
    const before = templateParses.chars;
    assert.deepEqual(await found('t.json', enc(JSON.stringify({ chat_template: long }))), [
      'SCAN-INCOMPLETE templateChars',
    ]);
    assert.equal(templateParses.chars, before);
    // The token-level check still finds what reaches Python internals at the end of a long template.
    const evil = long + "{{ cycler.__init__.__globals__.os.popen('id').read() }}";
    assert.deepEqual((await found('t.json', enc(JSON.stringify({ chat_template: evil })))).sort(), [
      'MODEL-TEMPLATE-INJECTION',
      'SCAN-INCOMPLETE templateChars',
    ]);
    // Within the bound: parsed as before.
    const short = '{{ messages[0].content }}'.repeat(1000);
    assert.deepEqual(await found('t.json', enc(JSON.stringify({ chat_template: short }))), []);
    assert.equal(templateParses.chars, before + short.length);
  });
  it('a template of more syntax nodes than the walk takes is a limit finding, the rest checked token by token', async () => {
    const saved = TEMPLATE_LIMITS.nodes;
    TEMPLATE_LIMITS.nodes = 200;
    try {
      const flat = '{{ messages[0].content }}'.repeat(100);
      const evil = flat + "{{ cycler.__init__.__globals__.os.popen('id').read() }}";
      const f = await found('t.json', enc(JSON.stringify({ chat_template: evil })));
      assert.deepEqual(f.sort(), ['MODEL-TEMPLATE-INJECTION', 'SCAN-INCOMPLETE templateNodes']);
      // Benign twin past the walk: the limit alone. Within it: nothing.
      assert.deepEqual(await found('t.json', enc(JSON.stringify({ chat_template: flat }))), [
        'SCAN-INCOMPLETE templateNodes',
      ]);
      assert.deepEqual(await found('t.json', enc(JSON.stringify({ chat_template: flat.slice(0, 250) }))), []);
    } finally {
      TEMPLATE_LIMITS.nodes = saved;
    }
  });
  it('template folding has a budget per template: past it, a limit finding and a token check', async () => {
    let t = '';
    for (let i = 0; i < 16; i++) t += `{% set x = "v${i}" %}`;
    t += '{% set y = x ~ x ~ x ~ x ~ x ~ x %}'.repeat(6000);
    const f = await found('t.json', enc(JSON.stringify({ chat_template: t })));
    assert.deepEqual(f, ['SCAN-INCOMPLETE templateFoldBudget']);
    const twin = t.slice(0, t.indexOf('{% set y')) + '{% set y = x ~ x ~ x ~ x ~ x ~ x %}'.repeat(10);
    assert.deepEqual(await found('t.json', enc(JSON.stringify({ chat_template: twin }))), []);
  });
});
