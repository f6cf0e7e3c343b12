// Large Python projects end in bounded work: the walk parses modules for the DESER project only within the
// project's node budget (past it a module is left out unparsed and named in SCAN-INCOMPLETE), and a module handing
// one value to very many calls (fan-out imports, star imports, re-export chains) is analysed in linear work.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { scanPaths } from '../../src/scan/engine.js';
import { deserSummary } from '../../src/scan/deser-phase.js';
import { DESER_NODES, DeserWalkBudget } from '../../src/scan/post-walk.js';

const dir = mkdtempSync(join(tmpdir(), 'python-project-bounds-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A package of `files` modules of `perFile` functions each, every module naming pickle; app.py feeds m0. */
function functionsProject(name: string, files: number, perFile: number): string {
  const pkg = join(dir, name, 'proj');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, '__init__.py'), '');
  for (let f = 0; f < files; f++) {
    const lines = ['import pickle', ''];
    for (let i = 0; i < perFile; i++)
      lines.push(
        `def f${f}_${i}(data, k=${i}):`,
        `    x = [data, k]`,
        i === 0 ? '    return pickle.loads(x[0])' : '    return x',
        '',
      );
    writeFileSync(join(pkg, `m${f}.py`), lines.join('\n'));
  }
  writeFileSync(
    join(pkg, 'app.py'),
    'from flask import Flask, request\nfrom . import m0\napp = Flask(__name__)\n\n' +
      "@app.route('/x', methods=['POST'])\ndef h():\n    return m0.f0_0(request.data)\n",
  );
  return pkg;
}

/** main.py imports `width` modules and hands the request body to each; they import each other (star imports, re-export chains, a tree); the last deserializes. */
function fanoutProject(name: string, width: number): string {
  const pkg = join(dir, name, 'fan');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, '__init__.py'), '');
  const lines = ['from flask import Flask, request'];
  for (let i = 0; i < width; i++) lines.push(`from . import l${i}`);
  lines.push('app = Flask(__name__)', '', "@app.route('/x', methods=['POST'])", 'def h():', '    body = request.data');
  for (let i = 0; i < width; i++) lines.push(`    l${i}.g(body)`);
  writeFileSync(join(pkg, 'main.py'), lines.join('\n') + '\n');
  for (let i = 0; i < width; i++) {
    const shape = ['star', 'chain', 'tree'][i % 3];
    const body: string[] = [];
    if (shape === 'star') for (let k = 1; k <= 10; k++) body.push(`from .l${(i + k * 10) % width} import *`);
    if (shape === 'chain' && i + 1 < width) body.push(`from .l${i + 1} import g as g2`);
    if (shape === 'tree') for (let k = 1; k <= 8; k++) body.push(`from . import l${(i * 8 + k) % width}`);
    const last = i === width - 1;
    if (last) body.push('import pickle');
    body.push('', 'def g(b):');
    if (last) body.push('    return pickle.loads(b)');
    else if (shape === 'chain' && i + 1 < width) body.push('    return g2(b)');
    else body.push('    return b');
    writeFileSync(join(pkg, `l${i}.py`), body.join('\n') + '\n');
  }
  return pkg;
}

async function scan(path: string): Promise<{ id: string; why: string }[]> {
  const r = await scanPaths([path], { only: ['DESER'] });
  return r.findings.map((f) => ({ id: f.ruleId, why: JSON.stringify(f.evidence) }));
}

describe('Python projects past the DESER project budget', () => {
  it('a module met once the walk budget is spent is left out without being parsed', async () => {
    const text = 'import pickle\ndef f(b):\n    return pickle.loads(b)\n';
    const spent = new DeserWalkBudget(10);
    spent.charge(10);
    assert.deepEqual(await deserSummary(text, { timeoutMs: 10_000 }, spent), { leftOut: 0 });
    // Within the budget the module is parsed, and its nodes are counted.
    const walk = new DeserWalkBudget(10_000);
    const s = await deserSummary(text, { timeoutMs: 10_000 }, walk);
    assert.ok(s.module !== undefined && walk.nodes === s.module.stats.nodes && walk.nodes > 0);
    // Two scanners (threads) of one scan count into one budget.
    const other = new DeserWalkBudget(walk.max, walk.counts);
    other.charge(walk.max);
    assert.ok(walk.spent());
    // A module whose text names no deserializer is not the budget's concern (nothing to leave out).
    assert.deepEqual(await deserSummary('def f(b):\n    return b\n', { timeoutMs: 10_000 }, spent), {});
  });

  it('a project past the budget is SCAN-INCOMPLETE naming modules left out, and the finding within it stays', async () => {
    const saved = DESER_NODES.max;
    // Each module holds ~1,000 nodes: the budget takes a few of the twelve.
    DESER_NODES.max = 4_000;
    try {
      const got = await scan(functionsProject('functions', 12, 50));
      const cut = got.find((f) => f.id === 'SCAN-INCOMPLETE');
      assert.ok(cut, JSON.stringify(got));
      assert.match(cut.why, /maxDeserProjectNodes/);
      assert.match(cut.why, /\d+ module\(s\) were left out; not analysed: proj\/m\d+\.py/);
      assert.ok(
        got.some((f) => f.id === 'DESER-NETWORK-INPUT' && f.why.includes('pickle.loads')),
        JSON.stringify(got),
      );
    } finally {
      DESER_NODES.max = saved;
    }
  });

  it('the same project within the budget has the finding and no SCAN-INCOMPLETE', async () => {
    const got = await scan(functionsProject('functions-small', 3, 50));
    assert.deepEqual(
      got.map((f) => f.id),
      ['DESER-NETWORK-INPUT'],
    );
  });
});

describe('fan-out imports', () => {
  it('a module handing one value to 600 imported modules (star imports, re-export chains, a tree) ends with the finding', async () => {
    const got = await scan(fanoutProject('fanout', 600));
    const hit = got.find((f) => f.id === 'DESER-NETWORK-INPUT');
    assert.ok(hit, JSON.stringify(got));
    assert.match(hit.why, /"role":"sink","file":"[^"]*\/l599\.py"/);
  });
});
