// A Python script named alone outside any package or project (no __init__.py, no pyproject.toml/setup.cfg/setup.py
// beside it) is a project of the files named with it: the modules of its folder it imports are not scanned. The
// report says so (a note in the text report, `notes` in JSON, naming those modules and the command that scans the
// folder); the note is not a finding and leaves the gate and the exit code alone. Scanning the folder, naming every
// module, or a script inside a project (its imports are followed) gives no note.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli } from '../helpers/cli.js';
import { compile2020, errorsText } from '../helpers/json-schema.js';

const SCHEMA = join(import.meta.dirname, '..', '..', 'schemas', 'report.schema.json');
const dirs: string[] = [];
let loose: string;
let project: string;

function app(dir: string): void {
  writeFileSync(
    join(dir, 'server.py'),
    [
      'import os',
      'from fastapi import FastAPI',
      'from models import load_state',
      'import settings',
      '',
      'app = FastAPI()',
      '',
      '',
      '@app.get("/model")',
      'def model(path: str):',
      '    return {"m": repr(load_state(path))}',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'models.py'),
    'import pickle\n\n\ndef load_state(p):\n    with open(p, "rb") as f:\n        return pickle.load(f)\n',
  );
  writeFileSync(join(dir, 'settings.py'), 'DEBUG = False\n');
  writeFileSync(join(dir, 'unused.py'), 'X = 1\n');
}

before(() => {
  loose = mkdtempSync(join(tmpdir(), 'deser-note-loose-'));
  project = mkdtempSync(join(tmpdir(), 'deser-note-project-'));
  dirs.push(loose, project);
  app(loose);
  app(project);
  writeFileSync(join(project, 'pyproject.toml'), '[project]\nname = "svc"\nversion = "0.1.0"\n');
});
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Report {
  notes?: { kind: string; path: string; modules: string[]; more?: number; hint: string }[];
  findings: { ruleId: string }[];
  summary: { exitCode: number };
}

async function json(args: string[]): Promise<{ code: number; report: Report }> {
  const r = await cli([...args, '--rule', 'DESER', '--format', 'json']);
  return { code: r.code, report: JSON.parse(r.stdout) as Report };
}

describe('a Python script named alone whose local imports are not scanned', () => {
  it('is noted in JSON (the imported local modules, the folder command) without a finding or a failed gate', async () => {
    const { code, report } = await json(['artifact', join(loose, 'server.py')]);
    assert.equal(code, 0);
    assert.deepEqual(report.findings, []);
    assert.deepEqual(report.notes, [
      {
        kind: 'imports-not-followed',
        path: join(loose, 'server.py'),
        modules: [join(loose, 'models.py'), join(loose, 'settings.py')],
        hint: `sentinel artifact ${loose} --rule DESER`,
      },
    ]);
    const validate = compile2020(JSON.parse(readFileSync(SCHEMA, 'utf8')));
    assert.ok(validate(report), errorsText(validate.errors));
  });

  it('is noted in the text report with the command that follows the imports', async () => {
    const r = await cli(['scan', join(loose, 'server.py'), '--rule', 'DESER']);
    assert.equal(r.code, 0);
    // The note is wrapped to the report's width: compare without the white space.
    const flat = r.stdout.replace(/\s+/g, '');
    assert.match(r.stdout, /^note: .*server\.py was scanned alone; the modules of its folder it imports/m);
    assert.ok(flat.includes(`(${join(loose, 'models.py')},${join(loose, 'settings.py')})werenot`), r.stdout);
    assert.ok(flat.includes(`scanthefolder:sentinelscan${loose}--ruleDESER`), r.stdout);
    assert.match(r.stdout, /Gate: PASSED/);
  });

  it('is not noted when the folder is scanned (the finding is reported) or every imported module is named', async () => {
    const folder = await json(['artifact', loose]);
    assert.equal(folder.report.notes, undefined);
    assert.deepEqual(
      folder.report.findings.map((f) => f.ruleId),
      ['DESER-UNSAFE-LOADER'],
    );
    const named = await json(['artifact', ...['server.py', 'models.py', 'settings.py'].map((f) => join(loose, f))]);
    assert.equal(named.report.notes, undefined);
  });

  it('is not noted inside a project, where the imports are followed and the loader is reported', async () => {
    const { code, report } = await json(['artifact', join(project, 'server.py')]);
    assert.equal(report.notes, undefined);
    assert.deepEqual(
      report.findings.map((f) => f.ruleId),
      ['DESER-UNSAFE-LOADER'],
    );
    assert.equal(code, 1);
  });
});
