// Re-proves the outside-file fixtures (test/fixtures/redteam-s41/, made by scripts/fixtures/redteam-s41.py): the
// generator's `--prove FILE` loads each file once with its real loader (joblib.load or pickle.load; the CPU files under a 3 s CPU limit) in a throwaway
// process whose audit hook vetoes os.system, and the line it prints must be the one the manifest recorded (the hidden
// posix.system call reached, a fault, or a clean load for a twin). Skipped, with the reason, where /usr/bin/python3
// lacks numpy, joblib or gensim. test/scan/redteam-s41.test.ts asserts Sentinel blocks the same files.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fixtureDir, manifestFiles, type ProvedFixture } from '../helpers/proof-fixtures.js';

const DIR = fixtureDir('redteam-s41');
const GENERATOR = new URL('../../scripts/fixtures/redteam-s41.py', import.meta.url).pathname;
const PYTHON = '/usr/bin/python3';
const fixtures = manifestFiles<ProvedFixture>(DIR);
const skip =
  existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import numpy, joblib, gensim']).status === 0
    ? false
    : `${PYTHON} lacks numpy, joblib or gensim: apt-get install -y python3-numpy python3-joblib python3-gensim`;

describe('outside files: the real loaders still run or fault on the block files and load the twins', () => {
  for (const f of fixtures) {
    it(f.file, { skip }, () => {
      const r = spawnSync(PYTHON, [GENERATOR, '--prove', join(DIR, f.file)], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim().split('\n').at(-1), f.proof);
    });
  }
});
