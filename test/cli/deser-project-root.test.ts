// Cross-file DESER through the built CLI, however the code is named: a src-layout repository (pyproject.toml,
// src/<pkg>/ with an empty __init__.py, absolute imports) whose Flask handler passes the request body to
// pickle.loads in another module is found when the repository root, src/, the package folder, both files, or
// only the handler file (what pre-commit and diff-based CI pass) is scanned; the benign twin passes every way.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..');
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function repo(loader: 'pickle' | 'json'): string {
  const dir = mkdtempSync(join(tmpdir(), 'deser-src-layout-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'src', 'mlsvc'), { recursive: true });
  writeFileSync(join(dir, 'pyproject.toml'), '[project]\nname = "mlsvc"\nversion = "0.1.0"\n');
  writeFileSync(join(dir, 'src', 'mlsvc', '__init__.py'), '');
  writeFileSync(
    join(dir, 'src', 'mlsvc', 'api.py'),
    [
      'from flask import Flask, request',
      '',
      'from mlsvc.state import restore',
      '',
      'app = Flask(__name__)',
      '',
      '',
      '@app.post("/restore")',
      'def restore_state():',
      '    return str(restore(request.get_data()))',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'src', 'mlsvc', 'state.py'),
    `import ${loader}\n\n\ndef restore(blob):\n    return ${loader}.loads(blob)\n`,
  );
  return dir;
}

function scan(cwd: string, args: string[]): { status: number | null; findings: string[] } {
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'bin', 'sentinel.js'), 'artifact', ...args, '--rule', 'DESER', '--format', 'json'],
    { cwd, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  const report = JSON.parse(r.stdout) as {
    findings: { ruleId: string; location: { chain: string[]; line: number } }[];
  };
  return {
    status: r.status,
    findings: report.findings.map(
      (f) => `${f.ruleId} ${f.location.chain[0]!.split(/[\\/]/).slice(-2).join('/')}:${f.location.line}`,
    ),
  };
}

const INVOCATIONS = [
  ['.'],
  ['src'],
  ['src/mlsvc'],
  ['src/mlsvc/api.py', 'src/mlsvc/state.py'],
  ['src/mlsvc/api.py'],
  ['src/mlsvc/state.py'],
];

describe('DESER across files, independent of how the files are named (CLI)', () => {
  const vulnerable = repo('pickle');
  const benign = repo('json');
  for (const args of INVOCATIONS) {
    it(`sentinel artifact ${args.join(' ')}: the handler → pickle.loads path is found`, () => {
      const r = scan(vulnerable, args);
      assert.deepEqual(r.findings, ['DESER-NETWORK-INPUT mlsvc/state.py:5']);
      assert.equal(r.status, 1);
    });
    it(`sentinel artifact ${args.join(' ')}: the json twin passes`, () => {
      const r = scan(benign, args);
      assert.deepEqual(r.findings, []);
      assert.equal(r.status, 0);
    });
  }
});
