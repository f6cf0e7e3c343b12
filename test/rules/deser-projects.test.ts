// DESER across files: a case table of small multi-file projects (test/fixtures/deser-projects/<shape>/), each with
// a vulnerable variant and a benign twin that differs only in the source being trusted. Every vulnerable project is
// scanned as a directory (one project) and must give exactly the findings of its expect.json — rule, sink file and
// line, source, and the hop list of the evidence — and its twin must give no DESER finding at all.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { scanPaths } from '../../src/scan/engine.js';
import type { Finding } from '../../src/core/finding.js';

const ROOT = join(import.meta.dirname, '..', 'fixtures', 'deser-projects');

interface Expected {
  rule: string;
  file: string;
  line: number;
  source?: string;
  hops?: string[];
  decision?: string;
}

interface Case {
  shape: string;
  findings: Expected[];
}

async function deserFindings(dir: string): Promise<Finding[]> {
  const r = await scanPaths([dir], { only: ['DESER'] });
  return r.findings.filter((f) => f.category === 'DESER');
}

function at(dir: string, file: string, line: number): string {
  return `${relative(dir, file).split('\\').join('/')}:${line}`;
}

describe('DESER multi-file case table', () => {
  for (const name of readdirSync(ROOT).sort()) {
    const c = JSON.parse(readFileSync(join(ROOT, name, 'expect.json'), 'utf8')) as Case;
    const vulnerable = join(ROOT, name, 'vulnerable');
    const benign = join(ROOT, name, 'benign');
    it(`${name}: ${c.shape}`, async () => {
      const got = await deserFindings(vulnerable);
      const show = got.map((f) => `${f.ruleId} ${f.where}: ${f.evidence.signal}`).join('\n');
      assert.deepEqual(
        got.map((f) => `${f.ruleId} ${at(vulnerable, f.location.chain[0]!, f.location.line!)}`).sort(),
        c.findings.map((e) => `${e.rule} ${e.file}:${e.line}`).sort(),
        show,
      );
      for (const e of c.findings) {
        const f = got.find(
          (x) =>
            x.ruleId === e.rule && at(vulnerable, x.location.chain[0]!, x.location.line!) === `${e.file}:${e.line}`,
        )!;
        const flow = f.evidence.flow ?? [];
        if (e.source !== undefined) {
          const src = flow.find((s) => s.role === 'source');
          assert.ok(src !== undefined, `no source step: ${show}`);
          assert.equal(at(vulnerable, src.file, src.line), e.source, show);
        }
        if (e.hops !== undefined) {
          assert.deepEqual(
            flow.filter((s) => s.role === 'hop').map((s) => at(vulnerable, s.file, s.line)),
            e.hops,
            show,
          );
        }
        if (e.decision !== undefined) {
          const { applyPolicy } = await import('../../src/policy/gate.js');
          const { DEFAULT_POLICY } = await import('../../src/policy/policy.js');
          const gated = applyPolicy({
            findings: [f],
            pickles: [],
            files: [],
            rules: ['DESER-NETWORK-INPUT'],
            policy: DEFAULT_POLICY,
            today: '2025-06-01',
          });
          assert.equal(gated.findings[0]!.decision, e.decision);
        }
        if (flow.length > 0) {
          const sink = flow[flow.length - 1]!;
          assert.equal(sink.role, 'sink');
          assert.equal(at(vulnerable, sink.file, sink.line), `${e.file}:${e.line}`);
        }
      }
    });
    it(`${name}: the benign twin gives no DESER finding`, async () => {
      const got = await deserFindings(benign);
      assert.deepEqual(
        got.map((f) => `${f.ruleId} ${f.where}: ${f.evidence.signal}`),
        [],
      );
    });
  }
});
