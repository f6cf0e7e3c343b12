// Tensors pickled with pickle.dump (not torch.save): torch reduces each storage to
// torch.storage._load_from_bytes(<legacy torch.save of the storage>), an unrestricted torch.load of those bytes
// (vetted-uses.ts LOAD_FROM_BYTES). Admitted only over a stream literal that starts with the legacy magic pickle, which
// the scan reads as a nested artifact: its findings are the file's. Fixtures: scripts/fixtures/torch-storage-bytes.py
// (torch 1.13; each loaded once by pickle.loads: the benign ones rebuild equal tensors, the call twin runs its code).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';

const DIR = new URL('../../fixtures/torch-storage-bytes/', import.meta.url).pathname;
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as {
  files: { file: string; expect: 'pass' | 'block'; what: string; loader: string }[];
};

async function blocking(name: string, bytes: Uint8Array): Promise<string[]> {
  const r = await scanBytes(name, bytes);
  return r.findings.filter((f) => BLOCKING.has(f.severity)).map((f) => f.evidence.signal);
}

describe('torch storages pickled with pickle.dump (_load_from_bytes)', () => {
  for (const f of manifest.files) {
    it(`${f.expect === 'pass' ? 'passes' : 'blocks'} ${f.file}: ${f.what} (${f.loader})`, async () => {
      const bytes = readFileSync(join(DIR, f.file));
      const got = await blocking(f.file, bytes);
      if (f.expect === 'pass') {
        assert.deepEqual(got, []);
        const r = await scanBytes(f.file, bytes);
        const a = r.pickles.flatMap((p) => p.admitted ?? []).find((x) => x.name === 'torch.storage._load_from_bytes');
        assert.equal(a?.pack, 'torch');
      } else assert.ok(got.length > 0, 'expected a block');
    });
  }

  it('the call-carrying twin is blocked for the call its nested bytes hold', async () => {
    const got = await blocking('x.pkl', readFileSync(join(DIR, 'nested-call-p4.pkl')));
    assert.ok(
      got.some((s) => s.includes('builtins.eval')),
      got.join('; '),
    );
  });

  it('blocks _load_from_bytes referenced without being called, or called with no bytes', async () => {
    const stored = new P().proto(4).stackGlobal('torch.storage', '_load_from_bytes').stop().bytes();
    assert.ok((await blocking('s.pkl', stored)).some((s) => s.includes('_load_from_bytes')));
    const str = new P().proto(4).stackGlobal('torch.storage', '_load_from_bytes').sbu('x').tuple1().reduce();
    assert.ok((await blocking('s.pkl', str.stop().bytes())).some((s) => s.includes('_load_from_bytes')));
  });
});
