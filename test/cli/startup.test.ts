// The built CLI as users start it (bin/sentinel.js: the bundle through V8's code cache). A 1 KB pickle loads no
// dependency package and none of the built-ins only some inputs need (crypto, zlib, child_process, worker_threads):
// anything imported eagerly that a plain pickle does not need fails here. The bundle's scan workers start and
// report what the main thread reports. Speed itself is measured by `npm run bench`, not here.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  closeSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { P, evilPickle } from '../helpers/pickle-builder.js';

const REPO = new URL('../../', import.meta.url).pathname;
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-startup-'));
  writeFileSync(join(dir, 'small.pkl'), new P().proto(4).emptyDict().str('a').int(1).setitem().stop().bytes());
  mkdirSync(join(dir, 'many'));
  for (let i = 0; i < 260; i++) {
    const bytes =
      i % 9 === 0 ? evilPickle() : new P().proto(4).emptyDict().str(`k${i}`).int(i).setitem().stop().bytes();
    writeFileSync(join(dir, 'many', `m${i}.pkl`), bytes);
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `body` (CommonJS, with `bundle` loaded as bin/sentinel.js loads it) in a fresh node; returns its JSON. */
function inBundle(body: string, python = false): Record<string, unknown> {
  const script = `const bundle = require(${JSON.stringify(join(REPO, 'bin', 'load-bundle.js'))}).loadBundle({ python: ${python} });
(async () => { ${body} })().then((r) => process.stdout.write(JSON.stringify(r)));`;
  // A script file, as bin/sentinel.js runs (node -e itself loads node:module and the ES-module loader).
  const file = join(dir, 'in-bundle.cjs');
  writeFileSync(file, script);
  return JSON.parse(execFileSync(process.execPath, [file], { encoding: 'utf8' })) as Record<string, unknown>;
}

describe('built CLI start-up', () => {
  it('a 1 KB pickle: code cache accepted, no package and no optional built-in loaded', () => {
    const r = inBundle(`
      const io = { stdout: () => {}, stderr: () => {}, isTTY: false, env: {} };
      const fs = require('node:fs');
      const opened = [];
      const readFileSync = fs.readFileSync;
      fs.readFileSync = (p, ...a) => (opened.push(String(p)), readFileSync(p, ...a));
      const code = await bundle.exports.main(['artifact', ${JSON.stringify(join(dir, 'small.pkl'))}, '--quiet'], io);
      return { code, cacheUsed: bundle.cacheUsed, lazyLoaded: bundle.lazyCacheUsed !== undefined, files: Object.keys(require.cache), opened,
               builtins: (process.moduleLoadList ?? []).filter((m) => m.startsWith('NativeModule ')) };`);
    assert.equal(r['code'], 0);
    assert.equal(r['cacheUsed'], true, 'the code cache written by the build was rejected');
    assert.equal(r['lazyLoaded'], false, 'a module of the second script (dist/bin/sentinel-lazy.js) was imported');
    const packages = (r['files'] as string[]).filter((f) => f.includes('node_modules'));
    assert.deepEqual(packages, [], 'a dependency was loaded for a plain pickle');
    const builtins = r['builtins'] as string[];
    // fs/promises pulls in readline, the fs watchers and the directory reader (~3 ms of every start).
    // node:module compiles the ES-module loader and the source-map support with it (the bundle gets its require from
    // the loader instead).
    for (const m of [
      'crypto',
      'zlib',
      'child_process',
      'worker_threads',
      'fs/promises',
      'stream',
      'module',
      'internal/modules/esm/loader',
    ]) {
      assert.ok(!builtins.includes(`NativeModule ${m}`), `node:${m} was loaded for a plain pickle`);
    }
    // The allowlist packs and the effect model are read beside the bundle only when a pickle names them.
    const dataFiles = (r['opened'] as string[]).filter((f) => f.includes(`${join('dist', 'bin', 'data')}`));
    assert.deepEqual(dataFiles, [], 'a data file was read for a pickle that names no global');
  });

  it("a torch checkpoint reads the effect model's parts of the modules it names, never the whole files nor a history pack's head, and no zlib", () => {
    const pt = join(REPO, 'test', 'fixtures', 'convert', 'state-dict.pt');
    const r = inBundle(`
      const io = { stdout: () => {}, stderr: () => {}, isTTY: false, env: {} };
      const fs = require('node:fs');
      const opened = [];
      const readFileSync = fs.readFileSync;
      fs.readFileSync = (p, ...a) => (opened.push(String(p)), readFileSync(p, ...a));
      const code = await bundle.exports.main(['artifact', ${JSON.stringify(pt)}, '--quiet'], io);
      return { code, opened, builtins: (process.moduleLoadList ?? []).filter((m) => m.startsWith('NativeModule ')) };`);
    assert.equal(r['code'], 0);
    // Its stored pickle's CRC is checked without node:zlib (which builds the stream machinery to load).
    assert.ok(
      !(r['builtins'] as string[]).includes('NativeModule zlib'),
      'node:zlib was loaded for a stored checkpoint',
    );
    const effects = (r['opened'] as string[])
      .filter((f) => f.includes(join('dist', 'bin', 'data', 'analyzers', 'pickle', 'data')))
      .map((f) => f.split(/[\\/]/).slice(-2).join('/'));
    assert.ok(
      effects.some((f) => f.startsWith('callable-effects.parts/')),
      `no part of the effect model was read: ${effects.join(', ')}`,
    );
    // torch's effect model is split by second-level module: a state dict names none of torch.nn's classes.
    assert.ok(
      !effects.some((f) => /^callable-effects\.parts\/torch\.(?:nn|ao|optim|cuda)\.json$/.test(f)),
      `a part of a torch module the checkpoint does not name was read: ${effects.join(', ')}`,
    );
    // A history pack's tables asked per name are split too: no pack's head is read for names outside its modules.
    assert.ok(
      !effects.some((f) => /^history-effects(?:-[a-z-]+)?\.parts\/-head\.json$/.test(f)),
      `a history pack's head was read: ${effects.join(', ')}`,
    );
    // The native-class facts (small whole files) are read when the stream builds an object of a named class.
    for (const f of effects)
      assert.match(
        f,
        /\.parts\/|^data\/(?:lookup-hooks|native-new|(?:history-)?native-states(?:-[a-z-]+)?)\.json$/,
        `a whole effect file was parsed: ${f}`,
      );
  });

  it('a malicious 1 KB pickle: its findings are fingerprinted without loading node:crypto, and no effect file head is read', () => {
    const r = inBundle(`
      const io = { stdout: () => {}, stderr: () => {}, isTTY: false, env: {} };
      const fs = require('node:fs');
      const opened = [];
      const readFileSync = fs.readFileSync;
      fs.readFileSync = (p, ...a) => (opened.push(String(p)), readFileSync(p, ...a));
      const code = await bundle.exports.main(['artifact', ${JSON.stringify(join(dir, 'many', 'm0.pkl'))}, '--quiet'], io);
      return { code, opened, builtins: (process.moduleLoadList ?? []).filter((m) => m.startsWith('NativeModule ')) };`);
    assert.equal(r['code'], 1);
    assert.ok(!(r['builtins'] as string[]).includes('NativeModule crypto'), 'node:crypto was loaded for fingerprints');
    // Its names (posix.system) fall under no module of the effect model, of a history pack or of the native-class
    // state facts: their function records, shape checks and state facts are read per name, from parts, and there is
    // none to read.
    const effects = (r['opened'] as string[]).filter((f) =>
      /[\\/](?:callable-effects|history-effects|(?:history-)?native-states)/.test(f),
    );
    assert.deepEqual(effects, [], `effect-model files were read: ${effects.join(', ')}`);
  });

  it('every allowlist data file, parsed on demand in the bundle, still answers for its names', () => {
    // One listed and one refused name per data file: the bundle routes a name to a pack by the roots it emitted.
    const data = join(REPO, 'src', 'rules', 'data');
    const files = [
      ...readdirSync(join(data, 'packs'))
        .filter((f) => f.endsWith('.json'))
        .map((f) => join(data, 'packs', f)),
      ...readdirSync(join(data, 'packs', 'history')).map((f) => join(data, 'packs', 'history', f)),
      join(data, 'sklearn-allowlist.json'),
      join(data, 'torch-allowlist.json'),
    ];
    const names: string[] = [];
    for (const f of files) {
      const j = JSON.parse(readFileSync(f, 'utf8')) as Record<string, Record<string, unknown> | undefined>;
      const listed = Object.keys(j['entries'] ?? {});
      const refused = Object.keys(j['review'] ?? j['excluded'] ?? {});
      names.push(...listed.slice(0, 1), ...listed.slice(-1), ...refused.slice(0, 1));
    }
    const r = inBundle(`
      const out = [];
      const io = { stdout: (s) => out.push(s), stderr: () => {}, isTTY: false, env: {} };
      for (const n of ${JSON.stringify(names)}) await bundle.exports.main(['explain', n], io);
      return { out: out.join('') };`);
    const text = r['out'] as string;
    for (const n of names) {
      const line = text.split('\n').find((l) => l.startsWith(`${n}: `));
      assert.ok(line, `no verdict for ${n}`);
      assert.doesNotMatch(line, /: unknown$/, `the bundle's packs do not know ${n}`);
    }
  });

  it('the bundle scans on worker threads and reports what one thread reports', () => {
    const r = inBundle(`
      const one = await bundle.exports.scanPaths([${JSON.stringify(join(dir, 'many'))}], { jobs: 1 });
      const two = await bundle.exports.scanPaths([${JSON.stringify(join(dir, 'many'))}], { jobs: 2 });
      const strip = (x) => JSON.stringify({ ...x, durationMs: 0, scannedOnWorkers: 0 });
      return { same: strip(one) === strip(two), onWorkers: two.scannedOnWorkers, files: two.files.length,
               findings: two.findings.length };`);
    assert.equal(r['files'], 260);
    assert.equal(r['onWorkers'], 260);
    assert.ok((r['findings'] as number) >= 29);
    assert.equal(r['same'], true);
  });
});

describe('the default command as users run it', () => {
  it('writes its report to a file descriptor without building node:stream (the same report as a pipe gets)', () => {
    const probe = join(dir, 'probe-stdio.cjs');
    writeFileSync(
      probe,
      `const before = new Set(process.moduleLoadList);
process.on('exit', () => require('node:fs').writeFileSync(process.env.PROBE_OUT,
  JSON.stringify(process.moduleLoadList.filter((m) => !before.has(m)))));
process.argv = [process.argv[0], ${JSON.stringify(join(REPO, 'bin', 'sentinel.js'))}, 'artifact', process.env.PROBE_PKL];
require(process.argv[1]);`,
    );
    for (const [pkl, code] of [
      [join(dir, 'small.pkl'), 0],
      [join(dir, 'many', 'm0.pkl'), 1],
    ] as const) {
      const report = join(dir, 'report.txt');
      const loaded = join(dir, 'loaded.json');
      const out = openSync(report, 'w');
      let r;
      try {
        r = spawnSync(process.execPath, [probe], {
          stdio: ['ignore', out, 'ignore'],
          env: { ...process.env, PROBE_OUT: loaded, PROBE_PKL: pkl },
        });
      } finally {
        closeSync(out);
      }
      assert.equal(r.status, code);
      const piped = spawnSync(process.execPath, [join(REPO, 'bin', 'sentinel.js'), 'artifact', pkl], {
        encoding: 'utf8',
      });
      assert.equal(piped.status, code);
      assert.equal(readFileSync(report, 'utf8'), piped.stdout);
      assert.match(piped.stdout, /^Gate: (PASSED|FAILED)/m);
      const modules = JSON.parse(readFileSync(loaded, 'utf8')) as string[];
      for (const m of ['stream', 'net', 'tty', 'internal/fs/sync_write_stream'])
        assert.ok(!modules.includes(`NativeModule ${m}`), `node:${m} was loaded to write the report`);
    }
  });

  it("a run started with other V8 flags keeps the build's code cache and writes its own beside it", () => {
    // A copy of the built CLI: the run writes beside its bundle.
    const root = mkdtempSync(join(tmpdir(), 'sentinel-flags-'));
    try {
      cpSync(join(REPO, 'bin'), join(root, 'bin'), { recursive: true });
      cpSync(join(REPO, 'dist', 'bin'), join(root, 'dist', 'bin'), {
        recursive: true,
        filter: (f) => !/\.[0-9a-f]{8}\.cache$/.test(f),
      });
      const cache = join(root, 'dist', 'bin', 'sentinel.js.cache');
      const built = readFileSync(cache);
      const flags = ['--stack-size=900'];
      const run = () =>
        spawnSync(process.execPath, [...flags, join(root, 'bin', 'sentinel.js'), 'artifact', join(dir, 'small.pkl')], {
          encoding: 'utf8',
          env: { ...process.env, NODE_OPTIONS: '' },
        });
      assert.equal(run().status, 0);
      assert.ok(built.equals(readFileSync(cache)), "the build's code cache was rewritten by a run with other flags");
      const keyed = readdirSync(join(root, 'dist', 'bin')).filter((f) => /^sentinel\.js\.[0-9a-f]{8}\.cache$/.test(f));
      assert.equal(keyed.length, 1, readdirSync(join(root, 'dist', 'bin')).join(', '));
      // The same flags load that cache; the defaults still load the build's.
      const probe = join(root, 'probe-cache.cjs');
      writeFileSync(
        probe,
        `const b = require(${JSON.stringify(join(root, 'bin', 'load-bundle.js'))}).loadBundle();
process.stdout.write(JSON.stringify({ used: b.cacheUsed, file: require('node:path').basename(b.cacheFile) }));`,
      );
      const env = { ...process.env, NODE_OPTIONS: '' };
      const withFlags = JSON.parse(execFileSync(process.execPath, [...flags, probe], { encoding: 'utf8', env })) as {
        used: boolean;
        file: string;
      };
      assert.deepEqual(withFlags, { used: true, file: keyed[0] });
      const plain = JSON.parse(execFileSync(process.execPath, [probe], { encoding: 'utf8', env })) as {
        used: boolean;
        file: string;
      };
      assert.deepEqual(plain, { used: true, file: 'sentinel.js.cache' });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('the Python code cache', () => {
  it('is chosen for runs naming a Python file or a folder, or asking for DESER, and for no other', () => {
    const req = createRequire(import.meta.url);
    const { pythonCacheFor } = req(join(REPO, 'bin', 'load-bundle.js')) as {
      pythonCacheFor: (args: string[]) => boolean;
    };
    const CASES: [string[], boolean][] = [
      [['artifact', 'serve.py'], true],
      [['artifact', 'tool.PYW', '--quiet'], true],
      [['artifact', dir], true],
      [['artifact', 'm.pkl', '--rule', 'DESER'], true],
      [['artifact', 'm.pkl', '--rule=PICKLE,deser'], true],
      [['artifact', 'm.pkl', '--rule', 'PICKLE-EXEC,DESER-NETWORK-INPUT'], true],
      [['artifact', 'm.pkl'], false],
      [['artifact', join(dir, 'small.pkl'), '--rule', 'PICKLE'], false],
      [['artifact', 'hf://org/model'], false],
      [['rules'], false],
    ];
    for (const [args, python] of CASES) assert.equal(pythonCacheFor(args), python, args.join(' '));
  });

  it('is written by the build and accepted for a Python file named alone with --rule DESER', () => {
    mkdirSync(join(dir, 'app'), { recursive: true });
    writeFileSync(join(dir, 'app', '__init__.py'), '');
    writeFileSync(
      join(dir, 'app', 'serve.py'),
      'import pickle, socket\n\n\ndef serve(port):\n    conn, _ = socket.create_server(("127.0.0.1", port)).accept()\n' +
        '    return pickle.loads(conn.recv(64))\n',
    );
    const r = inBundle(
      `const io = { stdout: () => {}, stderr: () => {}, isTTY: false, env: {} };
      const code = await bundle.exports.main(['artifact', ${JSON.stringify(join(dir, 'app', 'serve.py'))}, '--rule', 'DESER', '--quiet'], io);
      return { code, cacheUsed: bundle.cacheUsed };`,
      true,
    );
    assert.equal(r['cacheUsed'], true, 'the Python code cache written by the build was rejected');
    assert.equal(r['code'], 1);
  });
});

describe('bin/sentinel.js without a built bundle', () => {
  it('is a tool error (exit 2) that says to build, never a gate result (exit 1)', () => {
    // A copy of bin/ with no dist/ beside it: what an unbuilt checkout runs.
    const root = mkdtempSync(join(tmpdir(), 'sentinel-unbuilt-'));
    try {
      cpSync(join(REPO, 'bin'), join(root, 'bin'), { recursive: true });
      const r = spawnSync(process.execPath, [join(root, 'bin', 'sentinel.js'), 'artifact', join(REPO, 'examples')], {
        encoding: 'utf8',
      });
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(
        r.stderr,
        /^sentinel: the CLI is not built \(.*dist\/bin\/sentinel\.js is missing\): run `npm run build`/,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
