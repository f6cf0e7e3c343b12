// Manifest-driven fixtures proved by the real loader (test/tools/prove_payload.py under /usr/bin/python3): the
// manifest types, the check that the loader's libraries are installed, and the proof runner that the hostile and
// loader-parity fixture tests share.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';

const ROOT = new URL('../..', import.meta.url).pathname;
const PROVER = join(ROOT, 'test/tools/prove_payload.py');
export const PYTHON = '/usr/bin/python3';

export interface Expect {
  rules: string[];
  blocked: boolean;
}

export interface Proof {
  loader: string;
  member?: string;
  needs?: string[];
  /** Default true: the marker is printed. false: no marker (the loader refuses or loads it cleanly). 'hangs'. */
  reaches?: boolean | 'hangs';
}

export interface Fixture {
  file: string;
  kind: string;
  note: string;
  expect: Expect;
  proofs?: Proof[];
}

/** A fixture folder's manifest.json. */
export function readManifest<F extends Fixture>(dir: string): { marker: string; fixtures: F[] } {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { marker: string; fixtures: F[] };
}

const available = new Map<string, boolean>();
/** Whether /usr/bin/python3 imports every module of `mods`. */
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
function prove(file: string, p: Proof, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(PYTHON, [PROVER, p.loader, file, ...(p.member ? [p.member] : [])], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
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

/**
 * One test per proof of each fixture: the real loader prints the marker, does not finish, or (reaches: false) ends
 * without it. Skipped, with the reason, where the loader's libraries are not installed.
 */
export function itProvesEach(dir: string, manifest: { marker: string; fixtures: Fixture[] }, noMarker: string): void {
  for (const f of manifest.fixtures) {
    for (const p of f.proofs ?? []) {
      const needs = p.needs ?? [];
      const skip = hasModules(needs) ? false : `needs ${PYTHON} with ${needs.join(', ') || 'the standard library'}`;
      const what = p.reaches === false ? noMarker : p.reaches === 'hangs' ? 'does not finish' : 'runs the payload';
      it(`${f.file}: ${p.loader} ${what}`, { skip }, async () => {
        const file = join(dir, f.file);
        if (p.reaches === 'hangs') {
          assert.equal(await prove(file, p, 3000), 'timeout');
          return;
        }
        const out = await prove(file, p, 120_000);
        if (p.reaches === false) assert.ok(!out.includes(manifest.marker) && out !== 'timeout', out);
        else assert.ok(out.includes(manifest.marker), `marker not printed: ${out}`);
      });
    }
  }
}
