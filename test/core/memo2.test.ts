// Memo2 remembers answers by two keys, tells a remembered undefined from a miss, and never holds more than its bound.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Memo2 } from '../../src/core/memo2.js';

describe('Memo2', () => {
  it('computes once per key pair and answers repeats from memory', () => {
    const memo = new Memo2<string, string, string>(10);
    const calls: string[] = [];
    const compute = (a: string, b: string): string => {
      calls.push(`${a}/${b}`);
      return `${a}:${b}`;
    };
    assert.equal(memo.remember('t', 'k', compute), 't:k');
    assert.equal(memo.remember('t', 'k', compute), 't:k');
    assert.equal(memo.remember('u', 'k', compute), 'u:k');
    assert.equal(memo.remember('t', 'j', compute), 't:j');
    assert.deepEqual(calls, ['t/k', 'u/k', 't/j']);
    assert.equal(memo.size, 3);
    assert.equal(memo.get('t', 'k'), 't:k');
    assert.equal(memo.get('t', 'missing'), undefined);
  });

  it('remembers an undefined answer without asking again', () => {
    const memo = new Memo2<string, string, number | undefined>(10);
    let calls = 0;
    const compute = (): undefined => {
      calls++;
      return undefined;
    };
    assert.equal(memo.remember('t', 'absent', compute), undefined);
    assert.equal(memo.remember('t', 'absent', compute), undefined);
    assert.equal(calls, 1);
    assert.equal(memo.size, 1);
  });

  it('keys the two levels apart (no combined key string)', () => {
    const memo = new Memo2<string, string, number>(10);
    memo.set('a.b', 'c', 1);
    memo.set('a', 'b.c', 2);
    assert.equal(memo.get('a.b', 'c'), 1);
    assert.equal(memo.get('a', 'b.c'), 2);
  });

  it('never holds more than its bound: when full it forgets everything before the next answer', () => {
    const memo = new Memo2<number, number, number>(4);
    let calls = 0;
    const compute = (a: number, b: number): number => {
      calls++;
      return a * 100 + b;
    };
    for (let i = 0; i < 4; i++) memo.remember(i % 2, i, compute);
    assert.equal(memo.size, 4);
    assert.equal(calls, 4);
    memo.remember(0, 0, compute); // a hit: nothing evicted
    assert.equal(calls, 4);
    assert.equal(memo.size, 4);
    memo.remember(9, 9, compute); // a miss when full: the old answers go
    assert.equal(memo.size, 1);
    assert.equal(memo.get(0, 0), undefined);
    assert.equal(memo.get(9, 9), 909);
    assert.equal(memo.remember(0, 0, compute), 0);
    assert.equal(calls, 6);
    for (let i = 0; i < 1000; i++) {
      memo.remember(i, i, compute);
      assert.ok(memo.size <= 4);
    }
  });

  it('counts a replaced answer once', () => {
    const memo = new Memo2<string, string, number>(3);
    memo.set('t', 'k', 1);
    memo.set('t', 'k', 2);
    assert.equal(memo.size, 1);
    assert.equal(memo.get('t', 'k'), 2);
  });

  it('clear forgets every answer', () => {
    const memo = new Memo2<string, string, number>(3);
    memo.set('t', 'k', 1);
    memo.clear();
    assert.equal(memo.size, 0);
    assert.equal(memo.get('t', 'k'), undefined);
  });

  it('refuses a bound below one', () => {
    assert.throws(() => new Memo2(0), RangeError);
  });
});
