// A whole nn.Module saved by torch.save in the legacy (non-zip) format: every container class reaches the pickle as a
// persistent id ('module', cls, source file, source), and torch's legacy persistent_load returns cls itself, which
// NEWOBJ then builds. Read that way, the modules' state is checked as their own classes' (a Sequential holding Linear
// layers is not a class the analysis cannot name, whose state every admitted __setstate__ might read). The files are
// real torch 1.13 output (scripts/fixtures/torch-legacy-module.py); each passes the pickle checks and is blocked only
// by the weights-only policy, like the same module saved in the zip format. Hostile twins name another callable in
// the persistent id's class slot: torch returns it as it is and the stream calls it (proved by torch.load).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../src/scan/engine.js';

const DIR = 'test/fixtures/torch-legacy-module';
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

interface Row {
  readonly file: string;
  readonly expect: 'benign' | 'own-class' | 'malicious';
  readonly what: string;
}

const rows = (JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as { files: Row[] }).files;

describe('legacy torch.save of a whole module', () => {
  it('holds benign files and hostile twins', () => {
    assert.ok(rows.filter((r) => r.expect === 'benign').length >= 3);
    assert.ok(rows.filter((r) => r.expect === 'malicious').length >= 2);
  });
  for (const row of rows) {
    it(`${row.file}: ${row.what}`, async () => {
      const r = await scanBytes(row.file, readFileSync(join(DIR, row.file)));
      const blocking = r.findings
        .filter((f) => BLOCKING.has(f.severity))
        .map((f) => `${f.ruleId} ${f.evidence.signal}`);
      if (row.expect === 'benign') {
        // The weights-only policy (whole modules need their classes) is the only block.
        assert.deepEqual(
          blocking.filter((b) => !b.startsWith('TORCH-LOAD-UNTRUSTED')),
          [],
          'only the weights-only policy blocks a whole module',
        );
      } else if (row.expect === 'own-class') {
        // The script's own class is not in the allowlist (and torch writes no source for it): that and the policy.
        assert.deepEqual(
          blocking.filter((b) => !b.startsWith('TORCH-LOAD-UNTRUSTED')).map((b) => b.split(':')[0]),
          ['PICKLE-GLOBAL-IMPORT GLOBAL imports __main__.Net'],
        );
      } else {
        assert.ok(
          blocking.some((b) => b.startsWith('PICKLE-EXEC') && b.includes('os.system')),
          `blocked as code execution: ${blocking.join('\n')}`,
        );
      }
    });
  }
});
