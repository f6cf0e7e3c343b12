// Re-proves the outside modern-format fixtures (test/fixtures/redteam-s40/, made by scripts/fixtures/redteam-s40.py): gguf-py's
// GGUFReader reads each file back and jinja2 renders each chat template it returns; the proof lines must be the ones
// the manifest recorded (a gadget element reaches the os module, a twin renders text); h5py reads each .h5 kernel
// (from a marker file, a virtual source, or the file itself). gguf-py is not packaged for
// Debian 12: the test runs with the Python named by SENTINEL_GGUF_PYTHON, or /usr/bin/python3 when it has gguf, and is
// skipped otherwise with the command that brings it. test/scan/redteam-s40.test.ts asserts Sentinel blocks the same files.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fixtureDir, manifestFiles } from '../helpers/proof-fixtures.js';

const DIR = fixtureDir('redteam-s40');
const GENERATOR = new URL('../../scripts/fixtures/redteam-s40.py', import.meta.url).pathname;
const PYTHON = process.env['SENTINEL_GGUF_PYTHON'] ?? '/usr/bin/python3';

interface Fixture {
  readonly file: string;
  readonly proof: string;
}

const fixtures = manifestFiles<Fixture>(DIR);
const has = (modules: string): boolean =>
  existsSync(PYTHON) && spawnSync(PYTHON, ['-c', `import ${modules}`]).status === 0;
// The GGUF proofs need gguf-py and jinja2; the HDF5 proofs only h5py (Debian's python3-h5py).
const skipGguf = has('numpy, gguf, jinja2')
  ? false
  : `${PYTHON} lacks gguf or jinja2: python3 -m venv --system-site-packages /tmp/gguf-venv && ` +
    '/tmp/gguf-venv/bin/pip install gguf==0.19.0, then SENTINEL_GGUF_PYTHON=/tmp/gguf-venv/bin/python';
const skipH5 = has('numpy, h5py') ? false : `${PYTHON} lacks h5py: apt-get install -y python3-h5py`;

describe('outside modern-format files: gguf-py still reads the array templates, h5py the other files', () => {
  for (const f of fixtures) {
    it(f.file, { skip: f.file.endsWith('.h5') ? skipH5 : skipGguf }, () => {
      const r = spawnSync(PYTHON, [GENERATOR, '--prove', join(DIR, f.file)], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const seen = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as string[];
      assert.equal(`${f.file.endsWith('.h5') ? 'h5py' : 'GGUFReader'}: ${seen.join('; ')}`, f.proof);
    });
  }
});
