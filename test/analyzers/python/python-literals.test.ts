// Python literal decoding: escapes (Python lexical reference §2.4.1), prefixes, implicit concatenation, numbers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzePythonModule } from '../../../src/analyzers/python/analyze-module.js';
import { decodeEscapes } from '../../../src/analyzers/python/python-literals.js';

describe('decodeEscapes', () => {
  const table: [string, boolean, string][] = [
    ['a\\nb', false, 'a\nb'],
    ['\\x41\\101\\0', false, 'AA\0'],
    ['\\u00e9\\U0001F600', false, 'é😀'],
    ['\\u00e9', true, '\\u00e9'],
    ['\\N{BULLET}', false, '\\N{BULLET}'],
    ['\\q', false, '\\q'],
    ['line\\\ncont', false, 'linecont'],
    ['\\xZZ', false, '\\xZZ'],
    ['\\\\\\"\\\'', false, '\\"\''],
    ['\\777', true, '\xff'],
  ];
  for (const [body, bytes, expected] of table) {
    it(JSON.stringify(body) + (bytes ? ' (bytes)' : ''), () => assert.equal(decodeEscapes(body, bytes), expected));
  }
});

describe('literal constants through the analyser', () => {
  it('decodes prefixes, concatenation and numbers', async () => {
    const mod = await analyzePythonModule(
      ['f(R"\\n", Rb"\\x00", u"x", "a" \'b\', F"{{x}}", 1_000, 0o17, 0b11, 1.5e3, 2j, -1.5, "é" + "x")'].join('\n'),
    );
    assert.deepEqual(
      mod.calls[0]!.positional.map((p) => p.constant ?? null),
      [
        { type: 'str', value: '\\n' },
        { type: 'bytes', value: '\\x00' },
        { type: 'str', value: 'x' },
        { type: 'str', value: 'ab' },
        { type: 'str', value: '{x}' },
        { type: 'int', value: 1000 },
        { type: 'int', value: 15 },
        { type: 'int', value: 3 },
        { type: 'float', value: 1500 },
        null,
        { type: 'float', value: -1.5 },
        { type: 'str', value: 'éx' },
      ],
    );
  });
});
