// Untrusted text printed on a terminal: controls and bidirectional overrides are shown escaped, printable text is not.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { terminalSafe } from '../../src/report/terminal-safe.js';

describe('terminalSafe', () => {
  const cases: [string, string, string][] = [
    ['a right-to-left override in a file name', 'evil\u202elkp.txt', 'evil\\u{202e}lkp.txt'],
    ['isolates and marks', 'a\u2066b\u2069c\u200fd\u061ce', 'a\\u{2066}b\\u{2069}c\\u{200f}d\\u{061c}e'],
    ['embeddings', '\u202a\u202b\u202c\u202d', '\\u{202a}\\u{202b}\\u{202c}\\u{202d}'],
    ['line and paragraph separators', 'x\u2028y\u2029z', 'x\\u{2028}y\\u{2029}z'],
    ['C0 and C1 controls', 'a\x1b[31mb\rc\nd\x85', 'a\\x1b[31mb\\x0dc\\x0ad\\x85'],
    ['printable Unicode stays', 'modèle-ü-中文-🙂.pkl', 'modèle-ü-中文-🙂.pkl'],
  ];
  for (const [name, input, want] of cases) it(name, () => assert.equal(terminalSafe(input), want));
});
