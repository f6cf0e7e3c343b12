// JUnit XML reporter for CI test tabs: a "release gate" suite with one testcase for the overall verdict, then one
// suite per rule that ran with one testcase per finding (a <failure> when its decision is block or gate) or a single
// passing testcase when the rule found nothing. All text is XML-escaped; characters XML cannot carry are made visible.
import type { GatedFinding } from '../policy/gate.js';
import { escapeMarkup as x } from './escape-markup.js';
import { count, gateReasons } from './plain-words.js';
import type { SentinelReport } from './report-model.js';

function failing(f: GatedFinding): boolean {
  return f.decision === 'block' || f.decision === 'gate';
}

function body(f: GatedFinding): string {
  return [
    `${f.ruleId} ${f.severity}`,
    f.title,
    f.fixHint,
    `where: ${f.where}`,
    `evidence: ${f.evidence.signal}`,
    `decision: ${f.decision} — ${f.decisionReason}`,
    ...(f.accepted
      ? [
          `accepted: ${f.accepted.expired ? 'EXPIRED ' : ''}by ${f.accepted.owner} until ${f.accepted.expires}: ${f.accepted.reason}`,
        ]
      : []),
    `owner: ${f.owner}`,
    `fix: ${f.fix}`,
    `retest: ${f.retest}`,
    `fingerprint: ${f.fingerprint}`,
  ].join('\n');
}

function testcase(f: GatedFinding): string {
  const attrs = `classname="${x(`sentinel.${f.ruleId}`)}" name="${x(f.where)}" file="${x(f.location.chain[0] ?? '')}"`;
  if (failing(f)) {
    return (
      `    <testcase ${attrs}>\n` +
      `      <failure type="${x(f.decision)}" message="${x(`${f.severity} ${f.title}: ${f.evidence.signal}`)}">${x(body(f))}</failure>\n` +
      `    </testcase>`
    );
  }
  return `    <testcase ${attrs}>\n      <system-out>${x(body(f))}</system-out>\n    </testcase>`;
}

export function renderJunit(report: SentinelReport): string {
  const g = report.summary.gate;
  const seconds = (report.durationMs / 1000).toFixed(3);
  const suites: string[] = [];
  suites.push(
    `  <testsuite name="sentinel release gate" tests="1" failures="${g.passed ? 0 : 1}" errors="0" skipped="0" time="${seconds}" timestamp="${x(report.startedAt.replace(/Z$/, ''))}">\n` +
      `    <testcase classname="sentinel.gate" name="release gate">` +
      (g.passed
        ? `</testcase>`
        : `\n      <failure type="gate" message="${x(gateReasons(g).join('; '))}">${x(gateReasons(g).join('\n'))}</failure>\n    </testcase>`) +
      `\n  </testsuite>`,
  );
  const ruleIds = [...report.rules];
  for (const f of report.findings) if (!ruleIds.includes(f.ruleId)) ruleIds.push(f.ruleId);
  for (const id of ruleIds) {
    const fs = report.findings.filter((f) => f.ruleId === id);
    const failures = fs.filter(failing).length;
    const cases = fs.length
      ? fs.map(testcase).join('\n')
      : `    <testcase classname="${x(`sentinel.${id}`)}" name="${x(`no findings in ${count(report.summary.files, 'file')}`)}"/>`;
    suites.push(
      `  <testsuite name="${x(id)}" tests="${Math.max(1, fs.length)}" failures="${failures}" errors="0" skipped="0" time="0">\n${cases}\n  </testsuite>`,
    );
  }
  if (report.errors.length) {
    suites.push(
      `  <testsuite name="scan errors" tests="${report.errors.length}" failures="0" errors="${report.errors.length}" skipped="0" time="0">\n` +
        report.errors
          .map(
            (e) =>
              `    <testcase classname="sentinel.errors" name="${x(e.where)}">\n      <error type="scan" message="${x(e.message)}">${x(`${e.where}: ${e.message}`)}</error>\n    </testcase>`,
          )
          .join('\n') +
        `\n  </testsuite>`,
    );
  }
  const tests =
    1 + ruleIds.reduce((n, id) => n + Math.max(1, report.findings.filter((f) => f.ruleId === id).length), 0);
  const failures = (g.passed ? 0 : 1) + report.findings.filter(failing).length;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="sentinel" tests="${tests + report.errors.length}" failures="${failures}" errors="${report.errors.length}" time="${seconds}">\n` +
    suites.join('\n') +
    `\n</testsuites>\n`
  );
}
