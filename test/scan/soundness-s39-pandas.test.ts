// pandas' block-manager state hook through the tuple state pandas 0.14.1 - 1.x wrote (scripts/fixtures/soundness-s39-pandas.py):
// BlockManager/SingleBlockManager.__setstate__ reassigns `state = state[3]['0.14.1']` and calls to_numpy() of the block
// values it finds there, so a planted to_numpy (xgboost's Booster, admitted only when not called) runs. The derived
// sinks name those values `state.blocks`; the analysis now resolves a `state.<key>` label in every dict reachable in the
// state whatever its shape, checks the methods on every value reachable from what the label names, and fails closed
// where it did not keep the items. Each "block" file ran its payload under the real loader the manifest names (the
// proof is run again here when /usr/bin/python3 has pandas and xgboost); each benign twin pandas writes passes.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { classHookSinksAll } from '../../src/analyzers/pickle/callable-effects.js';
import { assertPasses, fixtureDir, manifestFiles, scanFixture } from '../helpers/proof-fixtures.js';

const DIR = fixtureDir('soundness-s39-pandas');
const GENERATOR = new URL('../../scripts/fixtures/soundness-s39-pandas.py', import.meta.url).pathname;
const PYTHON = '/usr/bin/python3';

interface Fixture {
  readonly file: string;
  readonly loader: 'pickle' | 'pandas';
  readonly expect: 'pass' | 'block' | 'old-name';
  readonly what: string;
  readonly proof: string;
  readonly seen: string;
}

const fixtures = manifestFiles<Fixture>(DIR);

/** Why the real-loader proof cannot run here, or undefined when it can. */
function proofSkip(): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} is absent: the real-loader proof is not re-run`;
  try {
    execFileSync(PYTHON, ['-c', 'import pandas, xgboost'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return `${PYTHON} lacks pandas or xgboost (apt-get install python3-pandas python3-xgboost): proof not re-run`;
  }
}
const skip = proofSkip();

/** What the fix reports: the Booster judged as called, or the hook's calls on items the analysis did not keep. */
const NAMED = [
  'xgboost.core.Booster: the xgboost pack admits it only rebuilt through __new__',
  'part of which the analysis did not keep',
];
/** The managers at the location pandas 0.13 - 1.x wrote them, which the pandas pack alone refuses. */
const OLD_NAME = /imports pandas\.core\.internals\.(Single)?BlockManager: not admitted by the pandas pack/;

describe('pandas block-manager tuple state', () => {
  for (const f of fixtures) {
    it(`${f.expect}: ${f.file} (${f.what}; ${f.seen})`, async () => {
      const s = await scanFixture(join(DIR, f.file));
      const { blocking, why } = s;
      // 'old-name': a benign file naming the managers at their old location, which the pandas history pack admits
      // as well: it passes.
      if (f.expect === 'pass' || f.expect === 'old-name') {
        assertPasses(s);
        return;
      }
      assert.ok(blocking.length > 0, `${f.file} passes:\n${why}`);
      assert.ok(
        blocking.some((x) => NAMED.some((n) => x.evidence.signal.includes(n)) || OLD_NAME.test(x.evidence.signal)),
        `${f.file}: no blocking finding names the planted call:\n${why}`,
      );
    });
  }

  describe('the real loader, again', () => {
    // Every file's proof in one run of the generator (--prove-each: one child per file, forked after one import of
    // pandas and xgboost), on first use; line i is fixture i's.
    let proofs: string[] | undefined;
    const proofOf = (i: number): string[] => {
      proofs ??= execFileSync(
        PYTHON,
        [GENERATOR, '--prove-each', ...fixtures.map((f) => `${f.loader}:${join(DIR, f.file)}`)],
        { encoding: 'utf8', timeout: 300_000 },
      )
        .trimEnd()
        .split('\n');
      assert.equal(proofs.length, fixtures.length, proofs.join('\n'));
      return proofs[i]!.split('|');
    };
    for (const [i, f] of fixtures.entries()) {
      it(`${f.file} under ${f.loader}: ${f.expect === 'block' ? f.proof : 'loads, no audit event'}`, { skip }, () => {
        const seen = proofOf(i);
        if (f.expect === 'block') assert.ok(seen.includes(f.proof), `${f.file}: the loader saw ${seen.join(' ')}`);
        else {
          assert.ok(seen.includes('loaded'), `${f.file}: the loader saw ${seen.join(' ')}`);
          for (const e of ['native', 'runs', 'spawns', 'opens', 'faults']) assert.ok(!seen.includes(e), seen.join(' '));
        }
      });
    }
  });
});

describe('derived sinks of the block managers (class_effects.py follows the closure the hook calls)', () => {
  for (const cls of [
    'pandas.core.internals.managers.BlockManager',
    'pandas.core.internals.managers.SingleBlockManager',
  ]) {
    it(`${cls}.__setstate__ calls to_numpy() of the values its state.blocks names`, () => {
      const recs = classHookSinksAll(cls, 'setstate');
      assert.ok(recs.length > 0, `no setstate record for ${cls}`);
      for (const { rec, ref } of recs) assert.ok(rec.sinks['state.blocks']?.methods?.includes('to_numpy'), ref);
    });
  }
});
