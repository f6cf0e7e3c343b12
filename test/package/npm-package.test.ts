// The npm package the way users get it: `npm pack`, `npm install ./sentinel-ml-*.tgz --ignore-scripts` in a fresh
// folder outside the repo, then the bundled examples through `npx sentinel artifact …` (exit codes, JSON), the
// Node API imported as `sentinel-ml` from that folder (every export used, the README's API example run), and the
// shipped .d.ts checked by tsc. The tarball holds exactly what runs: the entry points and the chunks they import.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compile2020, errorsText } from '../helpers/json-schema.js';
import { installPackage, ROOT, type InstalledPackage } from '../helpers/packed-package.js';

let pkg: InstalledPackage;
before(() => {
  pkg = installPackage('sentinel-npm-');
});
after(() => rmSync(dirname(pkg.dir), { recursive: true, force: true }));

const EXAMPLES = join(ROOT, 'examples', 'models');
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function npx(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('npx', ['--no-install', 'sentinel', ...args], {
    cwd: pkg.dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function node(script: string, args: string[] = []): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [script, ...args], { cwd: pkg.dir, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the packed tarball', () => {
  let files: string[];
  before(() => {
    files = execFileSync('tar', ['tzf', pkg.tarball], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ''))
      .sort();
  });

  it('holds only the package manifest, README, the bin, the bundles, their data files, the bundled types and the schemas', () => {
    const allowed =
      /^(package\.json|README\.md|CHANGELOG\.md|LICENSE|bin\/(sentinel|load-bundle|preconnect)\.js|bin\/package\.json|dist\/bin\/(sentinel\.js|sentinel\.js\.cache|sentinel\.js\.python\.cache|sentinel-lazy\.js|sentinel-lazy\.js\.cache|sentinel-lazy\.js\.python\.cache|scan-worker\.js|scan-thread-worker\.js|package\.json)|dist\/lib\/[\w-]+\.js|dist\/(?:bin|lib)\/data\/[\w/.-]+\.json|dist\/types\/sentinel-ml\.d\.ts|schemas\/[\w.-]+\.json)$/;
    assert.deepEqual(
      files.filter((f) => !allowed.test(f)),
      [],
    );
    for (const f of [
      'bin/sentinel.js',
      // Opens the Hub's connection while the CLI loads (bin/sentinel.js requires it for hf:// arguments).
      'bin/preconnect.js',
      'dist/bin/sentinel.js',
      // The modules a model scan never runs, loaded on their first dynamic import (scripts/bundle.mjs).
      'dist/bin/sentinel-lazy.js',
      'dist/bin/sentinel-lazy.js.cache',
      'dist/bin/sentinel-lazy.js.python.cache',
      'dist/lib/index.js',
      'dist/lib/scan-worker.js',
      // The allowlist packs are read beside each bundle when a scan needs them.
      'dist/bin/data/rules/data/packs/python.json',
      'dist/lib/data/rules/data/packs/python.json',
    ]) {
      assert.ok(files.includes(f), `${f} missing`);
    }
  });

  it('ships no install script, and installs without the optional packages (queue, service metrics, Sigstore)', () => {
    const packed = JSON.parse(
      execFileSync('tar', ['xzfO', pkg.tarball, 'package/package.json'], { encoding: 'utf8' }),
    ) as { scripts?: Record<string, string>; peerDependencies: Record<string, string> };
    for (const s of ['preinstall', 'install', 'postinstall', 'prepare'])
      assert.equal(packed.scripts?.[s], undefined, `${s} in the packed package.json`);
    const installed = (name: string): boolean => existsSync(join(pkg.dir, 'node_modules', name, 'package.json'));
    assert.ok(installed('sentinel-ml') && installed('yaml'), 'the install is where it is looked for');
    for (const name of [...Object.keys(packed.peerDependencies), 'msgpackr'])
      assert.equal(installed(name), false, `${name} was installed with the package`);
  });

  it('carries the MIT licence text package.json names', () => {
    assert.ok(files.includes('LICENSE'));
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { license: string };
    assert.equal(manifest.license, 'MIT');
    assert.match(readFileSync(join(ROOT, 'LICENSE'), 'utf8'), /^MIT License\n/);
  });

  it('`npm publish --dry-run` is clean: no warning other than the missing registry login', () => {
    const r = spawnSync('npm', ['publish', '--dry-run', '--ignore-scripts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, npm_config_loglevel: 'warn' },
    });
    assert.equal(r.status, 0, r.stderr);
    const warnings = r.stderr
      .split('\n')
      .filter((l) => /^npm (warn|WARN|error|ERR)/.test(l))
      .filter((l) => !/requires you to be logged in|Unknown (user|project|env) config/.test(l));
    assert.deepEqual(warnings, []);
    assert.match(r.stdout + r.stderr, /\+ sentinel-ml@/);
  });

  it('every script in it is loaded from an entry point, and every relative import it makes is in it', () => {
    const dir = join(dirname(pkg.dir), 'unpacked');
    execFileSync('mkdir', ['-p', dir]);
    execFileSync('tar', ['xzf', pkg.tarball, '-C', dir]);
    const root = join(dir, 'package');
    const seen = new Set<string>();
    const missing: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(join(root, file), 'utf8');
      for (const m of text.matchAll(
        /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g,
      )) {
        const target = posix.normalize(posix.join(posix.dirname(file), m[1]!));
        if (!files.includes(target)) missing.push(`${file} → ${m[1]}`);
        else if (target.endsWith('.js')) visit(target);
      }
    };
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      exports: Record<string, { import?: string; types?: string } | string>;
    };
    for (const b of Object.values(manifest.bin)) visit(posix.normalize(b));
    visit(posix.normalize((manifest.exports['.'] as { import: string }).import));
    // Loaded by path rather than by import: the CLI bundle's two scripts (bin/load-bundle.js compiles each with its
    // code cache) and the scan-pool workers (the engine starts ./scan-worker.js beside its own code) and
    // `sentinel serve`'s scan threads (./scan-thread-worker.js beside the bundle).
    for (const f of [
      'dist/bin/sentinel.js',
      'dist/bin/sentinel-lazy.js',
      'dist/bin/scan-worker.js',
      'dist/bin/scan-thread-worker.js',
      'dist/lib/scan-worker.js',
    ])
      visit(f);
    assert.deepEqual(missing, []);
    assert.deepEqual(
      files.filter((f) => f.endsWith('.js') && !seen.has(f)),
      [],
      'scripts no entry point loads',
    );
  });
});

describe('npx sentinel artifact … (the installed binary)', () => {
  it('gates the bundled examples: the malicious model fails with exit 1 and PICKLE-EXEC in the JSON', () => {
    const r = npx(['artifact', EXAMPLES, '--format', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as {
      summary: { exitCode: number; files: number };
      findings: { ruleId: string; where: string }[];
    };
    const validate = compile2020(
      JSON.parse(readFileSync(join(pkg.dir, 'node_modules', 'sentinel-ml', 'schemas', 'report.schema.json'), 'utf8')),
    );
    assert.ok(validate(report), errorsText(validate.errors));
    assert.equal(report.summary.exitCode, 1);
    assert.equal(report.summary.files, 5);
    const exec = report.findings.filter((f) => f.ruleId === 'PICKLE-EXEC');
    assert.ok(exec.length > 0 && exec.every((f) => f.where.includes('downloaded_model.bin')));
  });

  it('passes the clean examples with exit 0 (pickle, joblib, torch zip)', () => {
    const r = npx([
      'artifact',
      ...['classifier.pkl', 'classifier.joblib', 'weights.pt'].map((f) => join(EXAMPLES, f)),
      '--format',
      'json',
    ]);
    assert.equal(r.code, 0, r.stderr + r.stdout.slice(0, 2000));
    assert.equal((JSON.parse(r.stdout) as { findings: unknown[] }).findings.length, 0);
  });

  it('reports its version and exits 2 on a usage error', () => {
    const v = npx(['--version']);
    assert.equal(v.code, 0);
    assert.equal(v.stdout.trim(), version);
    const bad = npx(['artifact', EXAMPLES, '--format', 'pdf']);
    assert.equal(bad.code, 2);
  });
});

describe("import … from 'sentinel-ml' (the Node API, from a separate folder)", () => {
  const RUNTIME_EXPORTS = [
    'PRESET_NAMES',
    'REPORT_FORMATS',
    'SAFETY_LEVELS',
    'SEVERITIES',
    'SentinelError',
    'convert',
    'listTargets',
    'loadPolicy',
    'renderReport',
    'scan',
  ];

  it('exports exactly the documented runtime names, and a consumer uses each of them', () => {
    writeFileSync(
      join(pkg.dir, 'consumer.mjs'),
      `import * as api from 'sentinel-ml';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
const { scan, loadPolicy, renderReport, convert, listTargets, SentinelError, REPORT_FORMATS, SEVERITIES, SAFETY_LEVELS, PRESET_NAMES } = api;
const evil = readFileSync(${JSON.stringify(join(EXAMPLES, 'downloaded_model.bin'))});
const policy = await loadPolicy({ text: 'preset: ' + PRESET_NAMES[0] + '\\nfail_on: [' + SEVERITIES[0] + ']\\n', source: 'inline.yml' });
const report = await scan(
  [{ name: 'upload.bin', bytes: evil }, { name: 'stream.pkl', stream: Readable.from([evil]) }, ${JSON.stringify(join(EXAMPLES, 'weights.pt'))}],
  { policy, maxAcceptableSeverity: SAFETY_LEVELS[0], signal: AbortSignal.timeout(60000) },
);
const rendered = {};
for (const f of REPORT_FORMATS) rendered[f] = (await renderReport(report, f)).length;
let error;
try { await scan('x', { rules: ['NOPE'] }); } catch (e) { error = e instanceof SentinelError ? e.code : String(e); }
const json = JSON.parse(await renderReport(report, 'json'));
const listed = await listTargets([${JSON.stringify(join(EXAMPLES, 'weights.pt'))}]);
const converted = await convert(${JSON.stringify(join(EXAMPLES, 'weights.pt'))}, { outDir: ${JSON.stringify(pkg.dir)}, force: true });
console.log(JSON.stringify({ names: Object.keys(api).sort(), exitCode: report.summary.exitCode, files: report.files.map((f) => f.path),
  exec: report.findings.filter((f) => f.ruleId === 'PICKLE-EXEC').length, source: report.policy.source, rendered, error,
  sameAsJson: JSON.stringify(json) === JSON.stringify(report), tensors: converted.tensors.length,
  listed: listed.files.map((f) => f.path) }));
`,
    );
    const r = node('consumer.mjs');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual(out['names'], RUNTIME_EXPORTS);
    assert.equal(out['exitCode'], 1);
    assert.deepEqual(out['files'], ['upload.bin', 'stream.pkl', join(EXAMPLES, 'weights.pt')]);
    assert.ok((out['exec'] as number) >= 2);
    assert.equal(out['source'], 'inline.yml');
    assert.equal(out['error'], 'usage');
    assert.equal(out['sameAsJson'], true);
    assert.ok((out['tensors'] as number) > 0);
    assert.deepEqual(out['listed'], [join(EXAMPLES, 'weights.pt')]);
    for (const [f, n] of Object.entries(out['rendered'] as Record<string, number>)) assert.ok(n > 100, f);
  });

  it("the README's Node API example (examples/ci/node-api.mjs) refuses the malicious model and accepts a clean one", () => {
    copyFileSync(join(ROOT, 'examples', 'ci', 'node-api.mjs'), join(pkg.dir, 'node-api.mjs'));
    const bad = node('node-api.mjs', [join(EXAMPLES, 'downloaded_model.bin')]);
    assert.equal(bad.code, 1, bad.stderr);
    assert.match(bad.stdout, /PICKLE-EXEC/);
    assert.match(bad.stderr, /^refused: /);
    const good = node('node-api.mjs', [join(EXAMPLES, 'classifier.pkl')]);
    assert.equal(good.code, 0, good.stderr);
    assert.equal(good.stderr, '');
  });

  it('its bundled .d.ts type-checks a TypeScript consumer, and catches a wrong option', () => {
    // One tsc run: the consumer must compile, and the marked wrong option must be an error (an expect-error
    // directive that is not needed is itself an error, so a .d.ts that accepted anything would fail here).
    writeFileSync(
      join(pkg.dir, 'consumer.ts'),
      `import { scan, loadPolicy, renderReport, type ScanOptions, type SentinelReport, type Finding } from 'sentinel-ml';
const options: ScanOptions = { rules: ['PICKLE'], failOn: ['CRITICAL'], jobs: 2, signal: AbortSignal.timeout(1000) };
// @ts-expect-error: not a severity
const wrong: ScanOptions = { failOn: ['SEVERE'] };
const report: SentinelReport = await scan([{ name: 'a.pkl', bytes: new Uint8Array() }], { ...options, policy: await loadPolicy() });
const first: Finding | undefined = report.findings[0];
const text: string = await renderReport(report, 'sarif', { docsUrl: 'https://example.com/' });
export { first, text, wrong };
`,
    );
    const r = spawnSync(
      join(ROOT, 'node_modules', '.bin', 'tsc'),
      [
        ...['--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext'],
        ...['--types', 'node', '--typeRoots', join(ROOT, 'node_modules', '@types'), 'consumer.ts'],
      ],
      { cwd: pkg.dir, encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
});
