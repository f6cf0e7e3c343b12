// Sentinel's own outputs in a scanned folder: every report kind, a baseline and the starter policy written into the
// folder are recognised by their content, left out of the next scan and listed as skipped with the reason; a file of
// the same name that Sentinel did not write (or that holds more than Sentinel writes) is scanned.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { renderReport, scan } from '../../src/api/index.js';
import { starterPolicy } from '../../src/policy/starter-policy.js';
import { OWN_POLICY_HEADER, POLICY_KEYS, REPORT_KEYS } from '../../src/sources/own-output.js';
import { evilPickle } from '../helpers/pickle-builder.js';

let dir: string;
const OWN: Record<string, string> = {};

const rel = (p: string): string => p.split('\\').join('/').replace(`${dir}/`, '');

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-own-output-'));
  mkdirSync(join(dir, 'm'));
  writeFileSync(join(dir, 'm', 'model.pkl'), evilPickle());
  const first = await scan([join(dir, 'm')]);
  const kinds: [string, 'json' | 'sarif' | 'cyclonedx' | 'html' | 'markdown' | 'junit' | 'gitlab' | 'text', string][] =
    [
      ['baseline.json', 'json', 'JSON report'],
      ['report.sarif', 'sarif', 'SARIF report'],
      ['bom.cdx.json', 'cyclonedx', 'CycloneDX BOM'],
      ['report.html', 'html', 'HTML report'],
      ['report.md', 'markdown', 'Markdown report'],
      ['junit.xml', 'junit', 'JUnit report'],
      ['gl-sast-report.json', 'gitlab', 'GitLab SAST report'],
      ['report.txt', 'text', 'text report'],
    ];
  for (const [name, format, kind] of kinds) {
    writeFileSync(join(dir, 'm', name), await renderReport(first, format));
    OWN[`m/${name}`] = kind;
  }
  writeFileSync(join(dir, 'm', 'sentinel-policy.yml'), starterPolicy());
  OWN['m/sentinel-policy.yml'] = 'policy';

  // Look-alikes: the same names, not written by Sentinel, or holding more than Sentinel writes.
  mkdirSync(join(dir, 'twins'));
  const t = (name: string, text: string | Uint8Array): void => writeFileSync(join(dir, 'twins', name), text);
  const report = JSON.parse(readFileSync(join(dir, 'm', 'baseline.json'), 'utf8')) as Record<string, unknown>;
  t('baseline.json', JSON.stringify({ ...report, tool: { name: 'other-scanner', version: '1' } }));
  t(
    'tokenizer_config.json',
    JSON.stringify({ ...report, chat_template: "{{ cycler.__init__.__globals__.os.popen('id').read() }}" }),
  );
  t('sentinel-policy.yml', 'fail_on: [CRITICAL]\n');
  t('policy.yml', `${OWN_POLICY_HEADER}\n_target_: os.system\n`);
  const html = readFileSync(join(dir, 'm', 'report.html'));
  t('report.html', Buffer.concat([html, Buffer.from('PK\x03\x04\x14\x00\x00\x00\x00\x00', 'latin1')]));
  t('page.html', '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n</head></html>\n');
  t('report.md', readFileSync(join(dir, 'm', 'report.md'), 'utf8').replace(/<sub>.*<\/sub>\n$/, 'a note\n'));
  t('report.sarif', readFileSync(join(dir, 'm', 'report.sarif'), 'utf8').replace('"name": "sentinel"', '"name": "x"'));
  // Another tool's JUnit report, and Sentinel's with a document type added (an entity an XML reader expands).
  const junit = readFileSync(join(dir, 'm', 'junit.xml'), 'utf8');
  t('junit.xml', junit.replace('<testsuites name="sentinel"', '<testsuites name="pytest"'));
  t('junit-entity.xml', junit.replace('?>\n', '?>\n<!DOCTYPE t [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'));
  // Another scanner's GitLab SAST report, and Sentinel's with a key of its own added.
  const gl = JSON.parse(readFileSync(join(dir, 'm', 'gl-sast-report.json'), 'utf8')) as {
    scan: { analyzer: object; scanner: object };
  };
  t(
    'gl-sast-report.json',
    JSON.stringify({ ...gl, scan: { ...gl.scan, scanner: { id: 'semgrep', name: 'Semgrep' } } }),
  );
  t('gl-extra.json', JSON.stringify({ ...gl, auto_map: { AutoModel: 'evil.Model' } }));
  // A pickle named like a text report (protocol 0 is printable text), another tool's text report with the same
  // title, and Sentinel's text report with a pickle appended after its gate line.
  t('report.txt', "cos\nsystem\n(S'id'\ntR.");
  const txt = readFileSync(join(dir, 'm', 'report.txt'), 'utf8');
  t('other.txt', txt.replace(/^(\S.*?) · sentinel /, '$1 · other-gate '));
  t('appended.txt', `${txt}cos\nsystem\n(S'id'\ntR.\n`);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe("Sentinel's own outputs in a scanned folder", () => {
  it('are left out of the scan and listed as skipped, each with what it is', async () => {
    const r = await scan([join(dir, 'm')]);
    assert.deepEqual(
      r.files.map((f) => rel(f.path)),
      ['m/model.pkl'],
      'only the model is scanned',
    );
    const skipped = Object.fromEntries((r.skipped ?? []).map((s) => [rel(s.path), s.reason]));
    for (const [path, kind] of Object.entries(OWN))
      assert.equal(skipped[path], `${kind} written by Sentinel (skipped by default)`, path);
    assert.equal(r.summary.files, 1);
  });

  it('a file of the same name that Sentinel did not write, or with more in it, is scanned', async () => {
    const r = await scan([join(dir, 'twins')]);
    assert.deepEqual(r.skipped ?? [], []);
    assert.deepEqual(r.files.map((f) => rel(f.path)).sort(), [
      'twins/appended.txt',
      'twins/baseline.json',
      'twins/gl-extra.json',
      'twins/gl-sast-report.json',
      'twins/junit-entity.xml',
      'twins/junit.xml',
      'twins/other.txt',
      'twins/page.html',
      'twins/policy.yml',
      'twins/report.html',
      'twins/report.md',
      'twins/report.sarif',
      'twins/report.txt',
      'twins/sentinel-policy.yml',
      'twins/tokenizer_config.json',
    ]);
    assert.ok(
      r.findings.some((f) => f.ruleId === 'PICKLE-EXEC' && f.where.includes('twins/report.txt')),
      'the pickle named report.txt is read as a pickle',
    );
    assert.ok(
      r.findings.some((f) => f.ruleId === 'MODEL-TEMPLATE-INJECTION' && f.where.includes('tokenizer_config.json')),
      'the template in a report look-alike is checked',
    );
  });

  it('an output named on the command line is scanned, and --no-default-skips scans them all', async () => {
    const named = await scan([join(dir, 'm', 'baseline.json')]);
    assert.equal(named.files.length, 1);
    const all = await scan([join(dir, 'm')], { defaultSkips: false });
    assert.equal(all.files.length, 1 + Object.keys(OWN).length);
  });

  it("the markers follow the report schema's and the policy schema's top-level keys and the starter policy", () => {
    const schema = (f: string): string[] =>
      Object.keys(
        (
          JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'schemas', f), 'utf8')) as {
            properties: object;
          }
        ).properties,
      ).sort();
    assert.deepEqual([...REPORT_KEYS].sort(), schema('report.schema.json'));
    assert.deepEqual([...POLICY_KEYS].sort(), schema('policy.schema.json'));
    assert.ok(starterPolicy().startsWith(OWN_POLICY_HEADER + '\n'));
  });
});
