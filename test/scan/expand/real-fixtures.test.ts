// Every committed real-framework fixture through the whole engine, judged by its manifest label:
// benign → nothing that fails the gate; malicious → PICKLE-EXEC; torch "policy" (whole modules, Namespace, RNG
// state) → TORCH-LOAD-UNTRUSTED and nothing worse; EXT codes and out-of-band buffers → PICKLE-STRUCT.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanPaths } from '../../../src/scan/engine.js';

const ROOT = new URL('../../fixtures/real/', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8')) as {
  files: { file: string; expect: string; what: string }[];
};
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

describe('real framework output', () => {
  for (const f of manifest.files) {
    it(`${f.expect}: ${f.file}`, async () => {
      const r = await scanPaths([join(ROOT, f.file)]);
      const rules = r.findings.map((x) => `${x.ruleId} ${x.evidence.signal.slice(0, 100)}`);
      const ids = new Set(r.findings.map((x) => x.ruleId));
      const torch = f.file.startsWith('torch/');
      switch (f.expect) {
        case 'benign':
          assert.deepEqual(
            r.findings.filter((x) => BLOCKING.has(x.severity)).map((x) => x.ruleId),
            [],
            rules.join('\n'),
          );
          break;
        case 'malicious':
          assert.ok(ids.has('PICKLE-EXEC'), rules.join('\n'));
          break;
        case 'malicious-structure':
        case 'incomplete':
          assert.ok(ids.has('PICKLE-STRUCT'), rules.join('\n'));
          break;
        case 'policy':
          if (torch) {
            assert.ok(ids.has('TORCH-LOAD-UNTRUSTED'), rules.join('\n'));
            assert.ok(!ids.has('PICKLE-EXEC'), rules.join('\n'));
          } else assert.ok(!ids.has('PICKLE-EXEC'), rules.join('\n'));
          break;
        default:
          assert.fail(`unknown label ${f.expect}`);
      }
    });
  }
});
