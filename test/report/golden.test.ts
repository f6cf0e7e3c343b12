// Golden files: every reporter renders the one shared sample report, compared byte-for-byte with
// test/fixtures/golden/. Regenerate after an intended change with UPDATE_GOLDEN=1.
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { renderHtml } from '../../src/report/html.js';
import { renderJson } from '../../src/report/json.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import type { SentinelReport } from '../../src/report/report-model.js';
import { renderSarif } from '../../src/report/sarif.js';
import { renderText } from '../../src/report/text.js';
import { sampleReport } from '../helpers/sample-report.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'golden');
const update = process.env['UPDATE_GOLDEN'] === '1';

const RENDERERS: [string, (r: SentinelReport) => string][] = [
  ['sample.txt', (r) => renderText(r, { verbose: true })],
  ['sample.color.txt', (r) => renderText(r, { color: true })],
  ['sample.compact.txt', (r) => renderText(r, { compact: true, width: 80 })],
  ['sample.json', renderJson],
  ['sample.sarif', (r) => renderSarif(r, { docsBaseUri: 'https://example.com/sentinel/docs/rules/' })],
  ['sample.html', renderHtml],
  ['sample.md', renderMarkdown],
  ['sample.junit.xml', renderJunit],
];

let report: SentinelReport;
before(async () => {
  report = await sampleReport();
});

describe('golden outputs', () => {
  for (const [file, render] of RENDERERS) {
    it(file, () => {
      const got = render(report);
      const path = join(DIR, file);
      if (update) writeFileSync(path, got);
      assert.equal(got, readFileSync(path, 'utf8'), `${file} drifted; rerun with UPDATE_GOLDEN=1 if intended`);
    });
  }

  it('the compact text form fits 80 columns and gives one decision per finding', () => {
    const text = renderText(report, { compact: true, width: 80 });
    for (const line of text.split('\n')) assert.ok(line.length <= 80, `over 80 columns: ${line}`);
    for (const f of report.findings) {
      assert.ok(!text.includes(f.releaseDecision), 'the rule default decision text is for `explain` only');
    }
    assert.equal((text.match(/ · (block|gate|ticket|pass)/g) ?? []).length, report.findings.length);
  });

  it('renderers are pure: rendering twice gives the same bytes and leaves the report untouched', () => {
    const snapshot = JSON.stringify(report);
    for (const [, render] of RENDERERS) assert.equal(render(report), render(report));
    assert.equal(JSON.stringify(report), snapshot);
  });
});
