// The core needs none of the optional packages: the Node API (`scan()`, every report format) and `sentinel scan`
// run with bullmq, ioredis, msgpackr, prom-client and the Sigstore libraries unresolvable (test/helpers/
// unresolvable.mjs makes them so, for import and require, in every thread) and never try to load one. The features
// that need them say which packages to install: `sentinel worker`/`submit` (the queue), `sentinel serve` (the
// service's metrics), and a keyless (Sigstore) signature, which stays unverified (never valid). The package
// declares exactly these as optional peer dependencies, so a plain install leaves them out.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OPTIONAL_FEATURES } from '../../src/core/optional-packages.js';
import { sharedPath, sharedSkip } from '../helpers/shared.js';

const ROOT = join(import.meta.dirname, '..', '..');
const OPTIONAL = OPTIONAL_FEATURES.flatMap((f) => f.packages);
// msgpackr comes with bullmq: named so a path that reached it some other way is caught too.
const BLOCKED = [...OPTIONAL, 'msgpackr'];
const HARNESS = join(ROOT, 'test', 'helpers', 'unresolvable.mjs');

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-optional-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

let runs = 0;
/** Runs an ES-module script (or a file) in a child Node with the optional packages unresolvable. */
function isolated(
  args: { script: string } | { file: string; argv: string[] },
  tsx = true,
): { code: number | null; stdout: string; stderr: string; attempts: string[] } {
  const log = join(dir, `attempts-${++runs}.log`);
  const node = [...(tsx ? ['--import', 'tsx'] : []), '--import', HARNESS];
  const r = spawnSync(
    process.execPath,
    'script' in args ? [...node, '--input-type=module', '-e', args.script] : [...node, args.file, ...args.argv],
    {
      cwd: ROOT,
      encoding: 'utf8',
      env: {
        ...process.env,
        NO_COLOR: '1',
        SENTINEL_UNRESOLVABLE: BLOCKED.join(','),
        SENTINEL_UNRESOLVABLE_LOG: log,
      },
      maxBuffer: 64 << 20,
    },
  );
  const attempts = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, attempts };
}

/** Scans the examples through an API entry and renders every report format; prints a JSON summary. */
const apiScript = (entry: string): string => `
import { scan, renderReport, REPORT_FORMATS, loadPolicy, listTargets } from ${JSON.stringify(entry)};
await loadPolicy({ text: 'fail_on: [CRITICAL, HIGH]\\n', source: 'inline' });
await listTargets(['examples/models']);
const r = await scan('examples/models');
const sizes = {};
for (const f of REPORT_FORMATS) sizes[f] = (await renderReport(r, f)).length;
console.log(JSON.stringify({ exitCode: r.summary.exitCode, rules: r.findings.map((f) => f.ruleId), sizes }));
`;

/** Runs the CLI's main() from source with the given arguments; prints its exit code and stderr as JSON. */
const cliScript = (argv: string[], env: Record<string, string> = {}): string => `
import { main } from './src/cli/main.ts';
let out = '', err = '';
const code = await main(${JSON.stringify(argv)}, {
  stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, env: { ...process.env, ...${JSON.stringify(env)} },
  isTTY: false, columns: 100,
});
console.log(JSON.stringify({ code, err }));
`;

function summary(stdout: string): { exitCode: number; rules: string[]; sizes: Record<string, number> } {
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

describe('the core without the optional packages', () => {
  it('scan(), loadPolicy(), listTargets() and every report format (source) load none of them', () => {
    const r = isolated({ script: apiScript('./src/api/index.ts') });
    assert.equal(r.code, 0, r.stderr);
    const s = summary(r.stdout);
    assert.equal(s.exitCode, 1, 'the malicious example fails the gate');
    assert.ok(s.rules.includes('PICKLE-EXEC'));
    for (const [f, n] of Object.entries(s.sizes)) assert.ok(n > 100, `${f} rendered`);
    assert.deepEqual(r.attempts, []);
  });

  const built =
    existsSync(join(ROOT, 'dist', 'lib', 'index.js')) && existsSync(join(ROOT, 'dist', 'bin', 'sentinel.js'));
  const skip = built ? false : 'the package is not built here (npm run build writes dist/)';

  it('the built Node API (the package entry, dist/lib) loads none of them', { skip }, () => {
    const r = isolated({ script: apiScript('./dist/lib/index.js') }, false);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(summary(r.stdout).exitCode, 1);
    assert.deepEqual(r.attempts, []);
  });

  it('the built CLI: sentinel scan examples/ in every format loads none of them', { skip }, () => {
    for (const f of ['json', 'sarif', 'html', 'markdown', 'text']) {
      const r = isolated({ file: join(ROOT, 'bin', 'sentinel.js'), argv: ['scan', 'examples/', '-f', f] }, false);
      assert.equal(r.code, 1, `${f}: ${r.stderr}`);
      assert.equal(r.stderr, '', f);
      assert.deepEqual(r.attempts, [], f);
    }
  });
});

describe('the features that need them', () => {
  it('sentinel worker and submit: exit 2 naming bullmq and ioredis and how to install them', () => {
    for (const argv of [
      ['worker', '--redis', 'redis://127.0.0.1:9', '--root', 'examples'],
      ['submit', '--redis', 'redis://127.0.0.1:9', 'examples/models'],
    ]) {
      const r = isolated({ script: cliScript(argv) });
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { code: number; err: string };
      assert.equal(out.code, 2, out.err);
      assert.match(
        out.err,
        /^sentinel: (bullmq|ioredis) is not installed: the Redis queue \(sentinel worker, sentinel submit\) needs the optional packages bullmq, ioredis \(npm install bullmq ioredis\)\n$/,
      );
      assert.ok(r.attempts.length > 0, 'the harness saw the attempt');
    }
  });

  it('sentinel serve: exit 2 naming prom-client', () => {
    const r = isolated({ script: cliScript(['serve', '--root', 'examples', '--port', '0']) });
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { code: number; err: string };
    assert.equal(out.code, 2, out.err);
    assert.match(
      out.err,
      /prom-client is not installed: the HTTP service \(sentinel serve\) needs .*npm install prom-client/,
    );
    assert.deepEqual(r.attempts, ['prom-client']);
  });

  const signed = sharedPath('conformance', 'model-signing', 'v1.1.0-sigstore');
  it(
    'a keyless (Sigstore) signature is not verified and never valid: the reason names the packages',
    { skip: existsSync(signed) ? false : sharedSkip(signed) },
    () => {
      const r = isolated({
        script: `
import { scan } from './src/api/index.ts';
const r = await scan(${JSON.stringify(signed)}, {
  rules: ['SIGN'], now: new Date('2026-01-15T00:00:00Z'),
  signatures: { require: true, identities: [{ identity: 'stefanb@us.ibm.com', issuer: 'https://sigstore.verify.ibm.com/oauth2' }] },
});
const v = r.signatures[0];
console.log(JSON.stringify({ standing: v.standing, reason: v.reason, passed: r.summary.gate.passed, rules: r.findings.map((f) => f.ruleId) }));
`,
      });
      assert.equal(r.code, 0, r.stderr);
      const v = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
        standing: string;
        reason: string;
        passed: boolean;
        rules: string[];
      };
      assert.equal(v.standing, 'untrusted');
      assert.match(v.reason, /keyless \(Sigstore\) signature verification needs .*npm install @sigstore\/bundle/);
      assert.equal(v.passed, false, 'a required signature that was not verified fails the gate');
      assert.ok(
        v.rules.some((id) => id.startsWith('SIGN-')),
        v.rules.join(),
      );
      assert.ok(r.attempts.some((a) => a.startsWith('@sigstore/')));
    },
  );
});

describe('package.json', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    peerDependencies: Record<string, string>;
    peerDependenciesMeta: Record<string, { optional?: boolean }>;
    devDependencies: Record<string, string>;
    scripts: Record<string, string>;
  };

  it('declares exactly the optional packages as optional peers (also installed for development), none as dependencies', () => {
    assert.deepEqual(Object.keys(pkg.peerDependencies).sort(), [...OPTIONAL].sort());
    for (const p of OPTIONAL) {
      assert.equal(pkg.peerDependenciesMeta[p]?.optional, true, p);
      assert.equal(pkg.dependencies[p], undefined, p);
      assert.equal(pkg.devDependencies[p], pkg.peerDependencies[p], `${p}: the tested version range`);
    }
  });

  it('has no install scripts: the build runs when the package is packed (prepack), never when it is installed', () => {
    for (const s of ['preinstall', 'install', 'postinstall', 'prepare', 'prepublish'])
      assert.equal(pkg.scripts[s], undefined, s);
    assert.match(pkg.scripts['prepack'] ?? '', /npm run build\b.*npm run build:types/);
  });
});
