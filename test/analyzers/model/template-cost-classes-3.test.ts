// Chat templates whose render cost follows a value's shape and size — output that grows with nesting depth (pprint,
// tojson with an indent, a loop or a map over them), big integers whose size the template does not state (a power of
// a power, of parsed text, of a loop item or a macro argument, a division, a product in a loop), urlize of a
// trailing-punctuation run — each with a benign twin, judged against the real jinja2 (cases.json, recorded by
// scripts/fixtures/template-cost-classes-3.py: a case is unbounded when it exhausts 10 s of CPU or 1 GiB, rendered as
// transformers renders chat templates). Every hostile case is a high-confidence render-cost finding and every twin
// passes with no signal. A cost driven past the budget only by the caller's content (urlize or striptags of each
// message, proved to hang with one message of 100,000 characters) is a request-cost signal at medium confidence,
// reported at MEDIUM as a render cost that grows with the request. The syntax jinja2 parses is parsed, and urlize's
// work per squared character is at least twice the most scripts/fixtures/urlize-cost.py measured.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeChatTemplate, parseTemplate } from '../../../src/analyzers/model/chat-template.js';
import { URLIZE_WORK } from '../../../src/analyzers/model/template-growth.js';
import { scanBytes } from '../../../src/scan/engine.js';
import { costClassTable, costSignals, templateCases } from '../../helpers/template-cases.js';

interface Case {
  readonly name: string;
  readonly template: string;
  readonly reaches: boolean;
  readonly sandboxed: string;
}
interface RequestCase {
  readonly name: string;
  readonly template: string;
  readonly ordinary: string;
  readonly messageChars: number;
  readonly longMessage: string;
}
interface Syntax {
  readonly template: string;
  readonly jinja2Parses: boolean;
}
const table = templateCases<{ cases: Case[]; request: RequestCase[]; syntax: Syntax[] }>('template-cost-classes-3');
const urlize = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../fixtures/model/template-cost-classes-3/urlize.json'), 'utf8'),
) as { rows: { shape: string; chars: number; unitsPerSquaredChar: number }[] };

describe('render cost through nesting depth, unstated integer sizes and urlize, against the real jinja2', () => {
  costClassTable(table.cases, 'ABC');
});

describe("a render cost the caller's content drives past the budget", () => {
  it('each case renders an ordinary request and does not finish one long message', () => {
    assert.ok(table.request.length >= 2);
    for (const r of table.request) {
      assert.equal(r.ordinary, 'ok', r.name);
      assert.notEqual(r.longMessage, 'ok', r.name);
    }
  });
  for (const r of table.request)
    it(`${r.name}: a request-cost signal, no render-cost one`, async () => {
      const a = await analyzeChatTemplate(r.template);
      assert.ok(a.parsed, a.parseError);
      assert.ok(a.signals.length > 0);
      for (const s of a.signals) {
        assert.equal(s.kind, 'request-cost', s.message);
        assert.equal(s.confidence, 'medium');
        assert.match(s.message, /grows with the request/);
      }
    });
  it('is reported at MEDIUM as a render cost that grows with the request data, not as reaching Python internals', async () => {
    const r = await scanBytes(
      'tokenizer_config.json',
      new TextEncoder().encode(JSON.stringify({ chat_template: table.request[0]!.template })),
    );
    const f = r.findings.filter((x) => x.ruleId === 'MODEL-TEMPLATE-INJECTION');
    assert.equal(f.length, 1);
    assert.equal(f[0]!.severity, 'MEDIUM');
    assert.match(f[0]!.evidence.signal, /render cost that grows with the request data/);
    assert.doesNotMatch(f[0]!.evidence.signal, /Python internals/);
    assert.equal(f[0]!.title, 'Chat Template Render Cost Grows with the Request');
  });
  it('a template-made cost beside it keeps the finding CRITICAL and labelled as a render cost', async () => {
    const r = await scanBytes(
      'chat_template.jinja',
      new TextEncoder().encode(table.request[0]!.template + table.cases.find((c) => c.reaches)!.template),
    );
    const f = r.findings.filter((x) => x.ruleId === 'MODEL-TEMPLATE-INJECTION');
    assert.equal(f.length, 1);
    assert.equal(f[0]!.severity, 'CRITICAL');
    assert.match(f[0]!.evidence.signal, /render cost with no bound/);
    assert.equal(f[0]!.title, 'Chat Template Render Cost Has No Bound');
  });
});

describe('syntax jinja2 3.1 parses', () => {
  for (const s of table.syntax)
    it(`${JSON.stringify(s.template)}: ${s.jinja2Parses ? 'parsed' : 'refused, as by jinja2'}`, () => {
      let parsed = true;
      try {
        parseTemplate(s.template);
      } catch {
        parsed = false;
      }
      assert.equal(parsed, s.jinja2Parses);
    });
  it('a test with arguments keeps them: a name they read is checked', async () => {
    const a = await analyzeChatTemplate("{{ x is sameas ''.__class__ }}{% with y = z.__init__ %}{% endwith %}");
    assert.deepEqual(
      a.signals.map((s) => s.name),
      ['__class__', '__init__'],
    );
  });
  it('a with block and tests with arguments in a published-style template pass', async () => {
    const a = await analyzeChatTemplate(
      '{% with sep = "\\n" %}{% for m in messages %}{% if loop.index0 is divisibleby(2) %}{{ m.content }}' +
        '{% elif loop.index is divisibleby 3 and m.role is sameas none %}{{ sep }}{% endif %}{% endfor %}{% endwith %}',
    );
    assert.ok(a.parsed, a.parseError);
    assert.deepEqual(a.signals, []);
  });
});

describe('urlize calibration', () => {
  it('charges at least twice the most work per squared character measured with the real jinja2', () => {
    const most = Math.max(...urlize.rows.map((r) => r.unitsPerSquaredChar));
    assert.ok(most > 1, 'the measurements hold the quadratic shapes');
    assert.ok(URLIZE_WORK >= 2 * most, `${URLIZE_WORK} < 2 x ${most}`);
  });
});

describe('what each class charges', () => {
  const CASES: [string, string, boolean][] = [
    // dict() and items() nest their values one tuple deeper: a value nested through them past the C stack's depth.
    [
      'a value nested through dict().items() in a loop',
      '{% set ns = namespace(x=()) %}{% for i in range(100000) %}{% for j in range(3) %}' +
        '{% set ns.x = dict(k=ns.x).items()|first %}{% endfor %}{% endfor %}{{ [ns.x]|unique|list|length }}',
      true,
    ],
    [
      "each message's pairs through dict().items()",
      '{% for m in messages %}{% for k, v in dict(role=m.role).items() %}{{ k }}={{ v }}{% endfor %}{% endfor %}',
      false,
    ],
    // A keyword argument's name is not the caller's content.
    [
      'items of a dict the template builds, in a loop',
      '{% for i in range(1000) %}{{ dict(a=i).items()|list }}{% endfor %}',
      false,
    ],
    // Integers: a product of request integers is small; one of a big power is charged by its bits.
    ['a product of two request integers', '{{ (messages|length) * (tools|length) }}', false],
    [
      'an unstated-size integer multiplied in a loop over the messages',
      '{% set e = 300000 %}{% set x = 7 ** e %}{% for m in messages %}{{ (x * x) % 7 }}{% endfor %}',
      true,
    ],
    // tojson of the caller's tools with an indent: the request is charged by its size, not deepened.
    ['tools written with tojson(indent=4)', '{% for t in tools %}{{ t|tojson(indent=4) }}{% endfor %}', false],
    [
      'a value the template nests 40 levels, with tojson(indent=2) once',
      `{% set ns = namespace(x=[]) %}{% for i in range(40) %}{% set ns.x = [ns.x, i] %}{% endfor %}{{ ns.x|tojson(indent=2) }}`,
      false,
    ],
  ];
  for (const [name, template, flagged] of CASES)
    it(`${name}: ${flagged ? 'a render-cost finding' : 'passes'}`, async () => {
      const s = await costSignals(template);
      assert.equal(s.length > 0, flagged, s.join('\n'));
    });
});

// A chain of sets each reading the previous name several times (a1 = a0 * a0 + a0, a2 = a1 * a1 + a1, ...) is
// worked out once per name: read name by name again at each reference, 40 levels are 3^40 evaluations and the scan
// would never end. Its constant doubles its bits at each level, so the template is a render-cost finding; a chain of
// the same length whose value stays small passes. The test's time limit is only a guard against that blow-up.
describe('a chain of names each read several times by the next', () => {
  const chain = (base: string, op: (p: string) => string, n: number): string =>
    `{% set a0 = ${base} %}` +
    Array.from({ length: n }, (_, i) => `{% set a${i + 1} = ${op(`a${i}`)} %}`).join('') +
    `{{ a${n} }}`;
  for (const [what, template, blocked] of [
    ['a0 = 2, a(i+1) = a(i) * a(i) + a(i), 40 levels', chain('2', (p) => `${p} * ${p} + ${p}`, 40), true],
    [
      'a0 = 2, a(i+1) = a(i) - a(i) + a(i), 40 levels (twin: stays 2)',
      chain('2', (p) => `${p} - ${p} + ${p}`, 40),
      false,
    ],
  ] as const)
    it(`${what}: ${blocked ? 'a render-cost finding' : 'passes'}`, { timeout: 120_000 }, async () => {
      const r = await scanBytes(
        'tokenizer_config.json',
        new TextEncoder().encode(JSON.stringify({ chat_template: template })),
      );
      const f = r.findings.filter((x) => x.severity === 'CRITICAL' || x.severity === 'HIGH');
      if (blocked)
        assert.ok(
          f.some((x) => x.ruleId === 'MODEL-TEMPLATE-INJECTION'),
          JSON.stringify(r.findings),
        );
      else assert.deepEqual(f, []);
    });
});
