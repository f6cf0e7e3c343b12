// Chat templates that compute the names they read, or whose render cost is unbounded, each with a benign twin,
// judged against the real jinja2 (cases.json, recorded by scripts/fixtures/template-soundness.py: a name case
// reaches a module, class or function under a plain jinja2.Environment; a cost case exhausts 5 s or 1 GiB under
// jinja2's ImmutableSandboxedEnvironment). The analyzer flags a template exactly when jinja2 shows the reach, and
// every config field a loader reads a template from is checked.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyzeChatTemplate } from '../../../src/analyzers/model/chat-template.js';
import { scanBytes } from '../../../src/scan/engine.js';
import { templateCases } from '../../helpers/template-cases.js';

interface Case {
  readonly name: string;
  readonly kind: 'name' | 'cost';
  readonly template: string;
  readonly reaches: boolean;
}
const table = templateCases<{ cases: Case[] }>('template-soundness');

describe('computed names and render cost against the real jinja2', () => {
  it('has hostile cases and a benign twin for each', () => {
    assert.equal(table.cases.filter((c) => c.reaches).length, 58);
    assert.equal(table.cases.filter((c) => !c.reaches).length, 58);
  });
  for (const c of table.cases)
    it(`${c.name}: ${c.reaches ? 'flagged' : 'passes'}`, async () => {
      const a = await analyzeChatTemplate(c.template);
      assert.ok(a.parsed, a.parseError);
      const high = a.signals.filter((s) => s.confidence === 'high');
      assert.equal(high.length > 0, c.reaches, JSON.stringify(a.signals.map((s) => `${s.kind}:${s.name}`)));
      if (c.reaches && c.kind === 'cost') assert.ok(high.some((s) => s.kind === 'render-cost'));
      if (!c.reaches) assert.deepEqual(a.signals, []);
    });
});

const SCHEMA_WALK =
  "{% macro ty(j) %}{% set m = {'string': 'str', 'null': 'None'} %}" +
  "{% if m[j.type] is defined %}{{ m[j.type] }}{% elif j.type == 'object' %}" +
  "{{ ty(j.additionalProperties if j.additionalProperties else 'Any') }}" +
  "{% elif j.type is iterable and j.type is not string %}{% for t in j.type %}{{ ty({'type': t}) }}{% endfor %}" +
  '{% endif %}{% endmacro %}' +
  '{% macro fields(j) %}{% for n, f in j.properties|items %}{{ n }}: {{ ty(f) }} {% endfor %}{% endmacro %}' +
  '{% for tool in tools %}{{ fields(tool.function.parameters) }}{% endfor %}';

describe('names the template cannot choose pass; names it computes are findings', () => {
  const CASES: [string, string, boolean][] = [
    ['literal key of a message', "{% for m in messages %}{{ m['role'] }}{% endfor %}", false],
    [
      'integer index and loop arithmetic',
      '{% for m in messages %}{{ messages[loop.index0 - 1].role }}{% endfor %}',
      false,
    ],
    ['key from the caller data', '{% for k, v in tools[0]|items %}{{ tools[0][k] }}{% endfor %}', false],
    [
      'namespace counter as an index',
      '{% set ns = namespace(i=0) %}{% set ns.i = ns.i + 1 %}{{ messages[ns.i] }}',
      false,
    ],
    ['keys of a dict literal', "{% set d = {'a': 'x'} %}{% for k in d %}{{ d[k] }}{% endfor %}", false],
    ['variable renamed from itself', '{% for t in tools %}{% set t = t.function %}{{ t[t.name] }}{% endfor %}', false],
    ['macro parameter passed a literal', '{% macro m(k) %}{{ messages[0][k] }}{% endmacro %}{{ m("role") }}', false],
    ['macro parameter passed a dunder', '{% macro m(k) %}{{ messages[0][k] }}{% endmacro %}{{ m("__class__") }}', true],
    [
      'macro used as a value',
      '{% macro m(k) %}{{ messages[0][k] }}{% endmacro %}{% set f = [m] %}{{ f[0]("x") }}',
      true,
    ],
    [
      'recursive schema walk',
      '{% macro t(s) %}{% for k, v in s.properties|items %}{{ k }}{{ t(v) }}{% endfor %}{{ t(s|items) }}{% endmacro %}{{ t(tools[0]) }}',
      false,
    ],
    [
      'recursion counting down',
      '{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(30) }}',
      true,
    ],
    // A recursive JSON-schema walk whose argument may be a string literal or a dict built from its own loop
    // variable: `|items` of a value that may be a string selects among its characters, so the walk settles on
    // known names. jinja2 renders the benign one; the twin reaches dict.__init__ through the item-to-attribute
    // fallback (checked with jinja2 3.1), and a name that grows on each recursion never settles.
    ['recursive schema walk with a string default', SCHEMA_WALK, false],
    [
      'recursive schema walk passed a dunder',
      SCHEMA_WALK.replace("{{ ty({'type': t}) }}", "{{ ty({'type': t}) }}{{ ty({'type': '__init__'}) }}"),
      true,
    ],
    [
      'recursive schema walk whose name grows',
      SCHEMA_WALK.replace("{{ ty({'type': t}) }}", "{{ ty({'type': j.type ~ '_'}) }}"),
      true,
    ],
    [
      'characters of a string as keys',
      "{% set s = 'ro' ~ 'le' %}{% for c in s|list %}{{ messages[c] }}{% endfor %}",
      false,
    ],
    [
      'characters of a string joined again (not worked out)',
      "{% set s = 'ro' ~ 'le' %}{{ messages[s|list|join] }}",
      true,
    ],
    ['block-set variable as a key', '{% set k %}role{% endset %}{{ messages[0][k] }}', true],
    ['special token as a key', '{{ messages[0][eos_token] }}', true],
    ['a global in string form', '{{ messages[0][namespace|string] }}', true],
    ['joiner bound and called', "{% set j = joiner('__class__') %}{{ messages[j()] }}", true],
    ['loop.cycle', "{% for m in messages %}{{ m[loop.cycle('__class__', 'role')] }}{% endfor %}", true],
    ['default filter', "{{ messages[x|default('__class__')] }}", true],
    ['python builtin called', "{{ getattr(messages, 'pop') }}", true],
    ['dotted attribute path', "{{ messages|map(attribute='role.__class__')|list }}", true],
    ['attr with a data name', '{{ messages|attr(messages[0].role) }}', true],
    [
      'dunder names cut from paired lone surrogates',
      "{% set s = ('%c'|format(55357)) ~ ('%c'|format(56832)) ~ ('%c'|format(95)) ~ 'g' %}" +
        "{% set u = s[2] %}{% for m in messages %}{{ loop[u ~ u ~ 'init' ~ u ~ u] }}{% endfor %}",
      true,
    ],
    [
      'dunder names cut from surrogate escapes',
      "{% set s = '\\ud83d\\ude00_g' %}{% set u = s[2] %}{{ messages[u ~ u ~ 'class' ~ u ~ u] }}",
      true,
    ],
    [
      'emoji in the text and in a key',
      "{% for m in messages %}{{ '\u{1F600} ' ~ m['role'] }}{{ m['content']|replace('\u{1F600}', ':)') }}{% endfor %}",
      false,
    ],
  ];
  for (const [name, t, flagged] of CASES)
    it(`${name}: ${flagged ? 'flagged' : 'passes'}`, async () => {
      const a = await analyzeChatTemplate(t);
      assert.equal(
        a.signals.some((s) => s.confidence === 'high'),
        flagged,
        JSON.stringify(a.signals.map((s) => `${s.kind}:${s.name}`)),
      );
    });
});

describe('every template field a loader reads is checked', () => {
  const hostile = "{% set k = ['__init__','__globals__'] %}{{ cycler[k[0]][k[1]]['os'].popen('id').read() }}";
  const benign = "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}{% endfor %}";
  const files = (t: string): [string, string][] => [
    ['tokenizer_config.json', JSON.stringify({ chat_template: t, bos_token: '<s>' })],
    [
      'tokenizer_config.json',
      JSON.stringify({
        chat_template: [
          { name: 'default', template: benign },
          { name: 'tool_use', template: t },
        ],
      }),
    ],
    ['tokenizer_config.json', JSON.stringify({ chat_template: { default: benign, rag: t } })],
    ['chat_template.json', JSON.stringify({ chat_template: t })],
    ['processor_config.json', JSON.stringify({ processor_class: 'P', chat_template: t })],
    ['chat_template.jinja', t],
    ['rag.jinja', t],
  ];
  for (const [[name, body], [, twin]] of files(hostile).map((f, i) => [f, files(benign)[i]!] as const))
    it(`${name} ${body.slice(0, 40)}…: blocked; its benign twin passes`, async () => {
      const r = await scanBytes(name, new TextEncoder().encode(body));
      assert.ok(r.findings.some((f) => f.ruleId === 'MODEL-TEMPLATE-INJECTION'));
      const b = await scanBytes(name, new TextEncoder().encode(twin));
      assert.deepEqual(
        b.findings.map((f) => f.ruleId),
        [],
      );
    });
});

describe('deep templates end with an answer', () => {
  const CASES: [string, string, boolean][] = [
    ['20,000 chained ~', '{{ ' + Array(20000).fill("'a'").join(' ~ ') + ' }}', false],
    // Flat, not nested: each expression renders once (render cost linear in the template's size).
    ['200,000 flat expressions', '{{a}}'.repeat(200_000), false],
    ['50,000 flat loops over the messages', '{% for m in messages %}{{m.content}}{% endfor %}'.repeat(50_000), false],
    ['1,500 nested loops of two', '{% for i in range(2) %}'.repeat(1500) + 'x' + '{% endfor %}'.repeat(1500), true],
    [
      'a chain of 3,000 macros',
      Array.from({ length: 3000 }, (_, i) => `{% macro m${i}() %}{{ m${i + 1}() }}{% endmacro %}`).join('') +
        '{{ m0() }}',
      true,
    ],
  ];
  for (const [name, t, flagged] of CASES)
    it(`${name}: ${flagged ? 'a render-cost finding' : 'passes'}`, async () => {
      const a = await analyzeChatTemplate(t);
      assert.ok(a.parsed);
      assert.equal(
        a.signals.some((s) => s.kind === 'render-cost'),
        flagged,
      );
    });
});
