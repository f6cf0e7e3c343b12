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
import { decisionCounts, gateReasons } from '../../src/report/plain-words.js';
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
    assert.equal(
      (text.match(/ · (blocks the release|fails the gate|ticket \(does not fail the gate\)|passes)/gm) ?? []).length,
      report.findings.length,
    );
    // The fix and the retest command stay in the compact form, one of each per finding.
    assert.equal((text.match(/^ {2}fix: /gm) ?? []).length, report.findings.length);
    assert.equal((text.match(/^ {2}retest: sentinel scan /gm) ?? []).length, report.findings.length);
  });

  it('the full record fits 100 columns by default and a given width, breaking lines only between words', () => {
    for (const width of [100, 72]) {
      const text = renderText(report, width === 100 ? {} : { width });
      for (const line of text.split('\n')) assert.ok(line.length <= width, `over ${width} columns: ${line}`);
      // Joined back, the wrapped record holds each finding's fix hint whole (no word was cut).
      const joined = text.replace(/\n +/g, ' ');
      for (const f of report.findings) assert.ok(joined.includes(f.fix), `${f.ruleId}: fix cut or lost`);
    }
  });

  it('the verdict speaks words, not policy keys or (s) plurals, and names each file once per finding', () => {
    for (const text of [renderText(report), renderText(report, { compact: true })]) {
      assert.doesNotMatch(text, /fail_on|ticket_on|max_acceptable_severity|\(s\)/);
      assert.match(text, /^Gate: FAILED: \d+ (new )?findings? fails? the release/m);
      assert.doesNotMatch(text, /\.pkl@\d/, 'no stream offset glued to a path');
    }
  });

  it('text, Markdown and HTML give the gate reasons and decision counts in the same words', () => {
    const text = renderText(report, { width: 10_000 });
    const markdown = renderMarkdown(report);
    const html = renderHtml(report);
    const unescape = (s: string): string => s.replace(/\\(.)/g, '$1');
    for (const reason of gateReasons(report.summary.gate)) {
      assert.ok(text.includes(reason), `text: ${reason}`);
      assert.ok(unescape(markdown).includes(reason), `markdown: ${reason}`);
      assert.ok(html.includes(reason), `html: ${reason}`);
    }
    const counts = decisionCounts(report.summary.gate);
    assert.ok(counts.length >= 4, counts.join());
    for (const c of counts) {
      // The text report counts the findings that fail the release in its gate line (a gate reason, checked above).
      if (!c.endsWith(' the release')) assert.ok(text.includes(c), `text: ${c}`);
      assert.ok(markdown.includes(c), `markdown: ${c}`);
      assert.ok(html.includes(c), `html: ${c}`);
    }
    for (const out of [markdown, html]) assert.doesNotMatch(out, /\((s|ies)\)|max_acceptable_severity|fail_on \(/);
  });

  it('renderers are pure: rendering twice gives the same bytes and leaves the report untouched', () => {
    const snapshot = JSON.stringify(report);
    for (const [, render] of RENDERERS) assert.equal(render(report), render(report));
    assert.equal(JSON.stringify(report), snapshot);
  });
});
