// Chat templates whose render cost lies in work each evaluation repeats — substring searches CPython runs by
// comparing the needle at each position, big-integer sums, comparisons, negations, membership and text conversions,
// format widths, precisions and padding of values the loop does not change — each with a benign twin, judged against
// the real jinja2 (cases.json, recorded by scripts/fixtures/template-cost-classes-4.py: a case is unbounded when it
// exhausts 10 s of CPU or 1 GiB, rendered as transformers renders chat templates). Every hostile case is a
// high-confidence render-cost finding and every twin passes with no signal. The weights charged are at least twice
// what scripts/fixtures/template-op-cost.py measured with the real jinja2 (op-cost.json).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { INT_HEX_TEXT_WORK, INT_WALK_WORK } from '../../../src/analyzers/model/template-cost.js';
import { formatSpecSize } from '../../../src/analyzers/model/template-format-size.js';
import { OUTPUT_CHAR_WORK, SEARCH_PAIR_WORK, searchPairs } from '../../../src/analyzers/model/template-growth.js';
import { scanBytes } from '../../../src/scan/engine.js';
import { costCaseVerdicts, costClassTable, templateCases, type CostCase } from '../../helpers/template-cases.js';

const table = templateCases<{ cases: CostCase[]; twins: CostCase[] }>('template-cost-classes-4');
const measured = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../fixtures/model/template-cost-classes-4/op-cost.json'), 'utf8'),
) as {
  search: { shape: string; unitsPerPair: number }[];
  format: { shape: string; unitsPerChar: number }[];
  bigint: { shape: string; unitsPerDigit: number }[];
};

describe('render cost repeated on every evaluation: substring search, big integers, widths, against the real jinja2', () => {
  costClassTable(table.cases, 'ABC');
});

describe('published shapes beside the classes', () => {
  it('render with the real jinja2', () => {
    assert.ok(table.twins.length >= 2);
    for (const t of table.twins) assert.equal(t.reaches, false, t.name);
  });
  costCaseVerdicts(table.twins);
});

describe('the same template where transformers reads it', () => {
  const hostile = table.cases.find((c) => c.name === 'A-in-short-haystack')!;
  const twin = table.cases.find((c) => c.name === 'twin-A-in-short-haystack')!;
  for (const [c, blocked] of [
    [hostile, true],
    [twin, false],
  ] as const)
    it(`tokenizer_config.json holding ${c.name}: ${blocked ? 'CRITICAL' : 'no finding'}`, async () => {
      const r = await scanBytes(
        'tokenizer_config.json',
        new TextEncoder().encode(JSON.stringify({ chat_template: c.template, bos_token: '<s>' })),
      );
      const f = r.findings.filter((x) => x.ruleId === 'MODEL-TEMPLATE-INJECTION');
      if (blocked)
        assert.ok(
          f.some((x) => x.severity === 'CRITICAL'),
          JSON.stringify(r.findings),
        );
      else assert.deepEqual(f, []);
    });
});

describe('calibration against the real jinja2', () => {
  const most = (xs: number[]): number => Math.max(...xs);
  it('substring search: at least twice the most work per compared pair', () => {
    const m = most(measured.search.map((r) => r.unitsPerPair));
    assert.ok(m > 0.01, 'the measurements hold the naive shapes');
    assert.ok(SEARCH_PAIR_WORK >= 2 * m, `${SEARCH_PAIR_WORK} < 2 x ${m}`);
  });
  it('formatting and padding: at least twice the most work per character written', () => {
    const m = most(measured.format.map((r) => r.unitsPerChar));
    assert.ok(OUTPUT_CHAR_WORK >= 2 * m, `${OUTPUT_CHAR_WORK} < 2 x ${m}`);
  });
  it('big integers: at least twice the most work per digit, walked and written as text', () => {
    const text = (s: string): boolean => /hex|octal|binary/.test(s);
    const walk = most(measured.bigint.filter((r) => !text(r.shape)).map((r) => r.unitsPerDigit));
    const written = most(measured.bigint.filter((r) => text(r.shape)).map((r) => r.unitsPerDigit));
    assert.ok(INT_WALK_WORK >= 2 * walk, `${INT_WALK_WORK} < 2 x ${walk}`);
    assert.ok(INT_HEX_TEXT_WORK >= 2 * written, `${INT_HEX_TEXT_WORK} < 2 x ${written}`);
  });
});

describe('the compared pairs of a substring search, as CPython 3.11 chooses its algorithm', () => {
  const CASES: [string, number, number, boolean, number][] = [
    // [what, haystack, needle, reverse, pairs at least (or exactly 0 for none)]
    ['a haystack under 2,500 characters: haystack x needle', 2499, 1250, false, 2499 * 1250],
    ['a needle under 100 in a haystack under 30,000', 29999, 99, false, 29999 * 99],
    ['a reverse search at any size', 100000, 1000, true, 100000 * 1000],
    ['a one-character needle: a scan', 100000, 1, false, 0],
  ];
  for (const [what, hay, needle, reverse, pairs] of CASES)
    it(what, () => {
      const p = searchPairs(hay, needle, reverse);
      if (pairs === 0) assert.equal(p, 0);
      else assert.ok(p >= pairs, `${p} < ${pairs}`);
    });
  it('a long needle in a long haystack searches in linear time: no more than a few pairs a character', () => {
    assert.ok(searchPairs(1_000_000, 100_000, false) <= 1_000_000 * 100);
  });
  it("the request's parts count as the pieces the caller may cut them into", () => {
    assert.ok(searchPairs(1_000_000, 2000, false, 100_000) >= 1_000_000 * 2000);
    assert.ok(searchPairs(1_000_000, 8, false, 100_000) <= 1_000_000 * 8);
  });
});

describe('what one application of a format string writes by its specs', () => {
  const none = (): number => 0;
  const CASES: [string, 'percent' | 'brace', (k: number | string) => number, number][] = [
    ['%.5000000f', 'percent', none, 5_000_000],
    ['%5000000d', 'percent', none, 5_000_000],
    ['%*d', 'percent', (k) => (k === 0 ? 7_000 : 1), 7_000],
    ['%.5000000s', 'percent', none, 0],
    ['{:>{}}', 'brace', (k) => (k === 1 ? 9_000 : 1), 9_000],
    ['{0:{w}}', 'brace', (k) => (k === 'w' ? 4_000 : 1), 4_000],
    ['{:>5000000}', 'brace', none, 5_000_000],
    ['{:.5000000f}', 'brace', none, 5_000_000],
    ['{{:>5000000}}', 'brace', none, 0],
  ];
  for (const [fmt, style, arg, least] of CASES)
    it(`${fmt}: at least ${least} characters`, () => {
      const size = formatSpecSize(fmt, style, arg);
      assert.ok(size >= least, `${size}`);
      if (least === 0) assert.ok(size < 100, `${size}`);
    });
  it('a width taken from an argument the analysis cannot bound is unbounded', () => {
    assert.equal(
      formatSpecSize('{:>{}}', 'brace', () => Infinity),
      Infinity,
    );
  });
});
