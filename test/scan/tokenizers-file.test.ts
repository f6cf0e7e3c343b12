// tokenizer.json is the tokenizers format (src/formats/json/tokenizers-file.ts): transformers hands it to the
// tokenizers library, which renders and imports nothing from it, so a chat template or an auto_map written there is
// not what a loader runs and is not reported; the same object under the names transformers does read them from
// (tokenizer_config.json), under another casing or another name is parsed whole and reported. Non-JSON content
// under the name is read by every other reader as before.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { scanBytes } from '../../src/scan/engine.js';
import { evilPickle } from '../helpers/pickle-builder.js';

const GADGET =
  "{% for m in messages %}{{ m.content }}{% endfor %}{{ cycler.__init__.__globals__.os.popen('id').read() }}";

/** A tokenizers-format object with a chat template and an auto_map no loader reads from this file. */
const TOKENIZER = JSON.stringify({
  version: '1.0',
  truncation: null,
  padding: null,
  added_tokens: [],
  model: { type: 'BPE', vocab: Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`t${i}`, i])), merges: [] },
  chat_template: GADGET,
  auto_map: { AutoTokenizer: ['tokenization_x.XTokenizer', null] },
});

const scanned = async (name: string, bytes: Uint8Array) => {
  const r = await scanBytes(name, bytes);
  return { rules: [...new Set(r.findings.map((f) => f.ruleId))].sort(), file: r.files[0]! };
};
const enc = (s: string) => new TextEncoder().encode(s);

describe('tokenizer.json judged as the tokenizers format', () => {
  it('its chat_template and auto_map are not reported; the head is checked and the file listed as tokenizers', async () => {
    const { rules, file } = await scanned('tokenizer.json', enc(TOKENIZER));
    assert.deepEqual(rules, []);
    assert.deepEqual(file.formats, ['json']);
    assert.deepEqual(
      file.models?.map((m) => [m.format, m.details?.['bytesChecked'], m.details?.['parsed']]),
      [['tokenizers', 4096, false]],
    );
  });

  for (const name of ['tokenizer_config.json', 'Tokenizer.json', 'tokenizer.json.bak', 'my_tokenizer.json'])
    it(`the same object named ${name} is parsed whole: its template and auto_map are reported`, async () => {
      const { rules } = await scanned(name, enc(TOKENIZER));
      assert.ok(rules.includes('MODEL-TEMPLATE-INJECTION'), rules.join());
      assert.ok(rules.includes('MODEL-REMOTE-CODE'), rules.join());
    });

  it('a pickle named tokenizer.json is still read as a pickle', async () => {
    const { rules } = await scanned('tokenizer.json', evilPickle());
    assert.ok(rules.includes('PICKLE-EXEC'), rules.join());
  });

  it('a tokenizers file of any size is not SCAN-INCOMPLETE (its size is no limit of what is read)', async () => {
    // 70 MB: past the 64 MB a JSON object is parsed up to.
    const big = new Uint8Array(70 * 1024 * 1024).fill(0x20);
    big.set(enc('{"version": "1.0", "model": {"vocab": {'), 0);
    big.set(enc('}}}'), big.length - 3);
    assert.deepEqual((await scanned('tokenizer.json', big)).rules, []);
    assert.deepEqual((await scanned('vocab.json', big)).rules, ['SCAN-INCOMPLETE']);
  });
});
