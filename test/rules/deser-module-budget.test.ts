// A module whose DESER analysis runs out of its name-resolution budget is SCAN-INCOMPLETE, named; never dropped.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { scanPaths } from '../../src/scan/engine.js';
import { DESER_MODULE_LIMITS } from '../../src/scan/deser-phase.js';
import { buildZip } from '../formats/zip/zip-builder.js';

const dir = mkdtempSync(join(tmpdir(), 'deser-module-budget-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const rows = Array.from({ length: 200 }, (_, i) => `    'k_${i}': ${i},`);
const file = join(dir, 'app.py');
writeFileSync(
  file,
  [
    'import pickle',
    'from flask import Flask, request',
    'TABLE = {',
    ...rows,
    '}',
    'app = Flask(__name__)',
    "@app.route('/p', methods=['POST'])",
    'def handler():',
    '    return str(pickle.loads(request.data))',
    '',
  ].join('\n'),
);

// The same module inside an archive: analysed in the per-file scan, not in the project phase.
const zipped = join(dir, 'src.zip');
writeFileSync(zipped, buildZip([{ name: 'pkg/app.py', data: new Uint8Array(readFileSync(file)) }]));

async function scanWithin(
  maxResolveSteps: number | undefined,
  path = file,
): Promise<{ id: string; where: string; why: string }[]> {
  const saved = DESER_MODULE_LIMITS.maxResolveSteps;
  DESER_MODULE_LIMITS.maxResolveSteps = maxResolveSteps;
  try {
    const r = await scanPaths([path], { only: ['DESER'] });
    return r.findings
      .filter((f) => f.category === 'DESER' || f.ruleId === 'SCAN-INCOMPLETE')
      .map((f) => ({ id: f.ruleId, where: JSON.stringify(f.location), why: JSON.stringify(f.evidence) }));
  } finally {
    DESER_MODULE_LIMITS.maxResolveSteps = saved;
  }
}

describe('DESER module budget', () => {
  it('within the budget: the handler is found, nothing incomplete', async () => {
    const f = await scanWithin(undefined);
    assert.deepEqual(
      f.map((x) => x.id),
      ['DESER-NETWORK-INPUT'],
    );
  });
  it('a tiny budget: SCAN-INCOMPLETE naming the module, never a silent pass', async () => {
    const f = await scanWithin(50);
    const inc = f.filter((x) => x.id === 'SCAN-INCOMPLETE');
    assert.equal(inc.length, 1, JSON.stringify(f));
    assert.ok(inc[0]!.where.includes('app.py'), inc[0]!.where);
    assert.ok(inc[0]!.why.includes('maxResolveSteps'), inc[0]!.why);
  });
  it('inside an archive (per-file scan): the handler within the budget, SCAN-INCOMPLETE naming the member past it', async () => {
    assert.deepEqual(
      (await scanWithin(undefined, zipped)).map((x) => x.id),
      ['DESER-NETWORK-INPUT'],
    );
    const f = await scanWithin(50, zipped);
    const inc = f.filter((x) => x.id === 'SCAN-INCOMPLETE');
    assert.equal(inc.length, 1, JSON.stringify(f));
    assert.ok(inc[0]!.where.includes('pkg/app.py'), inc[0]!.where);
    assert.ok(inc[0]!.why.includes('maxResolveSteps'), inc[0]!.why);
  });
});
