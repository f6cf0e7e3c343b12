// The memo's storage (chunks filled in key order, the first growing with use; a Map for other keys) must behave
// exactly like one map from key to value: same lookups, and the same filled-slot count (MEMOIZE's next key,
// CPython's memo_len).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Memo } from '../../../src/analyzers/pickle/memo.js';
import { K, type ListV, type PyVal } from '../../../src/analyzers/pickle/values.js';

const CHUNK = 1 << 16;

describe('Memo storage', () => {
  it('matches a plain Map for any sequence of puts (keys in chunks, beyond them, and migrating)', () => {
    const key = fc.oneof(
      fc.nat(5),
      fc.integer({ min: CHUNK - 3, max: CHUNK + 3 }),
      fc.integer({ min: 2 * CHUNK - 2, max: 2 * CHUNK + 2 }),
      fc.nat(4 * CHUNK),
      fc.constantFrom(2 ** 26 - 1, 2 ** 26, 2 ** 31, 2 ** 32 - 1, 2 ** 40),
    );
    const op = fc.oneof(
      fc.record({ kind: fc.constant('put' as const), key, value: fc.integer({ min: 1, max: 1e6 }) }),
      fc.record({ kind: fc.constant('memoize' as const), value: fc.integer({ min: 1, max: 1e6 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const m = new Memo(1 << 30, 0);
        const model = new Map<number, PyVal>();
        for (const o of ops) {
          const k = o.kind === 'put' ? o.key : m.size;
          m.put(k, o.value);
          model.set(k, o.value);
          assert.equal(m.size, model.size);
        }
        for (const [k, v] of model) assert.equal(m.get(k), v);
        for (const k of [0, 1, CHUNK, CHUNK + 1, 2 ** 26, 2 ** 32 - 1]) assert.equal(m.get(k), model.get(k));
      }),
      { numRuns: 300 },
    );
  });

  it('a key stored before its chunk exists is found, and counted once, after MEMOIZE grows into it', () => {
    const m = new Memo(1 << 30, 0);
    m.put(CHUNK + 5, 42); // chunk 1 does not exist yet: kept in the Map
    for (let i = 0; i < CHUNK + 10; i++) if (i !== CHUNK + 5) m.put(i, 1); // allocates chunk 1 at key CHUNK
    assert.equal(m.get(CHUNK + 5), 42);
    m.put(CHUNK + 5, 43); // overwrite after migration into the chunk
    assert.equal(m.get(CHUNK + 5), 43);
    assert.equal(m.size, CHUNK + 10);
  });
});

describe('Memo stand-ins after the detail budget', () => {
  it("keeps very short strings (a dtype's byte order) and names, not other text", () => {
    const m = new Memo(0, 1 << 20);
    m.put(0, '<');
    m.put(1, '__scipys');
    m.put(2, 'two words');
    assert.equal(m.get(0), '<');
    assert.equal(m.get(1), '__scipys');
    assert.notEqual(m.get(2), 'two words');
  });

  it('marks the summary list read back only when a memo read returns it', () => {
    const m = new Memo(0, 1 << 20);
    const a: ListV = { k: K.List, strs: [] };
    const b: ListV = { k: K.List, strs: [] };
    m.put(0, a);
    m.put(1, b);
    assert.ok(a.lostInto !== undefined && a.lostInto === b.lostInto);
    assert.equal(a.lostInto.readBack, undefined, 'storing lists does not read the summary');
    assert.equal(m.get(1), a.lostInto);
    assert.equal(a.lostInto.readBack, true, 'what is appended through the read may belong to either list');
  });
});
