// Differential test of the .npy descr parser against NumPy's own verdicts (test/fixtures/npy-descr/oracle.json,
// recorded by scripts/data/npy-descr-oracle.py with /usr/bin/python3's numpy): no descr numpy reads as holding
// objects may be read here as plain (the data would go unscanned), and every descr numpy itself writes is decided
// exactly (no false alarm on real files).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { descrVerdict, type DescrVerdict } from '../../../src/formats/npy/descr.js';
import { parsePyLiteral } from '../../../src/formats/npy/py-literal.js';

interface Case {
  descr: string;
  group: string;
  accepts: boolean;
  hasobject?: boolean;
  written?: true;
}

const oracle = JSON.parse(readFileSync(new URL('../../fixtures/npy-descr/oracle.json', import.meta.url), 'utf8')) as {
  numpy: string;
  cases: Case[];
};

/** Our reading of a header's descr text: a verdict, or 'corrupt' when the header literal does not parse. */
function ours(text: string): DescrVerdict | 'corrupt' {
  try {
    return descrVerdict(parsePyLiteral(text));
  } catch {
    return 'corrupt';
  }
}

function numpys(c: Case): DescrVerdict {
  return !c.accepts ? 'invalid' : c.hasobject === true ? 'object' : 'plain';
}

describe(`npy descr parser against numpy ${oracle.numpy} (${oracle.cases.length} spellings)`, () => {
  it('holds a meaningful share of object spellings in every group', () => {
    const objects = oracle.cases.filter((c) => c.hasobject === true);
    assert.ok(objects.length > 500, `${objects.length}`);
    for (const g of ['name', 'sized', 'strtol', 'comma', 'subarray', 'field', 'nested', 'literal'])
      assert.ok(
        objects.some((c) => c.group === g),
        g,
      );
  });

  it('never reads as plain (or refused) a descr numpy unpickles: object, undecided or a corrupt header', () => {
    const missed = oracle.cases
      .filter((c) => c.hasobject === true)
      .filter((c) => !['object', 'unknown', 'corrupt'].includes(ours(c.descr)))
      .map((c) => `${c.descr} -> ${ours(c.descr)}`);
    assert.deepEqual(missed, []);
  });

  it('decides every descr numpy itself writes exactly', () => {
    const wrong = oracle.cases
      .filter((c) => c.written === true)
      .filter((c) => ours(c.descr) !== numpys(c))
      .map((c) => `${c.descr}: numpy ${numpys(c)}, here ${ours(c.descr)}`);
    assert.deepEqual(wrong, []);
  });

  it('agrees with numpy on the other spellings, except where it reads the data as a pickle to be safe', () => {
    // A spelling numpy refuses or reads as plain, read here as an object array: the data is scanned as a pickle
    // (a finding on crafted files, never a missed payload). Counted, and bounded so that the parser stays precise.
    let exact = 0;
    const falseObject: string[] = [];
    for (const c of oracle.cases) {
      const v = ours(c.descr);
      if (v === numpys(c)) exact++;
      else if (c.accepts && c.hasobject === false && (v === 'object' || v === 'unknown'))
        falseObject.push(`${c.descr}: numpy plain, here ${v}`);
    }
    assert.ok(exact / oracle.cases.length > 0.97, `exact ${exact} of ${oracle.cases.length}`);
    assert.deepEqual(falseObject, []);
  });
});
