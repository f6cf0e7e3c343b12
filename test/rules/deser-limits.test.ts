// DESER's cross-module limits end in a finding, never in silence: a chain of calls across more files than the
// demand rounds allow, and a handler fanning out to more modules than may be loaded on demand, are SCAN-INCOMPLETE
// (with the limit named); the same shapes within the limits are found (or clean) without it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { scanPaths } from '../../src/scan/engine.js';
import { DEMAND_LIMITS } from '../../src/scan/deser-phase.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A handler in `hop<n>.py` passing the request body down a chain of n modules to pickle.loads in hop0.py. */
function chain(n: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'deser-chain-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'hop0.py'), 'import pickle\n\n\ndef f0(data):\n    return pickle.loads(data)\n');
  for (let i = 1; i < n; i++)
    writeFileSync(
      join(dir, `hop${i}.py`),
      `from hop${i - 1} import f${i - 1}\n\n\ndef f${i}(data):\n    return f${i - 1}(data)\n`,
    );
  writeFileSync(
    join(dir, `hop${n}.py`),
    [
      'from flask import Flask, request',
      `from hop${n - 1} import f${n - 1}`,
      '',
      'app = Flask(__name__)',
      '',
      '',
      '@app.post("/x")',
      'def x():',
      `    return f${n - 1}(request.data)`,
      '',
    ].join('\n'),
  );
  return dir;
}

/** A codec module called by `width` handler modules (each needs loading on demand). */
function fanOut(width: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'deser-fan-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'codec.py'), 'import pickle\n\n\ndef decode(data):\n    return pickle.loads(data)\n');
  mkdirSync(join(dir, 'handlers'));
  for (let i = 0; i < width; i++)
    writeFileSync(
      join(dir, 'handlers', `h${i}.py`),
      `import socket\nfrom codec import decode\n\n\ndef serve${i}(conn):\n    return decode(conn.recv(64))\n`,
    );
  return dir;
}

async function ruleIds(dir: string): Promise<string[]> {
  const r = await scanPaths([dir], { only: ['DESER'] });
  return r.findings
    .filter((f) => f.category === 'DESER' || f.ruleId === 'SCAN-INCOMPLETE')
    .map((f) => `${f.ruleId}${f.evidence.details?.limit !== undefined ? `:${String(f.evidence.details.limit)}` : ''}`)
    .sort();
}

describe('DESER cross-module limits', () => {
  it('a chain within the rounds is found, without SCAN-INCOMPLETE', async () => {
    assert.deepEqual(await ruleIds(chain(4)), ['DESER-NETWORK-INPUT']);
  });

  it('a chain longer than the rounds is SCAN-INCOMPLETE (maxDeserModuleDepth), not silence', async () => {
    const ids = await ruleIds(chain(DEMAND_LIMITS.rounds + 3));
    assert.ok(ids.includes('SCAN-INCOMPLETE:maxDeserModuleDepth'), ids.join(', '));
  });

  it('a fan-out beyond the module budget is SCAN-INCOMPLETE (maxDeserModules)', async () => {
    const saved = DEMAND_LIMITS.modules;
    DEMAND_LIMITS.modules = 5;
    try {
      const ids = await ruleIds(fanOut(12));
      assert.ok(ids.includes('SCAN-INCOMPLETE:maxDeserModules'), ids.join(', '));
    } finally {
      DEMAND_LIMITS.modules = saved;
    }
  });

  it('the same fan-out within the budget is found without SCAN-INCOMPLETE', async () => {
    const ids = await ruleIds(fanOut(3));
    assert.ok(!ids.some((x) => x.startsWith('SCAN-INCOMPLETE')), ids.join(', '));
    assert.ok(ids.includes('DESER-NETWORK-INPUT'), ids.join(', '));
  });
});
