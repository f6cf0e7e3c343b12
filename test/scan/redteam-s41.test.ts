// Outside files against the pickle VM's beliefs, made by scripts/fixtures/redteam-s41.py and proved with the real loader
// (test/differential/redteam-s41-proof.test.ts re-proves them). B: joblib array wrappers whose array size the VM
// computed differently from numpy and joblib (a dtype state's elsize on an f8, the 5-item dtype state, a second BUILD
// on one wrapper, an object dtype whose flags were cleared): joblib ran opcodes the VM had taken for array bytes. C:
// numpy.dtype states numpy applies unchecked and then misuses (object pointers read from stream bytes, a field written
// past its item): the load faults. D: arrays of zero-size items claiming 2**62 of them for no byte of the stream, which
// deque/set/frozenset then iterate, arrays a shape argument sizes (ndarray.__new__, _reconstruct, _mareconstruct), and
// pandas RangeIndexes of 2**62 items that deque and set walk (CWE-400). E: gensim models whose __scipys (directly or through __recursive_saveloads) names a file beside the model
// that gensim's SaveLoad.load unpickles: scanned as gensim reads it, or reported when it is not in the scan; and the
// files an LdaModel's own load unpickles beside it (<file>.state), scanned when they are there. Each "block" file is
// blocked for the reason its row names; each benign twin (what numpy and joblib write) passes.
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  anomalyOf,
  assertCounts,
  assertPasses,
  fixtureDir,
  manifestFiles,
  scanFixture,
  type ProvedFixture,
} from '../helpers/proof-fixtures.js';

const DIR = fixtureDir('redteam-s41');
const fixtures = manifestFiles<ProvedFixture>(DIR);

/** What blocks each file now: the payload the VM now reads where joblib does, or the anomaly at the mechanism. */
const BLOCKED_BY: Readonly<Record<string, string>> = {
  'b1-f8-state-elsize.joblib': 'PICKLE-EXEC',
  'b2-v8-five-item-state.joblib': 'PICKLE-EXEC',
  'b3-wrapper-built-twice.joblib': 'JOBLIB_ARRAY',
  'b4-object-dtype-flags-cleared.joblib': 'DTYPE_STATE',
  'c1-object-array-flags-cleared.pkl': 'DTYPE_STATE',
  'c2-struct-field-past-item.pkl': 'DTYPE_STATE',
  'c3-scalar-object-flags-cleared.pkl': 'DTYPE_STATE',
  'd1-deque-zero-size-items.pkl': 'LOAD_COST',
  'd2-set-zero-size-items.pkl': 'LOAD_COST',
  'd3-frozenset-zero-size-items.pkl': 'LOAD_COST',
  'd4-newobj-zero-size-items.pkl': 'LOAD_COST',
  'd5-reconstruct-shape.pkl': 'LOAD_COST',
  'd6-mareconstruct-shape.pkl': 'LOAD_COST',
  'd7-deque-range-index.pkl': 'LOAD_COST',
  'd8-set-range-index.pkl': 'LOAD_COST',
  // The payload in the file gensim unpickles beside the model, scanned as gensim reads it.
  'e1-gensim-scipys.model': 'PICKLE-EXEC',
  'e2-gensim-recursive-scipys.model': 'PICKLE-EXEC',
  'e3-gensim-lda-state.model': 'PICKLE-EXEC',
};

describe('outside files: numpy dtype states and joblib array wrappers', () => {
  it('has block files and benign twins', () => assertCounts(fixtures, 18, 8));
  for (const f of fixtures) {
    it(`${f.expect}: ${f.file} (${f.what}; ${f.proof})`, async () => {
      const s = await scanFixture(join(DIR, f.file), 240);
      if (f.expect === 'pass') {
        assertPasses(s);
        return;
      }
      const want = BLOCKED_BY[f.file];
      assert.ok(want !== undefined, `${f.file} has no expected reason`);
      assert.ok(
        s.blocking.some((x) => x.ruleId === want || anomalyOf(x) === want),
        `${f.file} is not blocked by ${want}:\n${s.why}`,
      );
    });
  }
});

describe('outside files: a gensim companion that is not in the scan', () => {
  for (const f of ['e1-gensim-scipys.model', 'e2-gensim-recursive-scipys.model', 'twin-gensim-separate.model']) {
    it(`${f} scanned without the files beside it is NESTED_PAYLOAD_UNKNOWN`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sentinel-s41-'));
      try {
        copyFileSync(join(DIR, f), join(dir, f));
        const s = await scanFixture(join(dir, f), 240);
        assert.ok(
          s.blocking.some((x) => anomalyOf(x) === 'NESTED_PAYLOAD_UNKNOWN' && /gensim/.test(x.evidence.signal)),
          s.why,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe("outside files: the files gensim's LdaModel.load reads are optional", () => {
  it('twin-gensim-lda.model scanned without the files beside it passes (LdaModel.load skips them)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sentinel-s41-'));
    try {
      copyFileSync(join(DIR, 'twin-gensim-lda.model'), join(dir, 'twin-gensim-lda.model'));
      assertPasses(await scanFixture(join(dir, 'twin-gensim-lda.model'), 240));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('e3-gensim-lda-state.model reads its .state beside it', async () => {
    const s = await scanFixture(join(DIR, 'e3-gensim-lda-state.model'), 240);
    assert.ok(
      s.result.pickles.some((p) => /companion:e3-gensim-lda-state\.model\.state/.test(JSON.stringify(p))),
      s.why,
    );
  });
});
