// One shared sample report for reporter tests and golden files: the real engine run on crafted pickles (a
// shell-exec payload, an unknown import, a framework-internal import, an attacker-named module, a clean pickle,
// a gzip layer beyond the depth limit, a read error) under a policy with the moderate preset, a valid and an expired acceptance and a baseline,
// with a fixed clock and fixed duration so every renderer's output is byte-stable.
import { gzipSync } from 'node:zlib';
import { scanBytes, type ScanResult } from '../../src/scan/engine.js';
import { applyPolicy } from '../../src/policy/gate.js';
import { parsePolicy } from '../../src/policy/load-policy.js';
import { assembleReport, type SentinelReport } from '../../src/report/report-model.js';
import { evilPickle, P } from './pickle-builder.js';

/** Module name an attacker controls: markup, a table pipe, a mention, a backtick and terminal/XML-hostile bytes. */
export const HOSTILE_MODULE = '<script>document.body.dataset.pwned=1</script><img src=x onerror=alert(1)>';
export const HOSTILE_NAME = 'x|y`@here\u001b[2J\u0007';

export const SAMPLE_TODAY = '2025-06-01';

/** PICKLE rules (plus the coverage rules that always run): rules added to other families leave the goldens alone. */
const ONLY = ['PICKLE'];

const INPUTS: [string, Uint8Array][] = [
  ['models/evil.pkl', evilPickle()],
  ['models/custom.pkl', new P().proto(4).stackGlobal('mylib.layers', 'Residual').stop().bytes()],
  ['models/framework.pkl', new P().proto(4).stackGlobal('torch.nn.modules.fancy', 'Fancy').stop().bytes()],
  ['models/hostile.pkl', new P().proto(4).stackGlobal(HOSTILE_MODULE, HOSTILE_NAME).stop().bytes()],
  ['models/clean.pkl', new P().proto(4).emptyDict().stop().bytes()],
];

const EMPTY: ScanResult = { findings: [], pickles: [], files: [], errors: [], rules: [], durationMs: 0 };

async function scanAll(): Promise<ScanResult> {
  const parts: ScanResult[] = [];
  for (const [name, bytes] of INPUTS) parts.push(await scanBytes(name, bytes, { only: ONLY }));
  // A gzip layer beyond maxDepth: coverage is incomplete (SCAN-INCOMPLETE), never a pass.
  parts.push(
    await scanBytes('models/deep.pkl.gz', gzipSync(evilPickle(), { level: 9 }), {
      only: ONLY,
      limits: { maxDepth: 0 },
    }),
  );
  // A read error on another path (the engine's ScanError shape; the message is machine-independent here).
  parts.push({ ...EMPTY, errors: [{ where: 'models/unreadable.pkl', message: 'EACCES: permission denied' }] });
  return {
    findings: parts.flatMap((p) => p.findings),
    pickles: parts.flatMap((p) => p.pickles),
    files: parts.flatMap((p) => p.files),
    errors: parts.flatMap((p) => p.errors),
    rules: parts[0]!.rules,
    durationMs: 0,
  };
}

export async function sampleReport(): Promise<SentinelReport> {
  const scan = await scanAll();
  const hostile = scan.findings.find((f) => f.where.startsWith('models/hostile.pkl'));
  const evil = scan.findings.find((f) => f.ruleId === 'PICKLE-EXEC');
  if (!hostile || !evil) throw new Error('sample pickles did not produce the expected findings');
  const yaml = `
preset: moderate
rules:
  PICKLE-EXEC:
    owner: "release-captain@example.com"
acceptances:
  - rule: PICKLE-GLOBAL-IMPORT
    path: "models/custom.pkl"
    owner: "ml-platform@example.com"
    reason: "in-house layer, reviewed in SEC-123"
    expires: 2025-12-31
  - fingerprint: ${hostile.fingerprint}
    owner: "intern@example.com"
    reason: "looked fine"
    expires: 2025-01-31
  - rule: ARCHIVE-TAMPER
    path: "models/*.zip"
    owner: "nobody@example.com"
    reason: "stale entry that matches nothing"
    expires: 2026-01-01
`;
  const loaded = parsePolicy(yaml, 'sentinel-policy.yml');
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
  const policy = loaded.policy;
  const outcome = applyPolicy({
    findings: scan.findings,
    pickles: scan.pickles,
    files: scan.files,
    rules: scan.rules,
    policy,
    today: SAMPLE_TODAY,
    baseline: {
      source: 'previous.json',
      findings: [
        { fingerprint: evil.fingerprint, ruleId: 'PICKLE-EXEC', where: evil.where, file: 'models/evil.pkl' },
        {
          fingerprint: 'f'.repeat(32),
          ruleId: 'PICKLE-STRUCT',
          severity: 'HIGH',
          title: 'Pickle Opcode Structural Tampering',
          where: 'models/evil.pkl@40',
          file: 'models/evil.pkl',
        },
        { fingerprint: 'e'.repeat(32), ruleId: 'PICKLE-EXEC', where: 'models/old.pkl@2', file: 'models/old.pkl' },
      ],
    },
  });
  return assembleReport({
    command: 'artifact',
    targets: ['models'],
    startedAt: '2025-06-01T12:00:00.000Z',
    durationMs: 1234,
    rules: scan.rules,
    pickles: scan.pickles,
    files: scan.files,
    errors: scan.errors,
    outcome,
    policy,
  });
}
