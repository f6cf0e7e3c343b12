// schemas/report.schema.json: generated from the zod schema (drift fails), and real CLI JSON output validates
// against it with ajv (additional properties are refused, so an unschema'd report field fails here).
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { reportJsonSchema } from '../../src/report/report-schema.js';
import { renderJson } from '../../src/report/json.js';
import { cli } from '../helpers/cli.js';
import { compile2020, errorsText } from '../helpers/json-schema.js';
import { evilPickle, P } from '../helpers/pickle-builder.js';
import { sampleReport } from '../helpers/sample-report.js';

interface Report {
  summary: { gate: { baseline?: unknown } };
  findings: { fingerprint: string; baseline?: string }[];
}

const FILE = join(import.meta.dirname, '..', '..', 'schemas', 'report.schema.json');
let validate: ValidateFunction;
let dir: string;

before(() => {
  validate = compile2020(JSON.parse(readFileSync(FILE, 'utf8')));
  dir = mkdtempSync(join(tmpdir(), 'sentinel-schema-'));
  writeFileSync(join(dir, 'evil.pkl'), evilPickle());
  writeFileSync(join(dir, 'clean.pkl'), new P().proto(4).emptyDict().stop().bytes());
  writeFileSync(join(dir, 'unknown.pkl'), new P().proto(4).stackGlobal('mylib', 'Net').stop().bytes());
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('schemas/report.schema.json', () => {
  it('matches the zod schema (regenerate: node --import tsx scripts/gen-schemas.ts)', () => {
    assert.deepEqual(JSON.parse(readFileSync(FILE, 'utf8')), reportJsonSchema());
  });

  it('real CLI output validates (plain run, and with a baseline and a policy)', async () => {
    const first = await cli(['artifact', dir, '--format', 'json']);
    const j = JSON.parse(first.stdout) as Report;
    assert.ok(validate(j), errorsText(validate.errors));
    writeFileSync(join(dir, 'prev.json'), first.stdout);
    writeFileSync(
      join(dir, 'policy.yml'),
      `preset: moderate\nalso_allow:\n  - mylib.Other\nacceptances:\n  - fingerprint: ${j.findings[0]!.fingerprint}\n    owner: a\n    reason: b\n    expires: 2020-01-01\n`,
    );
    const second = await cli([
      'artifact',
      join(dir, 'evil.pkl'),
      '--format',
      'json',
      '--baseline',
      join(dir, 'prev.json'),
      '--policy',
      join(dir, 'policy.yml'),
    ]);
    const k = JSON.parse(second.stdout) as Report;
    assert.ok(validate(k), errorsText(validate.errors));
    assert.ok(k.summary.gate.baseline);
    assert.ok(k.findings.every((f: { baseline?: string }) => f.baseline !== undefined));
  });

  it('the sample report validates', async () => {
    assert.ok(validate(JSON.parse(renderJson(await sampleReport()))), errorsText(validate.errors));
  });

  it('rejects reports with unknown fields or wrong values (the test can fail)', async () => {
    const j = JSON.parse(renderJson(await sampleReport()));
    j.findings[0].surprise = 1;
    j.summary.gate.preset = 'lax';
    assert.equal(validate(j), false);
    const text = errorsText(validate.errors);
    assert.match(text, /\/findings\/0 must NOT have additional properties/);
    assert.match(text, /\/summary\/gate\/preset must be equal to one of the allowed values/);
  });
});
