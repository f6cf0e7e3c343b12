// The chat-template constant folder against recorded CPython/jinja2 answers (scripts/fixtures/template-fold-oracle.py,
// 3,000 random expressions over format specs, %-flags, strip with and without characters, replace with counts,
// slices, joins, first/last, case, centring and splitting, with non-ASCII whitespace and astral characters): every
// expression it folds to one string is exactly what jinja2 renders; everything else it calls unknown.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse, tokenize } from '@huggingface/jinja';
import { emptyEnv, foldString } from '../../../src/analyzers/model/template-fold.js';
import type { JNode } from '../../../src/analyzers/model/template-print.js';
import { checkFolds, type OracleCase } from '../../helpers/template-fold-check.js';

const table = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../fixtures/model/template-fold/oracle.json'), 'utf8'),
) as { cases: OracleCase[] };

const fold1 = (expr: string) => {
  const node = (parse(tokenize(`{{ ${expr} }}`)) as unknown as { body: JNode[] }).body[0]!;
  return foldString(node, emptyEnv());
};

describe('template folding against recorded jinja2 answers', () => {
  it('every exact fold equals what jinja2 renders, over 3,000 recorded expressions', () => {
    assert.equal(table.cases.length, 3000);
    const r = checkFolds(table.cases);
    assert.deepEqual(r.wrong, []);
    // The folder decides a good share of them (a folder that says unknown to everything would pass the above).
    assert.ok(r.folded >= 1000, `folded ${r.folded}, unknown ${r.unknown}, unparsed ${r.unparsed}`);
  });

  // Operations folded wrongly in the past and their exact answers (CPython 3.11, jinja2 3.1).
  const EXACT: [string, string | undefined][] = [
    ["'\\x1c__init__\\x1c'.strip()", '__init__'],
    ["'\\ufeffab\\ufeff'.strip()", '\ufeffab\ufeff'],
    ["'xxabxx'.strip('x')", 'ab'],
    ["'abc'.replace('', '-')", '-a-b-c-'],
    ["'aaa'|replace('a', 'b', 2)", 'bba'],
    ["'%c%cinit%c%c' % (95, 95, 95, 95)", '__init__'],
    ["'%.2sinit%.2s' % ('__x', '__x')", undefined],
    ["'%-2s' % 'a'", undefined],
    ["'{:_^2}init{:_^2}'.format('', '')", undefined],
    ["'{:c}'.format(95)", undefined],
    ["'{}{}'.format('a', 'b')", 'ab'],
    ["'{0}{0}'.format('a')", 'aa'],
    ["'{}{0}'.format('a')", undefined],
    ["'init'|center(8)", undefined],
    ["'a b'.split()[0]", undefined],
    ["'Abc'.title()", undefined],
    ["'İ'|lower", undefined],
    ["'ab' * -1", ''],
    // Lone surrogates are single code points in Python and never pair up; a JavaScript string pairs them.
    ["'%c' % 55357", undefined],
    ["'%c'|format(56832)", undefined],
    ["(('%c'|format(55357)) ~ ('%c'|format(56832)) ~ '_x')[2]", undefined],
    ["(('%c'|format(55357)) ~ ('%c'|format(56832)) ~ '_x_y')[2::2]", undefined],
    ["'\\ud83d\\ude00_x'[2]", undefined],
    ["'\\ud83d\\ude00_x'|reverse", undefined],
    ["'\u{1F600}_x'[1]", undefined],
    ["'a_x'[1]", '_'],
  ];
  for (const [expr, want] of EXACT)
    it(`${expr} → ${want === undefined ? 'unknown' : JSON.stringify(want)}`, () => {
      const f = fold1(expr);
      if (want === undefined) assert.ok(f.unknown && f.values.length === 0, JSON.stringify(f.values));
      else assert.deepEqual([f.unknown, f.values], [false, [want]]);
    });
});
