// Chat templates whose render work depends on values the template itself writes, each with a benign twin, judged
// against the real jinja2 (cases.json, recorded by scripts/fixtures/template-value-work.py: a case is unbounded when
// it exhausts 10 s or 1 GiB rendered as transformers renders chat templates):
// - integers sharing one CPython hash (multiples of 2^61 - 1) in a list, a tuple, tuples or dict keys, or computed by
//   a counter and gathered in a loop, hashed by `unique`, a dict literal, dict(), dict.fromkeys() or namespace():
//   each compares with every other one of its hash class;
// - loops over a string or list held in a name (a `set`, a namespace attribute, a macro argument, a loop variable, a
//   filter's or method's result, a value gathered in a loop): the loop runs once per character or item;
// - `str.encode` with punycode or idna, whose work is length x distinct code points.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyzeChatTemplate } from '../../../src/analyzers/model/chat-template.js';
import { templateCases } from '../../helpers/template-cases.js';

interface Case {
  readonly name: string;
  readonly template: string;
  readonly reaches: boolean;
}
const table = templateCases<{ cases: Case[] }>('template-value-work');

/** The placeholders the recording script expands (see its header), expanded the same way. */
function expand(t: string): string {
  return t.replace(/@([A-Z]+)((?::[0-9]+)+)@/g, (_all, kind: string, rest: string) => {
    const [n, m] = rest
      .slice(1)
      .split(':')
      .map((x) => BigInt(x));
    const idx = Array.from({ length: Number(n) }, (_, i) => BigInt(i));
    switch (kind) {
      case 'INTS':
        return `[${idx.map((i) => (i * m!).toString()).join(', ')}]`;
      case 'BARE':
        return idx.map((i) => (i * m!).toString()).join(', ');
      case 'TUPS':
        return `[${idx.map((i) => `(${(i * m!).toString()}, 0)`).join(', ')}]`;
      case 'KEYS':
        return `{${idx.map((i) => `${(i * m!).toString()}: i`).join(', ')}}`;
      case 'CJK':
        return idx.map((i) => String.fromCodePoint(0x4e00 + Number(i))).join('');
      default:
        throw new Error(`unknown placeholder ${kind}`);
    }
  });
}

describe('render work set by the values a template writes, against the real jinja2', () => {
  it('has hostile cases and a benign twin for each', () => {
    const hostile = table.cases.filter((c) => c.reaches);
    assert.equal(hostile.length, 24);
    assert.equal(table.cases.filter((c) => !c.reaches).length, hostile.length);
    for (const c of hostile)
      assert.ok(
        table.cases.some((t) => t.name === `twin-${c.name}` && !t.reaches),
        c.name,
      );
  });
  for (const c of table.cases)
    it(`${c.name}: ${c.reaches ? 'a render-cost finding' : 'passes'}`, async () => {
      const a = await analyzeChatTemplate(expand(c.template));
      assert.ok(a.parsed, a.parseError);
      assert.equal(a.incomplete, undefined, a.incomplete);
      if (c.reaches)
        assert.ok(
          a.signals.some((s) => s.kind === 'render-cost' && s.confidence === 'high'),
          JSON.stringify(a.signals),
        );
      else assert.deepEqual(a.signals, []);
    });
});
