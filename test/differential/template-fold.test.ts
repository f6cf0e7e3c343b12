// The chat-template constant folder against CPython's jinja2, live: fresh random expressions (a new seed each run,
// printed) rendered by /usr/bin/python3 with jinja2; every expression the folder folds to one string must render
// to exactly that string. Skips when /usr/bin/python3 or its jinja2 is missing.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkFolds, type OracleCase } from '../helpers/template-fold-check.js';

const PY = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, '../../scripts/fixtures/template-fold-oracle.py');
const hasJinja = existsSync(PY) && spawnSync(PY, ['-c', 'import jinja2'], { encoding: 'utf8' }).status === 0;

describe('template folding against live CPython jinja2', () => {
  it(
    'every exact fold of 5,000 fresh random expressions equals what jinja2 renders',
    { skip: hasJinja ? false : `${PY} with jinja2 is not installed (apt-get install python3-jinja2)` },
    () => {
      const seed = 1 + Math.floor(Math.random() * 1_000_000);
      const r = spawnSync(PY, [SCRIPT, String(seed), '5000'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      assert.equal(r.status, 0, r.stderr);
      const { cases } = JSON.parse(r.stdout) as { cases: OracleCase[] };
      const out = checkFolds(cases);
      assert.deepEqual(out.wrong, [], `seed ${seed}`);
      assert.ok(out.folded > 0, `seed ${seed}: nothing folded`);
    },
  );
});
