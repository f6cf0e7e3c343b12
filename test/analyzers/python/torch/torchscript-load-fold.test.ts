// Constant folding while a TorchScript archive compiles: torch.jit.load compiles every method, and an operator on
// constants runs then, in a `forward` nothing calls as much as in `__setstate__`. Archives made and proved by
// scripts/fixtures/torchscript-load-fold.py (Debian's torch 1.13: each hostile one killed by SIGFPE or at its CPU
// limit under torch.jit.load and torch.load(weights_only=True)); their twins fold only small constants.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../../src/scan/engine.js';

const DIR = new URL('../../../fixtures/torchscript-load-fold/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', DIR), 'utf8')) as {
  files: { file: string; expect: 'pass' | 'block'; what: string; load?: Record<string, string> }[];
};
const BLOCKING = new Set(['CRITICAL', 'HIGH']);

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
    it(`${f.expect}: ${f.file} (${f.what})`, async () => {
      const r = await scanBytes(f.file, readFileSync(new URL(f.file, DIR)));
      const found = r.findings.filter((x) => BLOCKING.has(x.severity));
      if (f.expect === 'pass') {
        assert.deepEqual(
          found.map((x) => x.evidence.signal),
          [],
        );
        return;
      }
      assert.ok(
        found.some(
          (x) =>
            x.ruleId === 'TORCH-SCRIPT-CUSTOM-OP' &&
            /^fold-/.test(String(x.evidence.details?.['kind'])) &&
            /compiles every method/.test(x.evidence.signal),
        ),
        found.map((x) => `${x.ruleId}: ${x.evidence.signal}`).join('\n'),
      );
    });
});
