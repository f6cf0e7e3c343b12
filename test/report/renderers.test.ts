// Reporter properties beyond the goldens: escaping of attacker-controlled evidence in every format, the HTML
// page's self-containment and CSP, JUnit well-formedness, Markdown table safety and size, text colour rules.
/* eslint-disable no-control-regex -- these tests are about control characters */
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { escapeMarkdown, escapeMarkup } from '../../src/report/escape-markup.js';
import { renderHtml } from '../../src/report/html.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import type { SentinelReport } from '../../src/report/report-model.js';
import { renderText } from '../../src/report/text.js';
import { HOSTILE_MODULE, sampleReport } from '../helpers/sample-report.js';

let report: SentinelReport;
before(async () => {
  report = await sampleReport();
});

describe('escapeMarkup', () => {
  const table: [string, string][] = [
    ['<script>', '&#60;script&#62;'],
    ['a & b', 'a &#38; b'],
    [`"'`, '&#34;&#39;'],
    ['bell\u0007', 'bell\\u0007'],
    ['lone \ud800 surrogate', 'lone \\ud800 surrogate'],
    ['pair 😀 ok', 'pair 😀 ok'],
    ['tab\tnl\ncr\r', 'tab\tnl\ncr\r'],
  ];
  for (const [input, out] of table) it(JSON.stringify(input), () => assert.equal(escapeMarkup(input), out));
});

describe('escapeMarkdown', () => {
  const table: [string, string][] = [
    ['a|b', 'a\\|b'],
    ['`code`', '\\`code\\`'],
    ['<img src=x>', '&lt;img src=x&gt;'],
    ['[link](http://x)', '\\[link\\](http://x)'],
    ['ping @here and #12', 'ping @\u200bhere and #\u200b12'],
    ['file.pkl@17', 'file.pkl@17'],
    ['two\nlines', 'two lines'],
    ['**bold** _it_', '\\*\\*bold\\*\\* \\_it\\_'],
  ];
  for (const [input, out] of table) it(JSON.stringify(input), () => assert.equal(escapeMarkdown(input), out));
});

describe('HTML', () => {
  it('is self-contained: no external resource, no network URL', () => {
    const html = renderHtml(report);
    const tags = html.match(/<[a-zA-Z][^>]*>/g) ?? [];
    assert.ok(tags.length > 50);
    for (const t of tags) assert.doesNotMatch(t, /\s(src|href|xlink:href|action|formaction)=/i, t);
    const urls = [...html.matchAll(/https?:\/\/[^\s"'<)]+/g)].map((m) => m[0]);
    assert.deepEqual([...new Set(urls)], ['http://www.w3.org/2000/svg'], 'only the SVG namespace name');
    assert.doesNotMatch(html, /@import|url\(/);
  });

  it('its CSP allows exactly its own inline style and script (by hash) and nothing else', () => {
    const html = renderHtml(report);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!;
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    const h = (s: string): string => createHash('sha256').update(s).digest('base64');
    assert.match(csp, /^default-src 'none'; /);
    assert.ok(csp.includes(`style-src 'sha256-${h(style)}'`));
    assert.ok(csp.includes(`script-src 'sha256-${h(script)}'`));
    for (const t of html.match(/<[a-zA-Z][^>]*>/g) ?? []) {
      assert.doesNotMatch(t, /\sstyle=|\son[a-z]+=/i, `no inline style or handler attributes: ${t}`);
    }
  });

  it('escapes attacker-controlled evidence everywhere it appears', () => {
    const html = renderHtml(report);
    assert.ok(!html.includes(HOSTILE_MODULE));
    assert.equal((html.match(/<script>/g) ?? []).length, 1);
    assert.match(html, /&#60;script&#62;document\.body\.dataset\.pwned=1&#60;\/script&#62;/);
    assert.doesNotMatch(html, /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  });

  it('at phone width each table cell keeps its column label (data-label shown by the narrow-screen CSS)', () => {
    const html = renderHtml(report);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const narrow = style.slice(style.indexOf('@media (max-width:640px)'));
    assert.match(narrow, /thead\{display:none\}/, 'the header row is hidden at phone width');
    assert.match(narrow, /td\[data-label\]::before\{content:attr\(data-label\)/, 'so each cell shows its label');
    for (const id of ['findings', 'pickles', 'closed', 'files']) {
      const table = new RegExp(`<table id="${id}">([\\s\\S]*?)</table>`).exec(html)?.[1];
      assert.ok(table, `the sample report has a ${id} table`);
      const heads = [...table.matchAll(/<th[^>]*>(?:<button[^>]*>)?([^<]+)/g)].map((m) => m[1]!);
      const rows = [...table.matchAll(/<tr[ >][\s\S]*?<\/tr>/g)].map((m) => m[0]).filter((r) => r.includes('<td'));
      assert.ok(rows.length > 0, id);
      for (const row of rows) {
        const labels = [...row.matchAll(/<td\b[^>]*>/g)].map((m) => / data-label="([^"]*)"/.exec(m[0])?.[1]);
        assert.deepEqual(labels, heads, `${id}: ${row.slice(0, 120)}`);
      }
    }
  });

  it('a clean report has a PASSED verdict and no findings table', async () => {
    const clean: SentinelReport = {
      ...report,
      findings: [],
      errors: [],
      summary: {
        ...report.summary,
        findings: 0,
        exitCode: 0,
        gate: { ...report.summary.gate, passed: true, reasons: [] },
      },
    };
    const html = renderHtml(clean);
    assert.match(html, /Release gate: <span class="state">PASSED<\/span>/);
    assert.match(html, /<p id="no-findings">No findings\.<\/p>/);
    assert.doesNotMatch(html, /<table id="findings"/);
  });
});

/** Minimal well-formedness check for the XML we write: balanced tags, quoted attributes, escaped text. */
function assertWellFormedXml(xml: string): void {
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n'));
  const body = xml.slice(xml.indexOf('\n') + 1);
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = token.exec(body)) !== null) {
    consumed = token.lastIndex;
    if (m[5] !== undefined) {
      assert.doesNotMatch(m[5], /&(?!(amp|lt|gt|quot|apos|#\d+);)/, 'unescaped & in text');
      assert.doesNotMatch(m[5], /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/, 'invalid XML character');
      continue;
    }
    const [, close, name, attrs, selfClose] = m;
    assert.doesNotMatch(attrs ?? '', /&(?!(amp|lt|gt|quot|apos|#\d+);)/, 'unescaped & in an attribute');
    if (close) assert.equal(stack.pop(), name, `mismatched </${name}>`);
    else if (!selfClose) stack.push(name!);
  }
  assert.equal(consumed, body.length, `unparseable XML at ${consumed}: ${body.slice(consumed, consumed + 40)}`);
  assert.deepEqual(stack, []);
}

describe('JUnit XML', () => {
  it('is well-formed with attacker-controlled text escaped', () => {
    const xml = renderJunit(report);
    assertWellFormedXml(xml);
    assert.ok(!xml.includes(HOSTILE_MODULE));
  });

  it('the checker itself rejects broken XML (the test can fail)', () => {
    assert.throws(() => assertWellFormedXml('<?xml version="1.0" encoding="UTF-8"?>\n<a><b></a>'));
    assert.throws(() => assertWellFormedXml('<?xml version="1.0" encoding="UTF-8"?>\n<a>x & y</a>'));
    assert.throws(() => assertWellFormedXml('<?xml version="1.0" encoding="UTF-8"?>\n<a>\u0007</a>'));
  });

  it('a failure per blocking finding, plus the gate testcase; counts add up', () => {
    const xml = renderJunit(report);
    const failures = (xml.match(/<failure /g) ?? []).length;
    const blocking = report.findings.filter((f) => f.decision === 'block' || f.decision === 'gate').length;
    assert.equal(failures, blocking + 1);
    assert.match(xml, new RegExp(`<testsuites name="sentinel" tests="\\d+" failures="${failures}" errors="1"`));
    const tests = (xml.match(/<testcase /g) ?? []).length;
    assert.match(xml, new RegExp(`<testsuites name="sentinel" tests="${tests}"`));
    assert.match(
      xml,
      /<testsuite name="PICKLE-STRUCT" tests="1" failures="0"[^>]*>\n\s*<testcase classname="sentinel.PICKLE-STRUCT" name="no findings in 6 files"\/>/,
    );
  });
});

describe('Markdown (PR comment)', () => {
  it('keeps the table intact: one row per finding, each with five cells', () => {
    const md = renderMarkdown(report);
    const rows = md.split('\n').filter((l) => /^\| (CRITICAL|HIGH|MEDIUM|LOW|INFO) \| [A-Z]/.test(l));
    assert.equal(rows.length, report.findings.length);
    for (const r of rows) assert.equal(r.split(/(?<!\\)\|/).length, 7, r);
    assert.ok(!md.includes('<script'), 'no raw HTML from evidence');
    assert.doesNotMatch(md, /(^|[^\w])@here/, 'no live @mention');
  });

  it('caps the rows shown and says how many were left out', () => {
    const many: SentinelReport = { ...report, findings: Array.from({ length: 120 }, () => report.findings[1]!) };
    const md = renderMarkdown(many, { maxFindings: 50 });
    assert.match(md, /… and 70 more findings/);
    assert.ok(md.length < 65_536);
  });

  it('stays under GitHub’s comment limit even with huge evidence', () => {
    const big = { ...report.findings[1]!, evidence: { signal: 'A'.repeat(5000) }, where: 'w'.repeat(3000) };
    const md = renderMarkdown({ ...report, findings: Array.from({ length: 50 }, () => big) });
    assert.ok(md.length < 65_536, String(md.length));
    assert.match(md, /Details of \d+ more findings omitted for size\./);
  });
});

describe('text', () => {
  it('colour only when asked; control characters from evidence are made visible', () => {
    const plain = renderText(report);
    assert.ok(!plain.includes('\x1b'));
    assert.match(plain, /x\|y`@here\\x1b\[2J\\x07/);
    const color = renderText(report, { color: true });
    assert.match(color, /\x1b\[1;31mPICKLE-EXEC CRITICAL\x1b\[0m/);
    assert.equal(color.replace(/\x1b\[[\d;]*m/g, ''), plain);
  });

  it('summarises the gate with its reasons in words', () => {
    const plain = renderText(report, { width: 1000 });
    assert.match(plain, /^Gate: FAILED: 2 new findings fail the release .*above the accepted POSSIBLY_UNSAFE$/m);
    assert.match(plain, /^Baseline previous\.json: 4 new, 1 existing, 2 closed\.$/m);
  });
});

describe('one vocabulary in every report a person reads', () => {
  it('the gate says why it failed in plain words, with correct plurals, in text, Markdown, HTML, JUnit and GitLab', async () => {
    const { renderGitlab } = await import('../../src/report/gitlab.js');
    assert.equal(report.summary.gate.passed, false);
    const gl = JSON.parse(renderGitlab(report)) as { scan: { messages: { value: string }[] } };
    const outputs: Record<string, string> = {
      text: renderText(report, { color: false, verbose: true, compact: false }),
      markdown: renderMarkdown(report),
      html: renderHtml(report),
      junit: renderJunit(report),
      gitlab: gl.scan.messages.map((m) => m.value).join('\n'),
    };
    for (const [format, out] of Object.entries(outputs)) {
      assert.match(out, /fail the release/, format);
      for (const jargon of [/at fail_on\b/, /above max_acceptable_severity/, /\w\(s\)/, /\(\d+ block, \d+ gate\)/])
        assert.doesNotMatch(out, jargon, `${format}: ${jargon}`);
    }
  });
});
