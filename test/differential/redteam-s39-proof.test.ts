// Re-proves the outside-pickle fixtures (test/fixtures/redteam-s39/, made by scripts/fixtures/redteam-s39.py) with the
// real loader under /usr/bin/python3: each memory file fails with MemoryError under a 2 GiB address-space limit, each
// CPU file is still running when a 3 s CPU-time limit kills it, and each benign twin loads. Skipped, with the reason,
// where /usr/bin/python3 (or torch, for the checkpoint) is missing. test/scan/redteam-s39.test.ts asserts Sentinel
// blocks the same files.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const DIR = new URL('../fixtures/redteam-s39/', import.meta.url).pathname;
const PYTHON = '/usr/bin/python3';

interface Fixture {
  readonly file: string;
  readonly loader: 'pickle' | 'torch';
  readonly expect: 'pass' | 'block';
  readonly proof: string;
}

const fixtures = (JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as { files: Fixture[] }).files;

const PROVER = String.raw`
import resource, sys
path, loader, mode = sys.argv[1], sys.argv[2], sys.argv[3]
import pickle, fractions, decimal, collections
if loader == 'torch':
    import torch
if mode == 'memory':
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
resource.setrlimit(resource.RLIMIT_CPU, (3 if mode == 'cpu' else 60, 61))
try:
    if loader == 'torch':
        torch.load(path, weights_only=False)
    else:
        with open(path, 'rb') as f:
            pickle.load(f)
    print('loaded')
except MemoryError:
    print('MemoryError')
except Exception as e:
    print('raised', type(e).__name__)
`;

const has = (mods: string): boolean => existsSync(PYTHON) && spawnSync(PYTHON, ['-c', `import ${mods}`]).status === 0;

describe('outside pickles: the real loader still does the work', () => {
  for (const f of fixtures) {
    const mode = f.expect === 'pass' ? 'load' : f.proof.includes('MemoryError') ? 'memory' : 'cpu';
    const skip = has(f.loader === 'torch' ? 'torch' : 'pickle') ? false : `needs ${PYTHON} with ${f.loader}`;
    it(`${f.file}: ${mode}`, { skip }, () => {
      const r = spawnSync(PYTHON, ['-c', PROVER, join(DIR, f.file), f.loader, mode], { encoding: 'utf8' });
      const out = (r.stdout ?? '').trim();
      if (mode === 'load') assert.equal(out, 'loaded', r.stderr);
      else if (mode === 'memory') assert.equal(out, 'MemoryError', r.stderr);
      else
        assert.ok(r.signal === 'SIGXCPU' || r.signal === 'SIGKILL', `not killed at the CPU limit: ${out} ${r.stderr}`);
    });
  }
});
