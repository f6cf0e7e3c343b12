// CPython _pickle.c text-argument semantics, as case tables.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  decodeUtf8SurrogatePass,
  isDottedIdentifier,
  parseFloatLine,
  parseIntLine,
  parseLongLine,
  parseQuotedString,
  parseRawUnicodeEscape,
  pyLongFromString,
} from '../../../src/formats/pickle/text-args.js';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('INT line (strtol base 0, then PyLong_FromString base 0)', () => {
  const cases: [string, bigint | 'error', boolean?][] = [
    ['1\n', 1n],
    ['-17\n', -17n],
    ['+5\n', 5n],
    ['00\n', 0n, true], // "I00\n" is False
    ['01\n', 1n, true], // "I01\n" is True
    [' 1\n', 1n, true], // len 3 and value 1: strtol skips the space, so CPython makes True
    ['0x10\n', 16n], // hex: pickletools rejects, the C unpickler accepts
    ['010\n', 8n], // strtol base 0 reads octal
    ['12\x00junk\n', 12n], // strtol stops at NUL, which counts as end of string
    ['9223372036854775808\n', 9223372036854775808n], // overflows long: PyLong fallback
    ['1_000\n', 1000n], // strtol stops at '_', PyLong accepts underscores
    ['abc\n', 'error'],
    ['1.5\n', 'error'],
    ['\n', 'error'],
  ];
  for (const [line, want, isBool] of cases) {
    it(JSON.stringify(line), () => {
      const r = parseIntLine(b(line));
      if (want === 'error') assert.equal(r.ok, false);
      else {
        assert.ok(r.ok);
        assert.equal(r.value, want);
        assert.equal(r.isBool, isBool ?? false);
      }
    });
  }
});

describe('LONG line', () => {
  const cases: [string, bigint | 'error'][] = [
    ['123L\n', 123n],
    ['123\n', 123n],
    ['-0x1fL\n', -31n],
    ['12a\n', 'error'],
  ];
  for (const [line, want] of cases) {
    it(JSON.stringify(line), () => {
      const r = parseLongLine(b(line));
      if (want === 'error') assert.equal(r.ok, false);
      else assert.deepEqual(r.ok && r.value, want);
    });
  }
});

describe('PyLong_FromString', () => {
  it('base 10 memo keys accept whitespace and underscores, reject prefixes', () => {
    assert.equal(pyLongFromString(b(' 4_2\n'), 10), 42n);
    assert.equal(pyLongFromString(b('0x2\n'), 10), undefined);
  });
  it('base 0 rejects leading zeros on non-zero decimals', () => {
    assert.equal(pyLongFromString(b('010'), 0), undefined);
    assert.equal(pyLongFromString(b('000'), 0), 0n);
    assert.equal(pyLongFromString(b('0o17'), 0), 15n);
  });
});

describe('FLOAT line', () => {
  const cases: [string, number | 'error'][] = [
    ['1.5\n', 1.5],
    ['-2e3\n', -2000],
    ['inf\n', Infinity],
    ['nan\n', NaN],
    ['1.5\x00x\n', 1.5],
    ['1e999\n', 'error'], // OverflowError
    ['1_0.0\n', 'error'],
    [' 1.0\n', 'error'],
  ];
  for (const [line, want] of cases) {
    it(JSON.stringify(line), () => {
      const r = parseFloatLine(b(line));
      if (want === 'error') assert.equal(r.ok, false);
      else assert.ok(r.ok && Object.is(r.value, want));
    });
  }
});

describe('STRING (quoted, bytes escapes)', () => {
  const cases: [string, string | 'error'][] = [
    ["'abc'\n", 'abc'],
    ['"a\'b"\n', "a'b"],
    ["'a\\nb'\n", 'a\nb'],
    ["'\\x41\\101'\n", 'AA'],
    ["'\\q'\n", '\\q'],
    ['abc\n', 'error'],
    ['\'abc"\n', 'error'],
    ["'a\\'\n", 'error'],
  ];
  for (const [line, want] of cases) {
    it(JSON.stringify(line), () => {
      const r = parseQuotedString(b(line));
      if (want === 'error') assert.equal(r.ok, false);
      else assert.equal(r.ok && Buffer.from(r.bytes).toString('latin1'), want);
    });
  }
});

describe('UNICODE (raw-unicode-escape)', () => {
  it('decodes \\u and \\U escapes and keeps other backslashes', () => {
    const r = parseRawUnicodeEscape(b('a\\u00e9\\U0001F600\\x'));
    assert.ok(r.ok);
    assert.equal(r.value, 'aé😀\\x');
  });
  it('an even run of backslashes does not start an escape', () => {
    const r = parseRawUnicodeEscape(b('\\\\u0041'));
    assert.ok(r.ok);
    assert.equal(r.value, '\\\\u0041');
  });
  it('truncated escapes are errors', () => assert.equal(parseRawUnicodeEscape(b('\\u12')).ok, false));
});

describe('UTF-8 surrogatepass', () => {
  it('accepts lone surrogates like CPython', () => {
    assert.equal(decodeUtf8SurrogatePass(Uint8Array.from([0x61, 0xed, 0xa0, 0x80])), 'a\ud800');
  });
  it('rejects invalid sequences', () => {
    assert.equal(decodeUtf8SurrogatePass(Uint8Array.from([0xff])), undefined);
    assert.equal(decodeUtf8SurrogatePass(Uint8Array.from([0xc0, 0x80])), undefined);
  });
});

describe('dotted identifiers', () => {
  for (const [s, ok] of [
    ['os', true],
    ['torch.serialization', true],
    ['модель.Net', true],
    ['a b', false],
    ['1x', false],
    ['', false],
    ['x..y', false],
    ['_a._b9', true],
    ['a.', false],
    ['.a', false],
    ['a-b', false],
    ['a\u00b7b', false], // MIDDLE DOT (Po) is outside the classes this check uses
    ['x\u0301', true], // combining acute accent (Mn) continues an identifier
    ['\u0301x', false], // but cannot start one
    ['\u2160', true], // ROMAN NUMERAL ONE (Nl)
    ['a\u203fb', true], // UNDERTIE (Pc)
  ] as const) {
    it(JSON.stringify(s), () => assert.equal(isDottedIdentifier(s), ok));
  }
});
