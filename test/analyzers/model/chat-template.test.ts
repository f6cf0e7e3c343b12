// Chat templates decided on the Jinja AST: every template real model families publish (97, from their GGUF
// files) parses and passes; published server-side template-injection payloads are caught, on the AST or — when the
// JS parser refuses what CPython's jinja2 accepts — by the token check, which says so.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeChatTemplate, isInternalName, tokenCheck } from '../../../src/analyzers/model/chat-template.js';

const REAL = join(import.meta.dirname, '..', '..', 'fixtures', 'model', 'templates', 'real');

const PAYLOADS: [string, string][] = [
  ['subclasses walk from a string', "{{ ''.__class__.__mro__[1].__subclasses__() }}"],
  ['cycler globals', "{{ cycler.__init__.__globals__.os.popen('id').read() }}"],
  ['joiner globals', "{{ joiner.__init__.__globals__.os.popen('id').read() }}"],
  ['namespace globals', "{{ namespace.__init__.__globals__.os.popen('id').read() }}"],
  ['lipsum globals', "{{ lipsum.__globals__['os'].popen('id').read() }}"],
  ['template reference context', '{{ self._TemplateReference__context.cycler.__init__.__globals__.os }}'],
  ['Flask request gadget', "{{ request.application.__globals__.__builtins__.__import__('os').popen('id').read() }}"],
  ['Flask config gadget', '{{ config.__class__.__init__.__globals__ }}'],
  ['attr filter with hex escapes', "{{ request|attr('application')|attr('\\x5f\\x5fglobals\\x5f\\x5f') }}"],
  ['subscript with a dunder', "{{ messages['__class__'] }}"],
  ['join of pieces', "{{ messages|attr(['__', 'class', '__']|join) }}"],
  ['reversed literal', "{{ messages['__ssalc__'[::-1]] }}"],
  ['set variable built from pieces', "{% set a = '_' * 2 ~ 'globals' ~ '_' * 2 %}{{ lipsum[a] }}"],
  ['format into a name', "{{ messages['{}class{}'.format('__', '__')] }}"],
  ['%-format into a name', "{{ messages['%s%sclass%s%s' % ('_', '_', '_', '_')] }}"],
  ['replace into a name', "{{ messages['XXclassXX'|replace('X', '_')] }}"],
  ['map(attribute=) with a dunder', "{{ messages|map(attribute='__class__')|list }}"],
  [
    'catch_warnings loop',
    "{% for c in [].__class__.__base__.__subclasses__() %}{% if c.__name__ == 'catch_warnings' %}{{ c()._module.__builtins__['__import__']('os').system('id') }}{% endif %}{% endfor %}",
  ],
  ['tuple literal (jinja2 only)', '{{ ().__class__.__base__.__subclasses__() }}'],
  ['include (jinja2 only)', "{% include '/etc/passwd' %}"],
];

describe('chat templates', () => {
  const files = readdirSync(REAL).filter((f) => f.endsWith('.jinja'));

  it('the corpus of real published templates is there (97 templates)', () => {
    assert.equal(files.length, 97);
  });

  it('every real published template parses and reaches nothing', async () => {
    const bad: string[] = [];
    for (const f of files) {
      const a = await analyzeChatTemplate(readFileSync(join(REAL, f), 'utf8'));
      if (!a.parsed || a.signals.length)
        bad.push(`${f}: ${a.parseError ?? a.signals.map((s) => s.message).join('; ')}`);
    }
    assert.deepEqual(bad, []);
  });

  for (const [name, t] of PAYLOADS) {
    it(`catches: ${name}`, async () => {
      const a = await analyzeChatTemplate(t);
      assert.ok(a.signals.length > 0, `nothing found in ${t}`);
      if (!a.parsed) assert.ok(a.signals.every((s) => s.kind === 'token-check'));
    });
  }

  it('internal names: dunders, name-mangled privates, frame and code internals; not ordinary names', () => {
    for (const n of ['__class__', '__globals__', '_TemplateReference__context', 'mro', 'f_globals', 'gi_frame'])
      assert.ok(isInternalName(n), n);
    for (const n of ['content', 'role', 'tool_calls', '_', '__', 'class', 'globals']) assert.ok(!isInternalName(n), n);
  });

  it('the token check reads inside tags only and ignores names in quoted text', () => {
    assert.deepEqual(tokenCheck("{% raw %}{{ 'the request.method and config.items are text' }}{% endraw %}"), []);
    assert.deepEqual(
      tokenCheck('plain text __class__ outside tags {{ x }}').map((s) => s.name),
      [],
    );
    assert.deepEqual(
      tokenCheck("{% raw %}{{ x|attr('y') }}{% endraw %}").map((s) => s.name),
      ['|attr'],
    );
  });

  it('gives line and column of the reached name', async () => {
    const a = await analyzeChatTemplate('{{ bos_token }}\n{{ messages.__class__ }}');
    assert.deepEqual([a.signals[0]!.line, a.signals[0]!.column], [2, 13]);
  });

  it('a self-referencing set chain folds and ends', async () => {
    const t = Array.from({ length: 200 }, () => "{% set s = s + 'x' %}").join('') + '{{ messages[s] }}';
    const a = await analyzeChatTemplate(t);
    assert.ok(Array.isArray(a.signals));
  });
});

describe('raw blocks: their text is output verbatim, as jinja2 renders it', () => {
  const CASES: [string, string, string[]][] = [
    ['a raw block around expression syntax', "{% raw %}{{ not a var }}{% endraw %}{{ messages[0]['content'] }}", []],
    ['with whitespace control', 'A {%- raw -%}  x {{ y }}  {%- endraw -%} B', []],
    ['attribute syntax inside a raw block is text', "{% raw %}{{ ''.__class__.__mro__ }}{% endraw %}", []],
    [
      'a raw tag inside a comment opens no block',
      "{# {% raw %} #}{{ ''.__class__.__mro__ }}{# {% endraw %} #}",
      ['__mro__', '__class__'],
    ],
    [
      'a raw tag inside a string literal opens no block',
      "{{ '{% raw %}' }}{{ ''.__class__.__mro__ }}{{ '{% endraw %}' }}",
      ['__mro__', '__class__'],
    ],
    [
      'a raw tag inside a statement string opens no block',
      "{% if x == '{% raw %}' %}{{ ''.__class__.__mro__ }}{% endif %}{% raw %}a{% endraw %}",
      ['__mro__', '__class__'],
    ],
  ];
  for (const [name, template, names] of CASES)
    it(`${name}: ${names.length ? 'reported' : 'passes'}`, async () => {
      const a = await analyzeChatTemplate(template);
      assert.ok(a.parsed, a.parseError);
      assert.deepEqual(a.signals.map((s) => s.name).sort(), [...names].sort());
    });
});
