// isoUtc writes exactly what Date#toISOString writes, including the years and dates it hands back to it.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { isoUtc } from '../../src/core/iso-time.js';

describe('isoUtc', () => {
  const cases: [string, Date][] = [
    ['the epoch', new Date(0)],
    ['a leap day with milliseconds', new Date(Date.UTC(2024, 1, 29, 23, 59, 59, 7))],
    ['year 0001', new Date(new Date(0).setUTCFullYear(1))],
    ['year 0 (setUTCFullYear)', new Date(new Date(0).setUTCFullYear(0))],
    ['year 9999, last millisecond', new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999))],
    ['year 10000', new Date(Date.UTC(10000, 0, 1))],
    ['a negative year', new Date(new Date(0).setUTCFullYear(-1))],
    ['now', new Date()],
  ];
  for (const [name, d] of cases) {
    it(name, () => assert.equal(isoUtc(d), d.toISOString()));
  }
  it('an invalid date throws as toISOString does', () => {
    assert.throws(() => isoUtc(new Date(NaN)), RangeError);
  });
});
