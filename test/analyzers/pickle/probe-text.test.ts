// Text files that happen to parse as a protocol-0 GLOBAL (`labels.txt`: "cat\ndog\n" imports `at.dog`) and then
// break are not pickles; a broken text stream still is when its import matters (dangerous, allowlisted or a known
// framework), when it invoked something before breaking, or when it is not UTF-8 text.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';

const enc = (s: string) => Buffer.from(s, 'utf8');
const rules = async (b: Uint8Array) => [...new Set((await scanBytes('f', b)).findings.map((f) => f.ruleId))].sort();

describe('broken protocol-0 text: pickle or not', () => {
  const cases: [string, Uint8Array, string[]][] = [
    ['class-name list starting with c', enc('cat\ndog\nbird\n'), []],
    ['label list with a shared prefix', enc('cls\nperson\nbicycle\ncar\n'), []],
    ['UTF-8 labels', enc('cat\n猫\nchien\n'), []],
    ['dangerous import, then garbage', enc('cos\nsystem\nzzz'), ['PICKLE-EXEC', 'PICKLE-STRUCT']],
    ['framework module, then garbage', enc('ctorch\nfoo\nzzz'), ['PICKLE-GLOBAL-IMPORT', 'PICKLE-STRUCT']],
    [
      'unknown module invoked before the break',
      enc("cfoo\nbar\n(S'x'\ntRzzz"),
      ['PICKLE-GLOBAL-IMPORT', 'PICKLE-STRUCT'],
    ],
    [
      'not UTF-8 (0xf8 in the name line)',
      Uint8Array.from([0x63, 0x6d, 0x6f, 0x64, 0x0a, 0xf8, 0x0a]),
      ['PICKLE-GLOBAL-IMPORT', 'PICKLE-STRUCT'],
    ],
    [
      'binary control bytes after an unknown import',
      Uint8Array.from([...enc('cfoo\nbar\n'), 0x01, 0x02]),
      ['PICKLE-GLOBAL-IMPORT', 'PICKLE-STRUCT'],
    ],
  ];
  for (const [name, bytes, want] of cases) it(name, async () => assert.deepEqual(await rules(bytes), want));
});
