// Loops over what a template makes from range(): the count follows the value through size-keeping filters (batch,
// map, select, unique, slice, groupby, ...), an item filter (first) of a list or slice holding it, a `set` variable,
// a namespace attribute, a subscript and the items of a list or tuple literal. Each hostile shape nests two loops of
// 99,999 passes and runs for minutes under jinja2's ImmutableSandboxedEnvironment (as transformers renders chat
// templates); each twin is the same shape at the sizes published templates use.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyzeChatTemplate } from '../../../src/analyzers/model/chat-template.js';

const nest = (outer: string, inner = outer): string =>
  `{% for a in ${outer} %}{% for b in ${inner} %}{% endfor %}{% endfor %}{{ bos_token }}`;

const CASES: [string, string, boolean][] = [
  ['batch(1) of a range', nest('range(99999)|batch(1)'), true],
  ['map of a range', nest("range(99999)|map('abs')"), true],
  ['select of a range', nest('range(99999)|select'), true],
  ['unique of a range', nest('range(99999)|unique'), true],
  ['first slice of a range', nest('range(99999)|slice(1)|first'), true],
  ['groupby of a range', nest("range(99999)|groupby('real')"), true],
  ['a range set to a variable', '{% set r = range(99999) %}' + nest('r'), true],
  [
    'a range kept in a namespace attribute',
    '{% set ns = namespace(r=none) %}{% set ns.r = range(99999) %}' + nest('ns.r'),
    true,
  ],
  ['a slice of a range', nest('range(99999)[1:]'), true],
  ['the first item of a list holding a range', nest('[range(99999)]|first'), true],
  ['the first item of a tuple holding a range', nest('(range(99999), 1)|first'), true],
  ['a loop variable over a list of ranges', '{% for r in [range(99999)] %}' + nest('r') + '{% endfor %}', true],
  ['twin: batch(1) of a short range', nest('range(5)|batch(1)'), false],
  ['twin: a short range set to a variable', '{% set r = range(5) %}' + nest('r'), false],
  ['twin: the first item of a list holding a short range', nest('[range(5)]|first'), false],
  ['twin: a slice of the messages', nest('messages[1:]', 'range(3)'), false],
];

describe('loops over values made from range()', () => {
  for (const [name, template, reaches] of CASES)
    it(`${name}: ${reaches ? 'a render-cost finding' : 'passes'}`, async () => {
      const a = await analyzeChatTemplate(template);
      assert.ok(a.parsed, a.parseError);
      const cost = a.signals.filter((s) => s.kind === 'render-cost');
      assert.equal(cost.length > 0, reaches, JSON.stringify(a.signals.map((s) => `${s.kind}:${s.name}`)));
      if (!reaches) assert.deepEqual(a.signals, []);
    });
});
