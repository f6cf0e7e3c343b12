// The oracle fuzzer's reviewed-native-parse fixtures (scripts/fixtures/oracle-s40.py), read from their manifest: xgboost's own Booster
// pickle, whose native model parse (Booster.__setstate__) the oracle allows, passes; Booster() called by the stream
// reaches the same native function through __init__ and is blocked naming the class; Fraction/Decimal texts too long to
// keep whose exponent makes the real loader run out of CPU are blocked naming the power; a long Fraction as fractions
// pickles it passes. Each proof line is the real loader's (an audit hook naming the frame, or a CPU limit).
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

const DIR = fixtureDir('oracle-s40');

const fixtures = manifestFiles<ProvedFixture & { readonly finding: string | null }>(DIR);

describe('oracle s40: reviewed native parse, planted Booster call, long number texts', () => {
  it('has block files and benign twins', () => assertCounts(fixtures, 3, 2));
  for (const f of fixtures) {
    it(`${f.expect}: ${f.file} (${f.what}; ${f.proof})`, async () => {
      const s = await scanFixture(join(DIR, f.file));
      if (f.expect === 'pass') return assertPasses(s);
      assert.ok(
        s.blocking.some((x) => `${x.ruleId} ${x.evidence.signal}`.includes(f.finding!)),
        `${f.file} is not blocked by a finding naming ${f.finding}:\n${s.why}`,
      );
    });
  }
});
