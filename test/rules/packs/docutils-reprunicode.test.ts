// docutils' reprunicode, the str subclass its releases up to 0.20 define (on Python 2 a unicode subclass with its own
// repr; 0.19 - 0.20 a deprecated str subclass whose __init__ warns): Sphinx build caches of those releases hold it as a
// title's or a caption's text, written as NEWOBJ of the class with its value (str's __getnewargs__), no BUILD. Files
// Debian's docutils 0.19 pickled (scripts/fixtures/docutils-reprunicode.py) pass; streams written opcode by opcode keep
// the hostile twins blocked (a call planted as the value, an object as the value, the class called with a planted
// argument, a callable planted in a state).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
const DIR = new URL('../../fixtures/docutils-reprunicode/', import.meta.url).pathname;

async function verdict(bytes: Uint8Array): Promise<{ blocking: string[]; signals: string; admitted: string[] }> {
  const r = await scanBytes('environment.pickle', bytes);
  const b = r.findings.filter((f) => BLOCKING.has(f.severity));
  return {
    blocking: b.map((f) => f.ruleId),
    signals: b.map((f) => f.evidence.signal).join(' | '),
    admitted: r.pickles.flatMap((p) => p.admitted ?? []).map((a) => a.name),
  };
}

/** os.system('id'): the planted call of the hostile twins. */
const payload = (p: P): P => p.global('os', 'system').bu('id').tuple1().reduce();

/** reprunicode as Python 2's protocol 2 and Python 3's pickle write it: NEWOBJ of the class with (value,). */
function text(value: (p: P) => P = (q) => q.bu('Contents:'), after: (p: P) => P = (q) => q): Uint8Array {
  return after(value(new P().proto(2).global('docutils.nodes', 'reprunicode')).tuple1().newobj())
    .stop()
    .bytes();
}

describe("docutils' reprunicode (a title's text in older Sphinx caches)", () => {
  const cases: [string, Uint8Array, RegExp | null][] = [
    ['benign: NEWOBJ of the class with its text', text(), null],
    ['hostile: a call planted as the value', text(payload), /os\.system/],
    [
      "hostile: an object as the value (str() of it would run its class's __str__)",
      text((q) => q.global('docutils.nodes', 'paragraph').emptyTuple().newobj()),
      /reprunicode with object/,
    ],
    [
      'hostile: the class called (REDUCE) with a planted argument',
      payload(new P().proto(2).global('docutils.nodes', 'reprunicode')).tuple1().reduce().stop().bytes(),
      /os\.system/,
    ],
    [
      'hostile: a BUILD whose state plants a callable',
      text(undefined, (q) => q.emptyDict().sbu('x').global('os', 'system').setitem().build()),
      /os\.system/,
    ],
  ];
  for (const [name, bytes, hit] of cases) {
    it(name, async () => {
      const v = await verdict(bytes);
      if (hit === null) assert.deepEqual(v.blocking, [], v.signals);
      else {
        assert.ok(v.blocking.length > 0, name);
        assert.match(v.signals, hit);
      }
    });
  }
  for (const f of ['reprunicode-p2.pkl', 'reprunicode-p4.pkl', 'title-p4.pkl']) {
    it(`passes: ${f} (docutils 0.19)`, async () => {
      const v = await verdict(readFileSync(DIR + f));
      assert.deepEqual(v.blocking, [], v.signals);
      assert.ok(v.admitted.includes('docutils.nodes.reprunicode'), v.admitted.join(', '));
    });
  }
});
