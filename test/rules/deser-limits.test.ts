// DESER's cross-module limits end in a finding, never in silence: a chain of calls across more files than the
// demand rounds allow, and a handler fanning out to more modules than may be loaded on demand, are SCAN-INCOMPLETE
// (with the limit named); the same shapes within the limits are found (or clean) without it. A package installed in
// a site-packages folder is its own project: its sibling distributions are libraries, never grown into.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { scanPaths } from '../../src/scan/engine.js';
import { DEMAND_LIMITS, lastRunStats } from '../../src/scan/deser-phase.js';
import { DESER_NODES, keptForPhases } from '../../src/scan/post-walk.js';
import type { FileOutcome } from '../../src/scan/file-outcome.js';
import { FLOW_LIMITS } from '../../src/analyzers/deser/flow.js';

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

/**
 * A package of n modules `pkg/m<i>.py`, each importing the sink function f<n-1> (so every module is a caller of it,
 * all read in the first round) and calling only the next one: f0 -> f1 -> ... -> f<n-1> = pickle.loads; main.py hands
 * f0 an HTTP response body. Which functions may hand their callers' data on is found one call further each pass.
 */
function fanChain(n: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'deser-fanchain-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'pkg'));
  writeFileSync(join(dir, 'pkg', '__init__.py'), '');
  for (let i = 0; i < n - 1; i++)
    writeFileSync(
      join(dir, 'pkg', `m${i}.py`),
      `from pkg.m${n - 1} import f${n - 1}\nfrom pkg.m${i + 1} import f${i + 1}\n\n\ndef f${i}(x):\n    return f${i + 1}(x)\n`,
    );
  writeFileSync(join(dir, 'pkg', `m${n - 1}.py`), `import pickle\n\n\ndef f${n - 1}(x):\n    return pickle.loads(x)\n`);
  writeFileSync(
    join(dir, 'main.py'),
    'import requests\nfrom pkg.m0 import f0\n\nf0(requests.get("http://example.invalid/x").content)\n',
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

/** ruleIds with some DEMAND_LIMITS lowered for the scan (restored after it). */
async function ruleIdsWithin(limits: Partial<typeof DEMAND_LIMITS>, dir: string): Promise<string[]> {
  const saved = { ...DEMAND_LIMITS };
  Object.assign(DEMAND_LIMITS, limits);
  try {
    return await ruleIds(dir);
  } finally {
    Object.assign(DEMAND_LIMITS, saved);
  }
}

describe('DESER cross-module limits', () => {
  it('a chain within the rounds is found, without SCAN-INCOMPLETE', async () => {
    assert.deepEqual(await ruleIds(chain(4)), ['DESER-NETWORK-INPUT']);
  });

  it('a chain of 12 modules between the handler and the sink is found, without SCAN-INCOMPLETE', async () => {
    assert.deepEqual(await ruleIds(chain(13)), ['DESER-NETWORK-INPUT']);
  });

  it('a chain longer than the rounds is SCAN-INCOMPLETE (maxDeserModuleDepth), not silence', async () => {
    const ids = await ruleIds(chain(DEMAND_LIMITS.rounds + 3));
    assert.ok(ids.includes('SCAN-INCOMPLETE:maxDeserModuleDepth'), ids.join(', '));
  });

  it('a fan-out beyond the module budget is SCAN-INCOMPLETE (maxDeserModules)', async () => {
    const ids = await ruleIdsWithin({ modules: 5 }, fanOut(12));
    assert.ok(ids.includes('SCAN-INCOMPLETE:maxDeserModules'), ids.join(', '));
  });

  it('the same fan-out within the budget is found without SCAN-INCOMPLETE', async () => {
    const ids = await ruleIds(fanOut(3));
    assert.ok(!ids.some((x) => x.startsWith('SCAN-INCOMPLETE')), ids.join(', '));
    assert.ok(ids.includes('DESER-NETWORK-INPUT'), ids.join(', '));
  });

  it('a chain of calls across modules all read in one round is followed to its entry point', async () => {
    // Twelve calls from main.py's f0 to the sink: more than a fixed handful of passes would find.
    assert.deepEqual(await ruleIds(fanChain(12)), ['DESER-NETWORK-INPUT']);
  });

  it('a chain of calls longer than the passes allow is SCAN-INCOMPLETE (maxDeserCallDepth), not silence', async () => {
    const ids = await ruleIdsWithin({ passes: 4 }, fanChain(12));
    assert.ok(ids.includes('SCAN-INCOMPLETE:maxDeserCallDepth'), ids.join(', '));
    // Within the passes the same shape needs no SCAN-INCOMPLETE.
    assert.deepEqual(await ruleIdsWithin({ passes: 4 }, fanChain(3)), ['DESER-NETWORK-INPUT']);
  });

  it('modules past the project node budget are left out and named: SCAN-INCOMPLETE (maxDeserProjectNodes)', async () => {
    const dir = fanOut(6);
    const saved = DESER_NODES.max;
    DESER_NODES.max = 1;
    let r;
    try {
      r = await scanPaths([dir], { only: ['DESER'] });
    } finally {
      DESER_NODES.max = saved;
    }
    const inc = r.findings.filter((f) => f.ruleId === 'SCAN-INCOMPLETE');
    assert.deepEqual(
      inc.map((f) => f.evidence.details?.limit),
      ['maxDeserProjectNodes'],
    );
    assert.match(inc[0]!.evidence.signal, /1 module\(s\) were left out; not analysed: codec\.py\./);
    // Nothing was analysed together, and nothing parsed again on demand.
    assert.equal(lastRunStats.analysedInWalk, 0);
    assert.equal(lastRunStats.loadedOnDemand + lastRunStats.namedParsed, 0);
    // Within the default budget the same project is found, and complete.
    assert.deepEqual(await ruleIds(dir), ['DESER-NETWORK-INPUT']);
  });

  it('the walk keeps DESER modules up to the node budget, then only their node counts', () => {
    const outcome = (nodes: number): FileOutcome =>
      ({
        path: 'm.py',
        findings: [],
        pickles: [],
        errors: [],
        summaries: { 'deser-project': { module: { stats: { nodes } } } },
      }) as unknown as FileOutcome;
    const kept = { nodes: 0 };
    const held = (o: FileOutcome): unknown => (o.summaries?.['deser-project'] as { module?: unknown }).module;
    assert.ok(held(keptForPhases(outcome(DESER_NODES.max - 10), kept)) !== undefined);
    assert.ok(held(keptForPhases(outcome(10), kept)) !== undefined);
    const past = keptForPhases(outcome(1), kept);
    assert.equal(held(past), undefined);
    assert.deepEqual(past.summaries?.['deser-project'], { leftOut: 1 });
    assert.equal(kept.nodes, DESER_NODES.max);
  });

  it('modules beyond the project work budget are SCAN-INCOMPLETE (maxDeserProjectWork)', async () => {
    const ids = await ruleIdsWithin({ workBytes: 200 }, fanOut(6));
    assert.ok(ids.includes('SCAN-INCOMPLETE:maxDeserProjectWork'), ids.join(', '));
  });
});

/**
 * A package of n modules `pkg/m<i>.py` each importing every other module's function, f<i> calling f<i+1> and one
 * other (f<(7i+1) mod n>), f<n-1> handing its parameter to `loader` (`pickle.loads`, or `json.loads` in the benign
 * twin); main.py hands f0 an HTTP response body. Merging the callers of f<n-1> walks chains of calls about n deep.
 */
function fullFanOut(n: number, loader: 'pickle' | 'json'): string {
  const dir = mkdtempSync(join(tmpdir(), 'deser-fullfan-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'pkg'));
  writeFileSync(join(dir, 'pkg', '__init__.py'), '');
  for (let i = 0; i < n; i++) {
    const imports = [...Array(n).keys()].filter((j) => j !== i).map((j) => `from pkg.m${j} import f${j}\n`);
    let k = (i * 7 + 1) % n;
    if (k === i) k = i + 1;
    const body =
      i < n - 1
        ? `def f${i}(x):\n    return f${i + 1}(x) + f${k < n ? k : i + 1}(x)\n`
        : `def f${i}(x):\n    return ${loader}.loads(x)\n`;
    writeFileSync(join(dir, 'pkg', `m${i}.py`), `import ${loader}\n${imports.join('')}\n\n${body}`);
  }
  writeFileSync(
    join(dir, 'main.py'),
    'import requests\nfrom pkg.m0 import f0\n\nf0(requests.get("http://example.invalid/x").content)\n',
  );
  return dir;
}

/** ruleIds with the data flow's depth guard lowered to `depth` for the scan (restored after it). */
async function ruleIdsAtDepth(depth: number, dir: string): Promise<string[]> {
  const saved = FLOW_LIMITS.evalDepth;
  FLOW_LIMITS.evalDepth = depth;
  try {
    return await ruleIds(dir);
  } finally {
    FLOW_LIMITS.evalDepth = saved;
  }
}

describe('DESER: a data flow cut at its own bound never passes silently', () => {
  // The invariant: a project whose flow is cut reports no fewer DESER findings than its modules do on their own,
  // and says where it was cut; within the bound it decides as usual; with a safe loader there is nothing to cut.
  const CASES: { what: string; dir: () => string; depth?: number; want: string[] }[] = [
    {
      what: 'a fan-out whose callers run deeper than the guard keeps the module’s own finding, and names the bound',
      dir: () => fullFanOut(20, 'pickle'),
      depth: 8,
      want: ['DESER-UNSAFE-LOADER', 'SCAN-INCOMPLETE:maxDeserFlowDepth'],
    },
    {
      what: 'the same fan-out within the guard is found at the sink, without SCAN-INCOMPLETE',
      dir: () => fullFanOut(20, 'pickle'),
      want: ['DESER-NETWORK-INPUT'],
    },
    {
      what: 'benign twin: the same cut fan-out ending in json.loads has no finding and no SCAN-INCOMPLETE',
      dir: () => fullFanOut(20, 'json'),
      depth: 8,
      want: [],
    },
  ];
  for (const c of CASES)
    it(c.what, async () => {
      const dir = c.dir();
      assert.deepEqual(c.depth !== undefined ? await ruleIdsAtDepth(c.depth, dir) : await ruleIds(dir), c.want);
    });

  it('the cut finding and SCAN-INCOMPLETE are on the sink’s module, and no fewer than the module alone reports', async () => {
    const dir = fullFanOut(20, 'pickle');
    const saved = FLOW_LIMITS.evalDepth;
    FLOW_LIMITS.evalDepth = 8;
    let r;
    try {
      r = await scanPaths([dir], { only: ['DESER'] });
    } finally {
      FLOW_LIMITS.evalDepth = saved;
    }
    const inc = r.findings.find((f) => f.ruleId === 'SCAN-INCOMPLETE')!;
    assert.match(inc.evidence.signal, /pickle\.loads at pkg\/m19\.py:24/);
    assert.ok(inc.location.chain[0]!.endsWith(join('pkg', 'm19.py')), inc.location.chain[0]);
    const loader = r.findings.filter((f) => f.category === 'DESER');
    assert.deepEqual(
      loader.map((f) => [f.location.chain[0]!.endsWith(join('pkg', 'm19.py')), f.location.line]),
      [[true, 24]],
    );
    // The module on its own (its package, nothing else): the same finding at the same call.
    const alone = mkdtempSync(join(tmpdir(), 'deser-alone-'));
    dirs.push(alone);
    mkdirSync(join(alone, 'pkg'));
    writeFileSync(join(alone, 'pkg', '__init__.py'), '');
    writeFileSync(join(alone, 'pkg', 'm19.py'), readFileSync(join(dir, 'pkg', 'm19.py')));
    const own = (await scanPaths([alone], { only: ['DESER'] })).findings.filter((f) => f.category === 'DESER');
    assert.deepEqual(
      own.map((f) => [f.ruleId, f.location.line]),
      loader.map((f) => [f.ruleId, f.location.line]),
    );
  });
});

/**
 * venv/lib/python3.11/site-packages/ with `app` (a handler in server.py passing socket bytes to codec.py's
 * pickle.loads through a service module) beside a large distribution `bigdist` whose modules import and call
 * app's codec with socket data of their own.
 */
function installed(
  siblings: number,
  where: 'site-packages' | 'stdlib' = 'site-packages',
): { app: string; site: string } {
  const base = mkdtempSync(join(tmpdir(), 'deser-site-'));
  dirs.push(base);
  const site =
    where === 'stdlib' ? join(base, 'lib', 'python3.11') : join(base, 'venv', 'lib', 'python3.11', 'site-packages');
  const app = join(site, 'app');
  mkdirSync(app, { recursive: true });
  if (where === 'stdlib') writeFileSync(join(site, 'os.py'), 'import sys\n');
  writeFileSync(join(app, '__init__.py'), '');
  writeFileSync(join(app, 'codec.py'), 'import pickle\n\n\ndef decode(data):\n    return pickle.loads(data)\n');
  writeFileSync(
    join(app, 'service.py'),
    'from app.codec import decode\n\n\ndef handle(data):\n    return decode(data)\n',
  );
  writeFileSync(
    join(app, 'server.py'),
    'import socket\n\nfrom app import service\n\n\ndef serve(conn: socket.socket):\n    return service.handle(conn.recv(4096))\n',
  );
  const big = join(site, 'bigdist');
  mkdirSync(big);
  writeFileSync(join(big, '__init__.py'), '');
  for (let i = 0; i < siblings; i++)
    writeFileSync(
      join(big, `m${i}.py`),
      `import socket\nfrom app.codec import decode\nfrom app.service import handle\n\n\n` +
        `def serve${i}(conn):\n    return decode(conn.recv(64)) or handle(conn.recv(64))\n` +
        `${'# padding line of a large installed distribution\n'.repeat(200)}`,
    );
  return { app, site };
}

describe('DESER in an installed-packages folder', () => {
  it('a package in site-packages is found across its modules, and its sibling distribution is not read', async () => {
    const { app } = installed(400);
    const r = await scanPaths([app], { only: ['DESER'] });
    const ids = r.findings.filter((f) => f.category === 'DESER' || f.ruleId === 'SCAN-INCOMPLETE');
    assert.deepEqual(
      ids.map((f) => f.ruleId),
      ['DESER-NETWORK-INPUT'],
      ids.map((f) => `${f.ruleId} ${f.location.chain.join(' ')}`).join('; '),
    );
    assert.match(ids[0]!.location.chain[0]!, /app[\\/]codec\.py$/);
    // Bounded work: the phase knew app's four files and read none of bigdist's 400.
    assert.equal(lastRunStats.files, 4);
    assert.ok(lastRunStats.workBytes < 4096, String(lastRunStats.workBytes));
  });

  for (const [where, what] of [
    [
      'site-packages',
      'the sink file named alone still reaches its callers in the package, not in the sibling distribution',
    ],
    ['stdlib', 'in the standard library folder (lib/pythonX.Y with os.py) a package is its own project too'],
  ] as const)
    it(what, async () => {
      const { app } = installed(50, where);
      assert.deepEqual(await ruleIds(join(app, 'codec.py')), ['DESER-NETWORK-INPUT']);
      assert.equal(lastRunStats.files, 4);
    });

  it('the same tree outside an installed-packages folder is one project (bigdist callers are read)', async () => {
    const { site } = installed(5);
    const root = join(site, '..', 'not-installed');
    const { renameSync } = await import('node:fs');
    renameSync(site, root);
    const r = await scanPaths([join(root, 'app')], { only: ['DESER'] });
    assert.ok(lastRunStats.files > 4, String(lastRunStats.files));
    assert.ok(r.findings.some((f) => f.ruleId === 'DESER-NETWORK-INPUT'));
  });
});

/**
 * A project (pyproject.toml at its root) holding `app` and a library `lib` whose modules all share the file name
 * `cache.py`: `lib/c0/cache.py` parses JSON (`json.loads`, `from functools import cache`), and each `lib/c<i>`
 * calls the previous one's `f<i-1>`. None of lib imports `app.cache`, whose `loads` unpickles. Optionally a real
 * chain `svc/h<n>.py` (a socket handler) → ... → `svc/h1.py` → `app.cache.loads`, through absolute, relative and
 * plain-package imports.
 */
function bigProject(opts: { lib: number; chain?: number }): string {
  const dir = mkdtempSync(join(tmpdir(), 'deser-big-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'pyproject.toml'), '[project]\nname = "big"\n');
  const pkg = (rel: string): void => {
    mkdirSync(join(dir, rel), { recursive: true });
    writeFileSync(join(dir, rel, '__init__.py'), '');
  };
  pkg('app');
  writeFileSync(join(dir, 'app', 'cache.py'), 'import pickle\n\n\ndef loads(blob):\n    return pickle.loads(blob)\n');
  pkg('lib');
  for (let i = 0; i < opts.lib; i++) {
    pkg(`lib/c${i}`);
    writeFileSync(
      join(dir, 'lib', `c${i}`, 'cache.py'),
      i === 0
        ? 'import json\nfrom functools import cache\n\n\n@cache\ndef f0(s):\n    return json.loads(s)\n'
        : `from lib.c${i - 1}.cache import f${i - 1}\n\n\ndef f${i}(s):\n    return f${i - 1}(s)\n`,
    );
  }
  const n = opts.chain ?? 0;
  if (n > 0) {
    pkg('svc');
    writeFileSync(join(dir, 'svc', 'h1.py'), 'import app.cache\n\n\ndef h1(data):\n    return app.cache.loads(data)\n');
    for (let i = 2; i < n; i++)
      writeFileSync(
        join(dir, 'svc', `h${i}.py`),
        i % 2 === 0
          ? `from . import h${i - 1}\n\n\ndef h${i}(data):\n    return h${i - 1}.h${i - 1}(data)\n`
          : `from svc.h${i - 1} import h${i - 1}\n\n\ndef h${i}(data):\n    return h${i - 1}(data)\n`,
      );
    writeFileSync(
      join(dir, 'svc', `h${n}.py`),
      `import socket\n\nfrom svc.h${n - 1} import h${n - 1}\n\n\ndef serve(conn: socket.socket):\n` +
        `    return h${n - 1}(conn.recv(4096))\n`,
    );
  }
  return dir;
}

describe('DESER: one file of a large project named alone', () => {
  it('callers are files importing the defining module, not files naming the same identifiers', async () => {
    // Before: lib/c0 (`json.loads`, `from functools import cache`) counted as a caller of app.cache.loads, then
    // every lib/c<i> one round further: SCAN-INCOMPLETE maxDeserModuleDepth on a project with no network input.
    const dir = bigProject({ lib: DEMAND_LIMITS.rounds + 4 });
    const ids = await ruleIds(join(dir, 'app', 'cache.py'));
    // Only the library-API finding of the public `app.cache.loads(blob)` (the project serves nothing): no bound.
    assert.deepEqual(ids, ['DESER-UNSAFE-LOADER']);
    assert.equal(lastRunStats.loadedOnDemand, 0);
  });

  it('a real chain in the same project is found from its sink file (absolute, relative and package imports)', async () => {
    const dir = bigProject({ lib: DEMAND_LIMITS.rounds + 4, chain: 4 });
    assert.deepEqual(await ruleIds(join(dir, 'app', 'cache.py')), ['DESER-NETWORK-INPUT']);
  });

  it('a caller chain longer than the rounds whose callers cannot change the sink is neither read nor SCAN-INCOMPLETE', async () => {
    // The sink reads the project's own state file (no parameter): its callers, many modules up (each also calling
    // a native module's `recv`), cannot change what it reads. Callers are wanted only of functions that hand what
    // their callers pass them to a sink, so none is read (before: the demand followed them and ran out of rounds,
    // and the bound was held back only because the final analysis never asked past it).
    const dir = bigProject({ lib: 2 });
    writeFileSync(
      join(dir, 'app', 'cache.py'),
      'import pickle\n\nSTATE = "/var/lib/app/state.pkl"\n\n\ndef restore():\n' +
        '    with open(STATE, "rb") as f:\n        return pickle.load(f)\n',
    );
    mkdirSync(join(dir, 'svc'));
    writeFileSync(join(dir, 'svc', '__init__.py'), '');
    const n = DEMAND_LIMITS.rounds + 4;
    writeFileSync(join(dir, 'svc', 'h1.py'), 'import app.cache\n\n\ndef h1():\n    return app.cache.restore()\n');
    for (let i = 2; i <= n; i++)
      writeFileSync(
        join(dir, 'svc', `h${i}.py`),
        `from svc import _native\nfrom svc.h${i - 1} import h${i - 1}\n\n\ndef h${i}(fd):\n` +
          `    _native.recv(fd, 4096)\n    return h${i - 1}()\n`,
      );
    writeFileSync(join(dir, 'svc', '_native.py'), 'def recv(fd, n):\n    return bytes(n)\n');
    assert.deepEqual(await ruleIds(join(dir, 'app', 'cache.py')), []);
    assert.equal(lastRunStats.loadedOnDemand, 0);
  });

  it('a real chain longer than the rounds is still SCAN-INCOMPLETE (maxDeserModuleDepth) from its sink file', async () => {
    const dir = bigProject({ lib: DEMAND_LIMITS.rounds + 4, chain: DEMAND_LIMITS.rounds + 4 });
    const ids = await ruleIds(join(dir, 'app', 'cache.py'));
    assert.ok(ids.includes('SCAN-INCOMPLETE:maxDeserModuleDepth'), ids.join(', '));
  });
});

/**
 * A project (pyproject.toml) whose Flask handler `app/views.py` passes the request body to `app/service.py`, which
 * hands it to `app/codec.py`'s decoder: pickle.loads, or in the benign twin the service passes its own constant.
 */
function twoHops(benign: boolean): string {
  const files: Record<string, string> = {
    'pyproject.toml': '[project]\nname = "svc"\n',
    'app/__init__.py': '',
    'app/views.py':
      'from flask import Flask, request\n\nfrom app import service\n\napp = Flask(__name__)\n\n\n' +
      '@app.post("/predict")\ndef predict():\n    return service.process(request.get_data())\n',
    'app/service.py':
      'from app.codec import decode\n\nDEFAULT = b"\\x80\\x04N."\n\n\ndef process(body):\n' +
      `    return decode(${benign ? 'DEFAULT' : 'body'})\n`,
    'app/codec.py': 'import pickle\n\n\ndef decode(blob):\n    return pickle.loads(blob)\n',
  };
  for (let i = 0; i < 20; i++) files[`app/other${i}.py`] = `def f${i}(x):\n    return x\n`;
  return tree('deser-two-hops-', files);
}

/** A temporary folder holding these files (paths `/`-separated, folders made as needed), removed after the tests. */
function tree(prefix: string, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    const p = join(dir, ...rel.split('/'));
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return dir;
}

const readViews = (dir: string): string => readFileSync(join(dir, 'app', 'views.py'), 'utf8');

/** handler -> service -> codec, one of the first two named alone; each with its benign twin (a constant decoded). */
const TWO_HOP_CASES = [
  { file: 'views.py', what: 'the handler reaches a sink two modules away' },
  {
    file: 'service.py',
    what: 'the service between handler and codec (no source of its own) reads a called module naming a deserializer',
  },
];

describe('DESER: handler -> service -> codec, one file named alone', () => {
  for (const c of TWO_HOP_CASES)
    for (const benign of [false, true])
      it(`${c.file}: ${c.what}${benign ? ' (benign twin: the service passes its own constant, clean)' : ''}`, async () => {
        const dir = twoHops(benign);
        assert.deepEqual(await ruleIds(join(dir, 'app', c.file)), benign ? [] : ['DESER-NETWORK-INPUT']);
        // The named file names no deserializer: parsed because its first or second import does.
        assert.equal(lastRunStats.namedParsed, 1);
      });
});

describe('DESER: a handler file named alone', () => {
  it('is not parsed when no module within two imports names a deserializer (no path can run through it)', async () => {
    // The same handler and service, but the codec decodes JSON: neither import layer passes the DESER text gate.
    const dir = twoHops(false);
    writeFileSync(join(dir, 'app', 'codec.py'), 'import json\n\n\ndef decode(blob):\n    return json.loads(blob)\n');
    assert.deepEqual(await ruleIds(join(dir, 'app', 'views.py')), []);
    assert.equal(lastRunStats.namedParsed, 0);
    assert.equal(lastRunStats.loadedOnDemand, 0);
    // The package folder scanned: every file the walk did not analyse is parsed up front, as before.
    assert.deepEqual(await ruleIds(join(dir, 'app')), []);
    assert.ok(lastRunStats.namedParsed > 20, String(lastRunStats.namedParsed));
  });

  it('is parsed when the deserializer is two imports away through a continued from-import line', async () => {
    const dir = twoHops(false);
    writeFileSync(
      join(dir, 'app', 'service.py'),
      'from app import other0, \\\n    codec\n\n\ndef process(body):\n    return codec.decode(other0.f0(body))\n',
    );
    writeFileSync(
      join(dir, 'app', 'views.py'),
      readViews(dir).replace('from app import service', 'from app import (\n    service,\n)'),
    );
    assert.deepEqual(await ruleIds(join(dir, 'app', 'views.py')), ['DESER-NETWORK-INPUT']);
    assert.equal(lastRunStats.namedParsed, 1);
  });
});

/**
 * A library-shaped project: `lib/model.py` (no source of its own: no handler, server, client read or receive) calls
 * `lib/wrapper.py`, whose `load` calls `lib/smpickle.py`'s `load_pickle` (pickle.load of a path passed in), and
 * `width` other modules call `wrapper.load` too. With `client`, model.py instead fetches bytes with requests and
 * hands them down the same two modules (`smpickle.loads_pickle`).
 */
function libraryTwoHops(client: boolean, width = 12): string {
  const files: Record<string, string> = {
    'pyproject.toml': '[project]\nname = "lib"\n',
    'lib/__init__.py': '',
    'lib/model.py': client
      ? 'import requests\n\nfrom lib import wrapper\n\n\ndef fetch(url):\n' +
        '    return wrapper.load_bytes(requests.get(url).content)\n'
      : 'from lib import wrapper\n\n\nclass Model:\n    def restore(self, fname):\n        return wrapper.load(fname)\n',
    'lib/wrapper.py':
      'from lib.smpickle import load_pickle, loads_pickle\n\n\ndef load(fname):\n    return load_pickle(fname)\n\n\n' +
      'def load_bytes(blob):\n    return loads_pickle(blob)\n',
    'lib/smpickle.py':
      'import pickle\n\n\ndef load_pickle(fname):\n    with open(fname, "rb") as f:\n        return pickle.load(f)\n\n\n' +
      'def loads_pickle(blob):\n    return pickle.loads(blob)\n',
  };
  for (let i = 0; i < width; i++)
    files[`lib/user${i}.py`] = `from lib import wrapper\n\n\ndef restore${i}(fname):\n    return wrapper.load(fname)\n`;
  return tree('deser-lib-hops-', files);
}

describe('DESER: the second hop of a file named alone', () => {
  it('is not taken from a file with no source of its own (a library model calling its save/load helpers)', async () => {
    const dir = libraryTwoHops(false);
    assert.deepEqual(await ruleIds(join(dir, 'lib', 'model.py')), []);
    // The first hop only (wrapper.py): smpickle.py and the callers of wrapper.load across the package are not read.
    assert.equal(lastRunStats.loadedOnDemand, 1);
  });

  it('is taken from a file reading a client response (requests -> wrapper -> smpickle.loads)', async () => {
    const dir = libraryTwoHops(true);
    assert.deepEqual(await ruleIds(join(dir, 'lib', 'model.py')), ['DESER-NETWORK-INPUT']);
  });
});

describe('DESER: the first hop of a file named alone with no source of its own', () => {
  it('does not parse a called module whose text names no deserializer, transport or media type', async () => {
    const dir = libraryTwoHops(false);
    writeFileSync(
      join(dir, 'lib', 'model.py'),
      'from lib import user0\n\n\nclass Model:\n    def restore(self, fname):\n        return user0.restore0(fname)\n',
    );
    assert.deepEqual(await ruleIds(join(dir, 'lib', 'model.py')), []);
    assert.equal(lastRunStats.loadedOnDemand, 0);
  });

  it('does not read a called module it hands only its own data (a constant), even one naming a deserializer', async () => {
    const dir = libraryTwoHops(false);
    writeFileSync(
      join(dir, 'lib', 'model.py'),
      'from lib import wrapper\n\nDEFAULTS = "/usr/share/lib/defaults.pkl"\n\n\nclass Model:\n' +
        '    def restore(self, fname):\n        self.defaults = wrapper.load(DEFAULTS)\n        return fname\n',
    );
    assert.deepEqual(await ruleIds(join(dir, 'lib', 'model.py')), []);
    assert.equal(lastRunStats.loadedOnDemand, 0);
  });

  for (const holds of [false, true])
    it(`reads a called module it hands its callers' data only when it holds a deserializer (${holds ? 'it does' : 'only a media type and a dynamic import'})`, async () => {
      const dir = libraryTwoHops(false);
      writeFileSync(
        join(dir, 'lib', 'codec.py'),
        'import importlib\n' +
          (holds ? 'import pickle\n' : '') +
          '\nCONTENT_TYPE = "application/octet-stream"\n\n\ndef decode(blob, name):\n' +
          '    mod = importlib.import_module(name)\n' +
          (holds ? '    return pickle.loads(blob)\n' : '    return mod.parse(blob)\n'),
      );
      writeFileSync(
        join(dir, 'lib', 'model.py'),
        'from lib import codec\n\n\nclass Model:\n    def restore_bytes(self, blob):\n' +
          '        return codec.decode(blob, "lib.formats")\n',
      );
      writeFileSync(
        join(dir, 'lib', 'svc.py'),
        'import socket\n\nfrom lib.model import Model\n\n\ndef serve(port):\n' +
          '    conn, _ = socket.create_server(("0.0.0.0", port)).accept()\n' +
          '    model = Model()\n    return model.restore_bytes(conn.recv(4096))\n',
      );
      assert.deepEqual(await ruleIds(join(dir, 'lib', 'model.py')), holds ? ['DESER-NETWORK-INPUT'] : []);
      assert.equal(lastRunStats.loadedOnDemand, holds ? 2 : 0); // codec.py, svc.py
    });

  it("reads a called module it hands its callers' data, and a caller handing it network data is found", async () => {
    const dir = libraryTwoHops(false);
    writeFileSync(
      join(dir, 'lib', 'svc.py'),
      'import socket\n\nfrom lib.model import Model\n\n\ndef serve(port):\n' +
        '    conn, _ = socket.create_server(("0.0.0.0", port)).accept()\n    model = Model()\n' +
        '    return model.restore_bytes(conn.recv(4096))\n',
    );
    writeFileSync(
      join(dir, 'lib', 'model.py'),
      'from lib import smpickle\n\n\nclass Model:\n    def restore_bytes(self, blob):\n        return smpickle.loads_pickle(blob)\n',
    );
    // A test module calling the same method is not read as a caller of a named file that is not test code.
    mkdirSync(join(dir, 'tests'));
    writeFileSync(
      join(dir, 'tests', 'test_model.py'),
      'from lib.model import Model\n\n\ndef test_restore(blob):\n    assert Model().restore_bytes(blob)\n',
    );
    assert.deepEqual(await ruleIds(join(dir, 'lib', 'model.py')), ['DESER-NETWORK-INPUT']);
    assert.equal(lastRunStats.loadedOnDemand, 2); // smpickle.py, svc.py
  });

  for (const sinkInClass of [false, true])
    it(`reads the base classes of a module read on demand only for its classes that call a sink (${sinkInClass ? 'one does' : 'none does'})`, async () => {
      const dir = tree('deser-lib-bases-', {
        'pyproject.toml': '[project]\nname = "lib"\n',
        'lib/__init__.py': '',
        'lib/base.py': 'class Base:\n    def size(self, x):\n        return len(x)\n',
        'lib/hop.py':
          'import pickle\n\nfrom lib.base import Base\n\n\nclass Plain(Base):\n    def load(self, blob):\n' +
          (sinkInClass ? '        return pickle.loads(blob)\n' : '        return self.size(blob)\n') +
          '\n\ndef decode(blob):\n    return pickle.loads(blob)\n',
        'lib/model.py': 'from lib import hop\n\n\ndef restore(blob):\n    return hop.decode(blob)\n',
      });
      assert.deepEqual(await ruleIds(join(dir, 'lib', 'model.py')), []);
      assert.equal(lastRunStats.loadedOnDemand, sinkInClass ? 2 : 1); // hop.py (and base.py)
    });

  it('reads a file importing the package plainly as a caller only when it spells the whole module path', async () => {
    const handler = (call: string): string =>
      'import app\nfrom flask import Flask, request\n\nweb = Flask(__name__)\n\n\n' +
      `@web.post("/x")\ndef x():\n    return ${call}(request.get_data())\n`;
    const files = (noise: boolean): Record<string, string> => ({
      'pyproject.toml': '[project]\nname = "app"\n',
      'app/__init__.py': '',
      'app/sub/__init__.py': '',
      'app/sub/codec.py': 'import pickle\n\n\ndef decode(blob):\n    return pickle.loads(blob)\n',
      'app/views.py': handler('app.sub.codec.decode'),
      // `import app` with `sub` and `decode` in the text, but no `codec`: it cannot call app.sub.codec.decode.
      ...(noise ? { 'app/other_views.py': handler('app.sub.other.decode') } : {}),
    });
    const named = (dir: string): string => join(dir, 'app', 'sub', 'codec.py');
    assert.deepEqual(await ruleIds(named(tree('deser-plain-import-', files(false)))), ['DESER-NETWORK-INPUT']);
    const without = lastRunStats.loadedOnDemand;
    assert.ok(without >= 1, String(without)); // views.py, the caller
    assert.deepEqual(await ruleIds(named(tree('deser-plain-import-', files(true)))), ['DESER-NETWORK-INPUT']);
    assert.equal(lastRunStats.loadedOnDemand, without);
  });
});

describe('DESER: a test file named alone', () => {
  // lib/codec.py holds the deserializer; lib/client.py calls the test module's helper (the only code caller).
  const project = (test: string): string =>
    tree('deser-test-named-', {
      'pyproject.toml': '[project]\nname = "lib"\n',
      'lib/__init__.py': '',
      'lib/codec.py': 'import pickle\n\n\ndef decode(blob):\n    return pickle.loads(blob)\n',
      'tests/__init__.py': '',
      'tests/test_codec.py': `import pytest\n\nfrom lib import codec\n\n\n${test}`,
      'tests/test_other.py':
        'import socket\n\nfrom tests.test_codec import check, TestCodec, test_decode\n\n\n' +
        'def serve(port):\n    conn, _ = socket.create_server(("127.0.0.1", port)).accept()\n' +
        '    check(conn.recv(64))\n    TestCodec().test_decode(conn.recv(64))\n    test_decode(conn.recv(64))\n',
    });
  const named = (dir: string): string => join(dir, 'tests', 'test_codec.py');
  // Runner entry points: their parameters are fixtures, their class is built by the runner.
  const RUNNER = [
    ['a test function', 'def test_decode(blob):\n    assert codec.decode(blob)\n'],
    ['a test method', 'class TestCodec:\n    def test_decode(self, blob):\n        assert codec.decode(blob)\n'],
    [
      'a unittest set-up hook',
      'import unittest\n\n\nclass TestCodec(unittest.TestCase):\n    def setUp(self, blob=b""):\n        self.x = codec.decode(blob)\n',
    ],
    ['a pytest fixture', '@pytest.fixture\ndef payload(blob):\n    return codec.decode(blob)\n'],
    ['a called pytest fixture', '@pytest.fixture(scope="module")\ndef payload(blob):\n    return codec.decode(blob)\n'],
  ] as const;
  for (const [what, test] of RUNNER)
    it(`${what} hands the module it calls no callers' data: neither it nor the callers are read`, async () => {
      assert.deepEqual(await ruleIds(named(project(test))), []);
      assert.equal(lastRunStats.loadedOnDemand, 0);
    });

  // Its benign-looking twin: a helper of the test module keeps its callers (a caller handing it network data).
  it("a helper function of a test module is still a hop: the module it hands its callers' data to and its callers are read", async () => {
    const ids = await ruleIds(named(project('def check(blob):\n    assert codec.decode(blob)\n')));
    assert.deepEqual(ids, ['DESER-NETWORK-INPUT']);
    assert.equal(lastRunStats.loadedOnDemand, 2); // codec.py, test_other.py
  });

  it('a test that receives data itself is still found (no read needed for its own source)', async () => {
    const test =
      'import socket\n\n\ndef test_server():\n    conn, _ = socket.create_server(("127.0.0.1", 0)).accept()\n' +
      '    assert codec.decode(conn.recv(64))\n';
    assert.deepEqual(await ruleIds(named(project(test))), ['DESER-NETWORK-INPUT']);
  });
});

describe('DESER: a name called through a package re-export, one file named alone', () => {
  // app/pkg/__init__.py re-exports `decode`; where it is defined decides the finding.
  const files = (init: string, codec: string, named: string): Record<string, string> => ({
    'pyproject.toml': '[project]\nname = "app"\n',
    'app/__init__.py': '',
    'app/pkg/__init__.py': init,
    'app/pkg/codec.py': codec,
    'app/pkg/impl/__init__.py': '',
    'app/pkg/impl/codec2.py': 'import pickle\n\n\ndef loads_from(blob):\n    return pickle.loads(blob)\n',
    'app/views.py': named,
    'app/svc.py':
      'import socket\n\nfrom app.model import restore\n\n\ndef serve(port):\n' +
      '    conn, _ = socket.create_server(("127.0.0.1", port)).accept()\n    return restore(conn.recv(64))\n',
    'app/model.py': 'from app import pkg\n\n\ndef restore(blob):\n    return pkg.decode(blob)\n',
  });
  const PICKLE = 'import pickle\n\n\ndef decode(blob):\n    return pickle.loads(blob)\n';
  const JSON_CODEC = 'import json\n\n\ndef decode(blob):\n    return json.loads(blob)\n';
  const HANDLER =
    'from flask import Flask, request\n\nfrom app import pkg\n\nweb = Flask(__name__)\n\n\n' +
    '@web.post("/x")\ndef x():\n    return pkg.decode(request.get_data())\n';
  const CASES = [
    // [what, __init__, codec, named file, expected, modules loaded on demand]
    [
      'a handler: the defining module is read through the re-export',
      'from .codec import decode\n',
      PICKLE,
      'views',
      ['DESER-NETWORK-INPUT'],
    ],
    [
      'a handler, aliased from a subpackage',
      'from .impl.codec2 import loads_from as decode\n',
      JSON_CODEC,
      'views',
      ['DESER-NETWORK-INPUT'],
    ],
    [
      'a handler, benign twin (the defining module decodes JSON)',
      'from .codec import decode\n',
      JSON_CODEC,
      'views',
      [],
    ],
    [
      "a middle file handing its callers' data: found from it",
      'from .codec import decode\n',
      PICKLE,
      'model',
      ['DESER-NETWORK-INPUT'],
    ],
    [
      'a middle file, benign twin (JSON): neither module is read',
      'from .codec import decode\n',
      JSON_CODEC,
      'model',
      [],
    ],
    [
      'a library deserializer re-exported is the sink itself',
      'from pickle import loads as decode\n',
      JSON_CODEC,
      'views',
      ['DESER-NETWORK-INPUT'],
    ],
  ] as const;
  it('a middle file, benign twin: a package naming a deserializer elsewhere is not read for a name it only re-exports', async () => {
    const init = 'from .codec import decode\nfrom .store import read_pickle\n';
    const dir = tree('deser-reexport-', files(init, JSON_CODEC, HANDLER));
    assert.deepEqual(await ruleIds(join(dir, 'app', 'model.py')), []);
    assert.equal(lastRunStats.loadedOnDemand, 0, JSON.stringify(lastRunStats.loaded));
    // The same package defining the name itself is read (its own text decides).
    writeFileSync(
      join(dir, 'app', 'pkg', '__init__.py'),
      `${init}\n\ndef decode(blob):\n    return read_pickle(blob)\n`,
    );
    assert.deepEqual(await ruleIds(join(dir, 'app', 'model.py')), []);
    assert.equal(lastRunStats.loadedOnDemand, 1, JSON.stringify(lastRunStats.loaded));
  });

  it('a handler, two re-exports down (the package and the module it re-exports from name no deserializer)', async () => {
    const codec = 'from app.pkg.impl.codec2 import loads_from as dec\n';
    const dir = tree('deser-reexport-', files('from .codec import dec as decode\n', codec, HANDLER));
    assert.deepEqual(await ruleIds(join(dir, 'app', 'views.py')), ['DESER-NETWORK-INPUT']);
  });

  it('a handler calling through a module a package binds under another name (`from .impl import codec2 as c`)', async () => {
    const handler = HANDLER.replace('pkg.decode(', 'pkg.c.loads_from(');
    const dir = tree('deser-reexport-', files('from .impl import codec2 as c\n', JSON_CODEC, handler));
    assert.deepEqual(await ruleIds(join(dir, 'app', 'views.py')), ['DESER-NETWORK-INPUT']);
  });

  for (const [what, init, codec, named, expected] of CASES)
    it(what, async () => {
      const dir = tree('deser-reexport-', files(init, codec, HANDLER));
      assert.deepEqual(await ruleIds(join(dir, 'app', `${named}.py`)), expected);
      if (what.includes('neither')) assert.equal(lastRunStats.loadedOnDemand, 0, JSON.stringify(lastRunStats.loaded));
    });
});

describe('an analysis that runs out of stack', () => {
  // A handler handing the request body down 400 local helpers to pickle.loads: at Node's default stack the chain is
  // cut by the flow's own depth bound (a verdict is still given); on a stack too small for that bound the analysis
  // itself runs out of stack, which must end as SCAN-INCOMPLETE for the module, never as a crash of the scan.
  const dir = mkdtempSync(join(tmpdir(), 'deser-stack-'));
  dirs.push(dir);
  const lines = ['import pickle', 'from flask import Flask, request', 'app = Flask(__name__)'];
  for (let i = 0; i < 400; i++)
    lines.push(`def h${i}(b):`, i < 399 ? `    return h${i + 1}(b)` : '    return pickle.loads(b)');
  lines.push('@app.post("/p")', 'def p():', '    return str(h0(request.data))');
  writeFileSync(join(dir, 'app.py'), `${lines.join('\n')}\n`);
  const engine = new URL('../../src/scan/engine.ts', import.meta.url).href;
  const run = (stackKb?: number): string[] => {
    const script = [
      `const { scanPaths } = await import(${JSON.stringify(engine)});`,
      `const r = await scanPaths([${JSON.stringify(dir)}], { rules: ['DESER'] });`,
      'console.log(JSON.stringify(r.findings.map((f) => `${f.ruleId} ${f.evidence.details?.limit ?? ""}`.trim())));',
    ].join('\n');
    const flags = stackKb !== undefined ? [`--stack-size=${stackKb}`] : [];
    const loader = new URL('../../scripts/test-ts-loader.mjs', import.meta.url).href;
    const res = spawnSync(process.execPath, [...flags, '--import', loader, '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    assert.equal(res.status, 0, res.stderr.slice(-2000));
    return JSON.parse(res.stdout) as string[];
  };
  it('is SCAN-INCOMPLETE (limit deserAnalysisStack) on a small stack; decided at the default stack', () => {
    assert.deepEqual(run(120), ['SCAN-INCOMPLETE deserAnalysisStack']);
    assert.deepEqual(run(), ['DESER-UNSAFE-LOADER']);
  });
});
