// The committed loader-parity inputs (scripts/fixtures/loader-parity.py, test/fixtures/loader-parity/): files a real
// loader reads differently from a shallow reading, or whose load does exponential work, each with its benign twin.
// Each must end with the findings its manifest names and the gate result it names (twins pass). Where
// /usr/bin/python3 has the loader's library, the real loader proves it: the payload runs, the load hangs, or
// (twins) it loads without the marker.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cli } from '../helpers/cli.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const DIR = join(ROOT, 'test/fixtures/loader-parity');
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
  reaches?: boolean | 'hangs';
}
interface Fixture {
  file: string;
  kind: string;
  note: string;
  expect: Expect;
  proofs?: Proof[];
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

describe('loader-parity fixtures: findings and gate result', () => {
  for (const f of manifest.fixtures) {
    it(`${f.file} (${f.kind}) ${f.expect.blocked ? 'is blocked' : 'passes'}`, async () => {
      const r = await cli(['artifact', join(DIR, f.file), '--format', 'json']);
      const report = JSON.parse(r.stdout) as { findings: { ruleId: string }[]; errors: { message: string }[] };
      const rules = new Set(report.findings.map((x) => x.ruleId));
      for (const rule of f.expect.rules) assert.ok(rules.has(rule), `${rule} missing; got ${[...rules].join(', ')}`);
      if (!f.expect.blocked) assert.deepEqual([...rules], [], 'a benign twin has no finding');
      assert.equal(r.code, f.expect.blocked ? 1 : 0, `exit code; findings ${[...rules].join(', ')}`);
      assert.deepEqual(report.errors, [], 'no scan error');
    });
  }
});

describe('loader-parity fixtures: the real loader (proof)', () => {
  for (const f of manifest.fixtures) {
    for (const p of f.proofs ?? []) {
      const needs = p.needs ?? [];
      const skip = hasModules(needs) ? false : `needs ${PYTHON} with ${needs.join(', ') || 'the standard library'}`;
      const what =
        p.reaches === false ? 'loads it without the marker' : p.reaches === 'hangs' ? 'does not finish' : 'runs it';
      it(`${f.file}: ${p.loader} ${what}`, { skip }, async () => {
        if (p.reaches === 'hangs') {
          assert.equal(await prove(f, p, 3000), 'timeout');
          return;
        }
        const out = await prove(f, p, 120_000);
        if (p.reaches === false) assert.ok(!out.includes(manifest.marker) && out !== 'timeout', out);
        else assert.ok(out.includes(manifest.marker), `marker not printed: ${out}`);
      });
    }
  }
});
