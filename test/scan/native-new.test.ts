// Native classes made without their constructor (scripts/fixtures/native-new.py): a Cython class
// whose library only writes it by calling it (scripts/data/derive-native-new.py: statsmodels' state-space classes,
// scikit-learn's Tree and losses, numpy's bit generators, ...) made by NEWOBJ, NEWOBJ_EX, `cls.__new__` or
// copyreg.__newobj__ keeps NULL C fields; pandas' NumericIndex given such a smoother dereferences them (SIGSEGV under
// pickle.load and pandas.read_pickle in a fresh interpreter, proved when generated). Blocked as PICKLE-STRUCT
// NATIVE_NEW (CWE-908); the libraries' own pickles of those classes pass.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { anomalyOf, assertPasses, fixtureDir, manifestFiles, scanFixture } from '../helpers/proof-fixtures.js';

const DIR = fixtureDir('native-new');

interface Fixture {
  readonly file: string;
  readonly expect: 'pass' | 'block';
  readonly what: string;
  readonly finding: string | null;
  readonly crash: boolean;
  readonly proof: string;
}

const fixtures = manifestFiles<Fixture>(DIR);

describe('native classes made by NEWOBJ that their library only calls', () => {
  it('has crash proofs under pickle.load and pandas.read_pickle, and twins that loaded', () => {
    const crashes = fixtures.filter((f) => f.crash);
    assert.ok(crashes.length >= 3);
    for (const f of crashes) assert.match(f.proof, /^pickle: signal:SIGSEGV; pandas: signal:SIGSEGV$/, f.file);
    const twins = fixtures.filter((f) => f.expect === 'pass');
    assert.ok(twins.length >= 4);
    for (const f of twins) assert.match(f.proof, /^pickle: loaded \w+; pandas: loaded \w+$/, f.file);
  });
  for (const f of fixtures) {
    it(`${f.expect}: ${f.file} (${f.what}; ${f.proof})`, async () => {
      const scan = await scanFixture(join(DIR, f.file));
      if (f.expect === 'pass') {
        assertPasses(scan);
        return;
      }
      const hit = scan.blocking.find((x) => anomalyOf(x) === f.finding);
      assert.ok(hit, `${f.file}: no blocking finding names ${f.finding}:\n${scan.why}`);
      assert.equal((hit.evidence.details as { cwe?: string }).cwe, 'CWE-908');
    });
  }
});
