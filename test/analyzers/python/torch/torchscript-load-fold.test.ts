// Constant folding while a TorchScript archive compiles: torch.jit.load compiles every method, and an operator on
// constants runs then, in a `forward` nothing calls as much as in `__setstate__`. Archives made and proved by
// scripts/fixtures/torchscript-load-fold.py (Debian's torch 1.13: each hostile one killed by SIGFPE or at its CPU
// limit under torch.jit.load and torch.load(weights_only=True)); their twins fold only small constants.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { assertProvedArchive, provedArchives } from './signal-helpers.js';

const DIR = new URL('../../../fixtures/torchscript-load-fold/', import.meta.url);
const manifest = { files: provedArchives(DIR) };

describe('TorchScript constant folding at load, in every method', () => {
  it('the manifest proves each hostile archive with both loaders', () => {
    const hostile = manifest.files.filter((f) => f.expect === 'block');
    assert.ok(hostile.length >= 3);
    for (const f of hostile)
      for (const loader of ['jit', 'weights_only'])
        assert.match(f.load?.[loader] ?? '', /killed by signal (8|9)/, `${f.file} ${loader}`);
    for (const f of manifest.files.filter((x) => x.expect === 'pass'))
      assert.deepEqual(f.load, { jit: 'loaded', weights_only: 'loaded' }, f.file);
  });
  for (const f of manifest.files)
    it(`${f.expect}: ${f.file} (${f.what})`, () => assertProvedArchive(DIR, f, /^fold-/, /compiles every method/));
});
