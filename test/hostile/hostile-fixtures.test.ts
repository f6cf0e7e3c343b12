// The committed hostile inputs and loader bypasses (scripts/fixtures/hostile.py, test/fixtures/hostile/): each one
// must end with the findings its manifest names and fail the gate (also under a policy that admits the class whose
// hook carries the payload). Where /usr/bin/python3 has the loader's library, the test also proves the payload is
// live: the real loader, run on the same file, prints the harmless marker.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cli } from '../helpers/cli.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const DIR = join(ROOT, 'test/fixtures/hostile');
const PROVER = join(ROOT, 'test/tools/prove_payload.py');
const PYTHON = '/usr/bin/python3';

interface Expect {
  rules: string[];
  blocked: boolean;
}

interface Proof {
  loader: string;
  member?: string;
  needs?: string[];
  /** Default true: the marker is printed. false: the loader refuses the file. 'hangs': it does not finish. */
  reaches?: boolean | 'hangs';
}

interface Fixture {
  file: string;
  kind: string;
  note: string;
  expect: Expect;
  proofs?: Proof[];
  /** A second scan under a policy admitting the class by also_allow: the hook must still be found. */
  withPolicy?: { also_allow: string[]; expect: Expect };
}

const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as {
  marker: string;
  fixtures: Fixture[];
};

const available = new Map<string, boolean>();
function hasModules(mods: readonly string[]): boolean {
  if (!existsSync(PYTHON)) return false;
  const key = mods.join(',');
  let ok = available.get(key);
  if (ok === undefined) {
    ok = spawnSync(PYTHON, ['-c', mods.map((m) => `import ${m}`).join('; ') || 'pass']).status === 0;
    available.set(key, ok);
  }
  return ok;
}

/** Runs the real loader on the file; resolves with its stdout, or 'timeout' when it did not finish. */
function prove(f: Fixture, p: Proof, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const args = [PROVER, p.loader, join(DIR, f.file), ...(p.member ? [p.member] : [])];
    const child = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('timeout');
    }, timeoutMs);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

async function check(file: string, expect: Expect, extra: string[] = []): Promise<void> {
  const r = await cli(['artifact', join(DIR, file), '--format', 'json', ...extra]);
  const report = JSON.parse(r.stdout) as { findings: { ruleId: string }[]; errors: { message: string }[] };
  const rules = new Set(report.findings.map((x) => x.ruleId));
  for (const rule of expect.rules) assert.ok(rules.has(rule), `${rule} missing; got ${[...rules].join(', ')}`);
  assert.equal(r.code, expect.blocked ? 1 : 0, `exit code; findings ${[...rules].join(', ')}`);
  assert.deepEqual(
    report.errors.filter((e) => e.message.startsWith('internal error')),
    [],
    'no internal error',
  );
}

describe('hostile fixtures: Sentinel blocks each one with the expected findings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-hostile-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  for (const f of manifest.fixtures) {
    it(`${f.file} (${f.kind})`, () => check(f.file, f.expect));
    const w = f.withPolicy;
    if (w !== undefined) {
      it(`${f.file} with also_allow ${w.also_allow.join(', ')}: the hook is still found`, async () => {
        const policy = join(dir, `${f.file}.yml`);
        const entries = w.also_allow.map((n) => `  - name: ${n}\n    justification: test`).join('\n');
        writeFileSync(policy, `also_allow:\n${entries}\n`);
        await check(f.file, w.expect, ['--policy', policy]);
      });
    }
  }
});

describe('hostile fixtures: the real loader reaches the payload (proof)', () => {
  for (const f of manifest.fixtures) {
    for (const p of f.proofs ?? []) {
      const needs = p.needs ?? [];
      const skip = hasModules(needs) ? false : `needs ${PYTHON} with ${needs.join(', ') || 'the standard library'}`;
      const what = p.reaches === false ? 'refuses it' : p.reaches === 'hangs' ? 'does not finish' : 'runs the payload';
      it(`${f.file}: ${p.loader} ${what}`, { skip }, async () => {
        if (p.reaches === 'hangs') {
          assert.equal(await prove(f, p, 3000), 'timeout');
          return;
        }
        const out = await prove(f, p, 120_000);
        if (p.reaches === false) assert.ok(!out.includes(manifest.marker), out);
        else assert.ok(out.includes(manifest.marker), `marker not printed: ${out}`);
      });
    }
  }
});
