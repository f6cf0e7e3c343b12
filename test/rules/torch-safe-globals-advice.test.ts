// A torch checkpoint that weights_only=True refuses only because of names the trusted packs admit (numpy floats kept
// beside the state dicts) gets TORCH-LOAD-UNTRUSTED with torch's own remedy spelled out: the names to list under the
// policy's torch_safe_globals when the loader calls add_safe_globals for them. Following that advice passes the file;
// a checkpoint that also pickles a class no pack admits gets no such advice (test/fixtures/torch-numpy-scores/, written
// and proved by scripts/fixtures/torch-numpy-scores.py).
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanPaths } from '../../src/scan/engine.js';
import { fixtureDir } from '../helpers/proof-fixtures.js';

const DIR = fixtureDir('torch-numpy-scores');
const ADVICE =
  /add each to the policy's torch_safe_globals \(name: numpy\.core\.multiarray\.scalar; name: numpy\.dtype;/;

async function torchLoad(file: string, safe?: string[]): Promise<string[]> {
  const r = await scanPaths([join(DIR, file)], {
    ...(safe ? { torchSafeGlobals: new Map(safe.map((s) => [s, 'the loader calls add_safe_globals'])) } : {}),
  });
  return r.findings.filter((f) => f.ruleId === 'TORCH-LOAD-UNTRUSTED').map((f) => f.evidence.signal);
}

describe('TORCH-LOAD-UNTRUSTED advice when only admitted names stand in the way', () => {
  it('numpy floats beside the state dicts: the finding names the torch_safe_globals entries', async () => {
    const found = await torchLoad('scores.pt');
    assert.equal(found.length, 1);
    assert.match(
      found[0]!,
      /globals outside the weights-only allowlist: numpy\.core\.multiarray\.scalar, numpy\.dtype/,
    );
    assert.match(found[0]!, ADVICE);
  });
  it('following the advice passes the file', async () => {
    assert.deepEqual(await torchLoad('scores.pt', ['numpy.core.multiarray.scalar', 'numpy.dtype']), []);
  });
  it('listing only one of the names still blocks, and the advice names the other', async () => {
    const found = await torchLoad('scores.pt', ['numpy.dtype']);
    assert.equal(found.length, 1);
    assert.match(found[0]!, /torch_safe_globals \(name: numpy\.core\.multiarray\.scalar;/);
  });
  it("a project's own class among the names: blocked, with no torch_safe_globals advice", async () => {
    const found = await torchLoad('own-class.pt');
    assert.equal(found.length, 1);
    assert.match(found[0]!, /runconfig\.RunConfig/);
    assert.doesNotMatch(found[0]!, /torch_safe_globals/);
  });
});
