// Python sources built to exhaust the parser at full size (hundreds of thousands of operators, f-string fields or
// table entries, megabytes of text), each followed by a Flask handler that deserializes the request: the scan ends
// with the limit named as SCAN-INCOMPLETE or finds the handler, never passes the file silently.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli } from '../helpers/cli.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-pysize-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const HANDLER = [
  'from flask import Flask, request',
  'app = Flask(__name__)',
  "@app.route('/p', methods=['POST'])",
  'def handler():',
  '    return pickle.loads(request.data)',
  '',
].join('\n');

const N = 600_000;
const many = (part: string, sep: string, n = N): string => Array.from({ length: n }, () => part).join(sep);

interface Report {
  findings: { ruleId: string; evidence: { signal: string } }[];
}

describe('hostile Python sources at full size', () => {
  const cases: { name: string; body: string; expect: RegExp | 'DESER-NETWORK-INPUT' }[] = [
    { name: 'adjacent f-strings with fields', body: `y = 1\nx = (${many("f'a{y}'", ' ')})`, expect: /maxPythonTokens/ },
    { name: 'a chain of + over strings', body: `x = ${many("'ab'", '+')}`, expect: /maxPythonNesting/ },
    { name: 'a chain of + over names', body: `a = 'x'\nx = ${many('a', '+')}`, expect: /maxPythonNesting/ },
    { name: 'a million unary minus signs', body: `x = ${'-'.repeat(1_000_000)}1`, expect: /maxPythonNesting/ },
    { name: 'chained calls', body: `x = f${'()'.repeat(N)}`, expect: /maxPythonNesting/ },
    { name: 'a list of a million names', body: `a = 1\nx = [${many('a', ',', 1_000_000)}]`, expect: /maxPythonTokens/ },
    // Constant tables of any size are blanked before parsing: the handler after them is found.
    {
      name: 'a dict of 600,000 entries',
      body: `T = {\n${Array.from({ length: N }, (_, i) => `    'k_${i}': ${i},`).join('\n')}\n}`,
      expect: 'DESER-NETWORK-INPUT',
    },
    { name: 'adjacent bytes literals', body: `x = (${many("b'ab'", ' ')})`, expect: 'DESER-NETWORK-INPUT' },
    { name: 'a list of a million integers', body: `x = [${many('1', ',', 1_000_000)}]`, expect: 'DESER-NETWORK-INPUT' },
  ];
  for (const c of cases) {
    it(`${c.name}: ${typeof c.expect === 'string' ? c.expect : `SCAN-INCOMPLETE ${c.expect.source}`}`, async () => {
      const file = join(dir, c.name.replace(/\W+/g, '-') + '.py');
      writeFileSync(file, `import pickle\n${c.body}\n${HANDLER}`);
      const r = await cli(['scan', file, '--rule', 'DESER', '--format', 'json']);
      assert.equal(r.code, 1);
      const report = JSON.parse(r.stdout) as Report;
      if (typeof c.expect === 'string') {
        assert.deepEqual(
          report.findings.map((f) => f.ruleId),
          [c.expect],
        );
      } else {
        const incomplete = report.findings.filter((f) => f.ruleId === 'SCAN-INCOMPLETE');
        assert.equal(incomplete.length, 1, JSON.stringify(report.findings));
        assert.match(incomplete[0]!.evidence.signal, c.expect);
      }
    });
  }
});
