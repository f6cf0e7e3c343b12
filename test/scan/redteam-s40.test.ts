// An outside red team's modern-format files (stop 40), made by scripts/fixtures/redteam-s40.py with gguf-py's
// GGUFWriter and proved with its GGUFReader and jinja2: a GGUF chat template stored as an array of strings. The reader
// returns the elements (transformers 4.x took a one-element array as the template), and the gadget element renders the
// `os` module under a plain jinja2 Environment; Sentinel skipped the array. Each "block" file is blocked by
// MODEL-TEMPLATE-INJECTION naming the element; each benign twin (the same writer, a ChatML template) passes.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertPasses, fixtureDir, manifestFiles, scanFixture } from '../helpers/proof-fixtures.js';

const DIR = fixtureDir('redteam-s40');

interface Fixture {
  readonly file: string;
  readonly expect: 'pass' | 'block';
  readonly what: string;
  readonly proof: string;
}

const fixtures = manifestFiles<Fixture>(DIR);

describe('red team s40: GGUF chat templates stored as arrays of strings', () => {
  it('has block files and benign twins', () => {
    assert.ok(fixtures.filter((f) => f.expect === 'block').length >= 2);
    assert.ok(fixtures.filter((f) => f.expect === 'pass').length >= 2);
  });
  for (const f of fixtures) {
    it(`${f.expect}: ${f.file} (${f.what}; ${f.proof})`, async () => {
      const s = await scanFixture(join(DIR, f.file));
      if (f.expect === 'pass') return assertPasses(s);
      // The finding names the array element the proof saw reach the os module.
      const element = /(tokenizer\.chat_template[.\w]*\[\d+\]) \(array\) renders the os module/.exec(f.proof)?.[1];
      assert.ok(element, f.proof);
      assert.ok(
        s.blocking.some((x) => x.ruleId === 'MODEL-TEMPLATE-INJECTION' && x.evidence.signal.includes(element)),
        `${f.file} is not blocked by MODEL-TEMPLATE-INJECTION on ${element}:\n${s.why}`,
      );
    });
  }
});
