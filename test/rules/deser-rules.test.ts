// DESER rules end to end: record fields from RULES.md, and a scan of the fixture tree through the
// engine with only DESER selected — every `# expect: RULE` marker in a vulnerable fixture is a finding at that
// line (and nothing else is), fixed fixtures and the analyzer's own Python fixtures give no DESER finding.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { before, describe, it } from 'node:test';
import { scanPaths, type ScanResult } from '../../src/scan/engine.js';
import type { Finding } from '../../src/core/finding.js';
import { OWNER, DECISION } from '../../src/rules/rule.js';
import { RULES } from '../../src/rules/index.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const DESER_DIR = join(FIXTURES, 'deser');

const EXPECTED_META: Record<string, { severity: string; title: string }> = {
  'DESER-NETWORK-INPUT': { severity: 'CRITICAL', title: 'Executable Deserialization of Network Input' },
  'DESER-PICKLE-TRANSPORT': { severity: 'CRITICAL', title: 'Pickle-Based Message Transport' },
  'DESER-UNSAFE-LOADER': { severity: 'HIGH', title: 'Executable Deserializer in Serving Code' },
  'DESER-SCHEMALESS-ENDPOINT': { severity: 'MEDIUM', title: 'Endpoint Accepts Serialized Objects' },
};

describe('DESER rule records (RULES.md)', () => {
  const deser = RULES.filter((r) => r.meta.category === 'DESER');
  it('has exactly the four DESER rules', () => {
    assert.deepEqual(deser.map((r) => r.meta.id).sort(), Object.keys(EXPECTED_META).sort());
  });
  for (const r of deser) {
    it(`${r.meta.id}: severity, title, CWE, OWASP n/a, frameworks, owner, decision, safe pattern in the fix hint`, () => {
      const m = r.meta;
      const want = EXPECTED_META[m.id]!;
      assert.equal(m.severity, want.severity);
      assert.equal(m.title, want.title);
      assert.deepEqual(m.cwe, ['CWE-502']);
      assert.equal(m.owasp, 'n/a');
      assert.deepEqual(m.frameworks, ['OWASP Agentic AI A-05', 'OWASP NHI-03', 'NIST CSF 2.0 PR.DS-5']);
      assert.equal(m.owner, OWNER);
      assert.equal(m.decision, DECISION[m.severity as keyof typeof DECISION]);
      assert.match(m.fixHint, /JSON|protobuf/);
      assert.match(m.fixHint, /safetensors|weights_only/);
      assert.match(m.fix, /JSON or protobuf/);
      assert.match(m.fix, /safetensors/);
    });
  }
});

function pythonFiles(dir: string, out: string[] = []): string[] {
  for (const f of readdirSync(dir).sort()) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) pythonFiles(p, out);
    else if (p.endsWith('.py')) out.push(p);
  }
  return out;
}

/** `# expect: RULE-ID` markers of a fixture: `RULE@line`. */
function markers(file: string): string[] {
  const out: string[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((l, i) => {
      const m = /# expect: (DESER-[A-Z-]+)/.exec(l);
      if (m) out.push(`${m[1]}@${i + 1}`);
    });
  return out;
}

describe('DESER end to end over test/fixtures/deser', () => {
  let result: ScanResult;
  const byFile = new Map<string, Finding[]>();
  before(async () => {
    result = await scanPaths([DESER_DIR], { only: ['DESER'] });
    for (const f of result.findings) {
      const file = f.location.chain[0]!;
      byFile.set(file, [...(byFile.get(file) ?? []), f]);
    }
  });
  const files = pythonFiles(DESER_DIR);

  it('covers every framework directory with vulnerable and fixed variants', () => {
    const dirs = new Set(files.map((f) => relative(DESER_DIR, f).split('/')[0]!));
    assert.ok(dirs.size >= 14, [...dirs].join(', '));
    for (const d of dirs) {
      if (d === 'offline') continue; // scripts, not serving code: a twin pair for command-line paths, and precision cases
      const names = files.filter((f) => relative(DESER_DIR, f).startsWith(d + '/')).map((f) => f.split('/').pop()!);
      assert.ok(
        names.some((n) => n.startsWith('vulnerable_')),
        `${d} has no vulnerable fixture`,
      );
      assert.ok(
        names.some((n) => n.startsWith('fixed_')),
        `${d} has no fixed fixture`,
      );
    }
  });

  it('scans without errors and only reports DESER findings', () => {
    assert.deepEqual(result.errors, []);
    assert.ok(result.findings.every((f) => f.category === 'DESER' || f.category === 'SCAN'));
    assert.ok(!result.findings.some((f) => f.category === 'SCAN'), 'no SCAN-INCOMPLETE');
  });

  for (const file of files) {
    const name = relative(DESER_DIR, file);
    const want = markers(file);
    if (name.split('/').pop()!.startsWith('vulnerable_')) {
      it(`${name}: findings exactly at the marked sink lines`, () => {
        assert.ok(want.length > 0, 'a vulnerable fixture must mark its findings');
        const got = (byFile.get(file) ?? []).map((f) => `${f.ruleId}@${f.location.line}`).sort();
        assert.deepEqual(got, [...want].sort());
      });
    } else {
      it(`${name}: no DESER finding`, () => {
        assert.deepEqual(want, [], 'a clean fixture must not carry markers');
        assert.deepEqual(
          (byFile.get(file) ?? []).map((f) => `${f.ruleId}@${f.location.line}: ${f.evidence.signal}`),
          [],
        );
      });
    }
  }

  it('evidence shows source line → sink line; the finding line is the sink', () => {
    for (const f of result.findings) {
      const d = f.evidence.details ?? {};
      if (f.ruleId === 'DESER-PICKLE-TRANSPORT') continue;
      assert.equal(d['sinkLine'], f.location.line, f.evidence.signal);
      assert.ok(f.evidence.signal.includes(`line ${f.location.line}`), f.evidence.signal);
      if (f.ruleId === 'DESER-NETWORK-INPUT' || f.ruleId === 'DESER-SCHEMALESS-ENDPOINT') {
        assert.equal(typeof d['sourceLine'], 'number');
        assert.ok(f.evidence.signal.includes(`line ${String(d['sourceLine'])}`), f.evidence.signal);
      }
    }
  });

  it('gives every finding a distinct fingerprint and the DESER retest command', () => {
    const prints = result.findings.map((f) => f.fingerprint);
    assert.equal(new Set(prints).size, prints.length);
    for (const f of result.findings) assert.match(f.retest, / --rule DESER$/);
  });
});

describe('no DESER finding on the Python analyzer fixtures', () => {
  it('test/fixtures/analyzers/python is clean', async () => {
    const r = await scanPaths([join(FIXTURES, 'analyzers', 'python')], { only: ['DESER'] });
    assert.deepEqual(
      r.findings.filter((f) => f.category === 'DESER').map((f) => f.where),
      [],
    );
  });
});
