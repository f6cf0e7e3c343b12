// One scan of `path` by the built CLI in a fresh process under /usr/bin/time, for the bench scripts that judge
// hostile and big inputs: wall seconds, CPU seconds (user + system), peak RSS in MB, exit code and the rules of the
// findings that are not accepted.
import { spawnSync } from 'node:child_process';

export function scanOnce(cli, path, timeoutMs) {
  const r = spawnSync(
    '/usr/bin/time',
    ['-f', '%e %M %U %S', process.execPath, cli, 'artifact', path, '--format', 'json'],
    {
      maxBuffer: 256 * 1024 * 1024,
      encoding: 'utf8',
      timeout: timeoutMs,
    },
  );
  const [secs, kb, user, sys] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  let rules = [];
  try {
    const rep = JSON.parse(r.stdout);
    rules = [...new Set(rep.findings.filter((f) => f.decision !== 'accepted').map((f) => f.ruleId))];
  } catch {
    rules = ['(no JSON report)'];
  }
  return { secs, cpu: user + sys, mb: kb / 1024, code: r.status, rules };
}

/** What a row prints of several scans: wall seconds sorted, their median, median CPU, peak RSS, first run's rules. */
export function summarize(runs) {
  const secs = runs.map((r) => r.secs).sort((a, c) => a - c);
  const mid = Math.floor(runs.length / 2);
  const cpu = runs.map((r) => r.cpu).sort((a, c) => a - c)[mid];
  return { secs, med: secs[mid], cpu, rss: Math.max(...runs.map((r) => r.mb)), rules: runs[0].rules };
}
