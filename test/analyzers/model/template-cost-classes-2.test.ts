// Chat templates whose render cost an argument or a value's shape sets — a padding method held as a value and called
// with a width, widths and counts made from template constants by int/float/round/abs, strip and trim with a set of
// characters, tuples whose CPython hashes collide (as keys, through unique, as constants the compiler merges), tojson's
// separators, pprint of a nested value, int() of long decimal text — each with a benign twin, judged against the real
// jinja2 (cases.json, recorded by scripts/fixtures/template-cost-classes-2.py: a case is unbounded when it exhausts
// 10 s of CPU or 1 GiB, rendered as transformers renders chat templates). Every hostile case is a high-confidence
// render-cost finding and every twin passes with no signal. The literal forms jinja2's lexer reads are parsed to the
// values jinja2 gives them.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { parseTemplate } from '../../../src/analyzers/model/chat-template.js';
import type { JNode } from '../../../src/analyzers/model/template-print.js';
import { costClassTable, costSignals, templateCases } from '../../helpers/template-cases.js';

interface Case {
  readonly name: string;
  readonly template: string;
  readonly reaches: boolean;
  readonly sandboxed: string;
}
interface Literal {
  readonly expr: string;
  readonly kind: string;
  readonly value: number | string;
}
const table = templateCases<{ cases: Case[]; literals: Literal[] }>('template-cost-classes-2');

describe('render cost set by arguments and value shapes, against the real jinja2', () => {
  costClassTable(table.cases, 'DKSHJPN');
});

describe('literals as jinja2 reads them', () => {
  for (const l of table.literals)
    it(`${l.expr} is the ${l.kind} ${String(l.value)}`, () => {
      const body = (parseTemplate(`{{ ${l.expr} }}`)['body'] as JNode[])[0]!;
      switch (l.kind) {
        case 'int':
          assert.equal(body.type, 'IntegerLiteral');
          assert.equal(String(body['value']), String(l.value));
          break;
        case 'float':
          assert.equal(body.type, 'FloatLiteral');
          assert.equal(body['value'], l.value === 'inf' ? Infinity : l.value);
          break;
        case 'str':
          assert.equal(body.type, 'StringLiteral');
          assert.equal(body['value'], l.value);
          break;
        default:
          assert.equal(body.type, 'TupleLiteral');
          assert.equal((body['value'] as JNode[]).length, l.value);
      }
    });
});

describe('what each class charges', () => {
  const CASES: [string, string, boolean][] = [
    // A held padding method: its width decides, whatever holds it.
    ['a held pad by the number of messages', "{% set f = 'a'.center %}{{ f(messages|length) }}", false],
    ['a held pad by a width the template computes', "{% set f = 'a'.center %}{{ f(x|int * 99999999) }}", true],
    [
      'a call through a dict subscript the template computes, where a held pad may be called',
      "{% set d = {'j': ''.join, 'p': 'a'.ljust} %}{{ d[k](x|int * 99999999) }}",
      true,
    ],
    [
      'a held join called with a list, no pad held under that name',
      "{% set ns = namespace(j=''.join, p='a'.ljust) %}{{ ns.j(['a', 'b']) }}",
      false,
    ],
    ['a method of a name the template never sets', '{{ f(100000000) }}', false],
    // Constants stay constants.
    ["a count from '1_000'|int", "{{ 'a' * ('1_000'|int) }}", false],
    ["a count from '1e9'|float|int", "{{ 'a' * ('1e9'|float|int) }}", true],
    ['a count halved from the messages', "{{ 'a' * ((messages|length / 2)|round|int) }}", false],
    // Tuples: exact hashes for known items; a fixed hash that is not known may collide.
    [
      'ordinary pairs made unique in a long loop',
      '{% for i in range(100000) %}{% set x = [(1, 2), (3, 4), (5, 6)]|unique|list %}{% endfor %}',
      false,
    ],
    [
      'pairs of a loop index and a constant gathered and made unique (one-to-one in the index)',
      '{% set ns = namespace(l=[]) %}{% for i in range(30000) %}{% set ns.l = ns.l + [(i, 1)] %}{% endfor %}' +
        '{% for k in range(20) %}{% set x = ns.l|unique|list %}{% endfor %}',
      false,
    ],
    [
      'pairs both computed from a loop index, gathered and made unique',
      '{% set ns = namespace(l=[]) %}{% for i in range(30000) %}{% set ns.l = ns.l + [(i, i * 7 % 1000003)] %}' +
        '{% endfor %}{% for k in range(20) %}{% set x = ns.l|unique|list %}{% endfor %}',
      true,
    ],
    [
      'pairs of strings gathered and made unique',
      "{% set ns = namespace(l=[]) %}{% for m in messages %}{% set ns.l = ns.l + [(m['role'], 'x')] %}{% endfor %}" +
        '{{ ns.l|unique|list|length }}',
      false,
    ],
    // Strip and int by their operands.
    ['a strip with no set on a large text', "{% set s = 'a' * 10000000 %}{{ s.strip()|length }}", false],
    ["int of each message's content", "{% for m in messages %}{{ m['content']|int }}{% endfor %}", false],
    // Parsing text in a power-of-two base is linear. (Writing the parsed integer to the output on each pass is charged
    // as text of up to its bit bound: decimal text is quadratic up to CPython's 4,300-digit limit.)
    [
      'int of hexadecimal text in a long loop',
      "{% for i in range(1000000) %}{% set x = ('f' * 4000)|int(base=16) %}{% endfor %}",
      false,
    ],
  ];
  for (const [name, template, flagged] of CASES)
    it(`${name}: ${flagged ? 'a render-cost finding' : 'passes'}`, async () => {
      const s = await costSignals(template);
      assert.equal(s.length > 0, flagged, s.join('\n'));
    });
});
