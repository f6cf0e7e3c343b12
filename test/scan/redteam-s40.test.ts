// Outside modern-format files, made by scripts/fixtures/redteam-s40.py with gguf-py's
// GGUFWriter and proved with its GGUFReader and jinja2: a GGUF chat template stored as an array of strings. The reader
// returns the elements (transformers 4.x took a one-element array as the template), and the gadget element renders the
// `os` module under a plain jinja2 Environment; Sentinel skipped the array. Each "block" file is blocked by
// MODEL-TEMPLATE-INJECTION naming the element; each benign twin (the same writer, a ChatML template) passes. And HDF5
// datasets stored in other files (External Data Files, a virtual dataset's source): h5py read the kernel of a Keras 2
// .h5 from a marker file at a chosen path; Sentinel looked at external links only. Each is MODEL-EXTERNAL-DATA naming
// the dataset; the twins (weights in the file, a virtual dataset over the file itself) pass.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  assertCounts,
  assertPasses,
  fixtureDir,
  manifestFiles,
  scanFixture,
  type ProvedFixture,
} from '../helpers/proof-fixtures.js';

const DIR = fixtureDir('redteam-s40');

const fixtures = manifestFiles<ProvedFixture>(DIR);

describe('outside modern-format files: GGUF templates stored as arrays, HDF5 datasets stored in other files', () => {
  it('has block files and benign twins', () => assertCounts(fixtures, 4, 4));
  for (const f of fixtures) {
    it(`${f.expect}: ${f.file} (${f.what}; ${f.proof})`, async () => {
      const s = await scanFixture(join(DIR, f.file));
      if (f.expect === 'pass') return assertPasses(s);
      if (f.file.endsWith('.h5')) {
        assert.ok(
          s.blocking.some(
            (x) =>
              x.ruleId === 'MODEL-EXTERNAL-DATA' && x.evidence.signal.includes('/model_weights/dense/dense/kernel:0'),
          ),
          `${f.file} is not blocked by MODEL-EXTERNAL-DATA on its kernel:\n${s.why}`,
        );
        return;
      }
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
