// PatternTable answers as a linear scan of its table would: the first item, in table order, whose pattern matches
// one of the names (and that a filter keeps), whichever of its indexes (exact, dotted prefix, the rest) holds it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DOWNLOAD_TABLE,
  DOWNLOAD_TO_FILE,
  NETWORK_CALLS,
  NETWORK_TABLE,
  PatternTable,
  REMOTE_CALLS,
  REMOTE_TABLE,
  SERVER_CALLS,
  SERVER_TABLE,
  matchesPattern,
  type NamePattern,
} from '../../../src/analyzers/deser/apis.js';

/** Names near every pattern of a table: the pattern's own spellings, longer and shorter ones, and near misses. */
function namesAround(patterns: readonly NamePattern[]): string[] {
  const out = new Set<string>(['', '.', 'x', 'requests', 'a.b.c', 'x_pb2_grpc.FooStub().Bar', 'pkg.x_pb2_grpc.S()']);
  for (const p of patterns) {
    for (const base of [p.exact, p.prefix, p.suffix].filter((x): x is string => x !== undefined)) {
      out.add(base);
      out.add(`${base}x`);
      out.add(`x${base}`);
      out.add(`${base}.y`);
      out.add(base.slice(0, -1));
      out.add(base.slice(1));
    }
    if (p.prefix !== undefined && p.suffix !== undefined) {
      out.add(`${p.prefix}${p.suffix.replace(/^\./, '')}`);
      out.add(`${p.prefix}Client()${p.suffix}`);
      out.add(`${p.prefix}a.b${p.suffix}`);
      out.add(`${p.prefix}${p.suffix}`);
    }
  }
  return [...out];
}

function linear<T>(
  items: readonly T[],
  pat: (t: T) => NamePattern,
  names: readonly string[],
  keep?: (t: T) => boolean,
): T | undefined {
  return items.find((x) => (keep === undefined || keep(x)) && names.some((n) => matchesPattern(n, pat(x))));
}

describe('PatternTable', () => {
  const tables = [
    ['NETWORK_CALLS', NETWORK_CALLS, NETWORK_TABLE, (x: (typeof NETWORK_CALLS)[number]) => x.pattern],
    ['DOWNLOAD_TO_FILE', DOWNLOAD_TO_FILE, DOWNLOAD_TABLE, (x: (typeof DOWNLOAD_TO_FILE)[number]) => x.pattern],
    ['SERVER_CALLS', SERVER_CALLS, SERVER_TABLE, (x: NamePattern) => x],
    ['REMOTE_CALLS', REMOTE_CALLS, REMOTE_TABLE, (x: NamePattern) => x],
  ] as const;
  for (const [label, items, table, pat] of tables) {
    it(`${label}: the item a linear scan finds, for each name and for pairs of names`, () => {
      const names = namesAround((items as readonly unknown[]).map((x) => (pat as (y: unknown) => NamePattern)(x)));
      let matched = 0;
      for (const [i, n] of names.entries()) {
        const one = [n];
        const two = [names[(i * 7 + 3) % names.length]!, n];
        const find = (ns: string[]): unknown => (table as PatternTable<unknown>).find(ns);
        const lin = (ns: string[]): unknown =>
          linear(items as readonly unknown[], pat as (y: unknown) => NamePattern, ns);
        assert.equal(find(one), lin(one), `${label} ${n}`);
        assert.equal(find(two), lin(two), `${label} ${two.join(' ')}`);
        assert.equal((table as PatternTable<unknown>).has(one), lin(one) !== undefined);
        if (lin(one) !== undefined) matched++;
      }
      // The case proves something only when most patterns are hit.
      assert.ok(matched >= items.length, `${label}: ${matched} names matched for ${items.length} patterns`);
    });
  }

  it('NETWORK_CALLS with a filter: the first kept item', () => {
    const keep = (x: (typeof NETWORK_CALLS)[number]): boolean => x.kind !== 'file';
    for (const n of namesAround(NETWORK_CALLS.map((x) => x.pattern)))
      assert.equal(
        NETWORK_TABLE.find([n], keep),
        linear(NETWORK_CALLS, (x) => x.pattern, [n], keep),
        n,
      );
  });

  it('answers in table order across its indexes', () => {
    const items: NamePattern[] = [
      { prefix: 'pkg', suffix: '.get' },
      { prefix: 'pkg.', suffix: '.get' },
      { exact: 'pkg.mod.get' },
      { re: /\.get$/ },
      { suffix: '.get' },
    ];
    const t = new PatternTable(items, (p) => p);
    assert.equal(t.find(['pkg.mod.get']), items[0]);
    assert.equal(t.find(['pkgx.mod.get']), items[0]);
    assert.equal(new PatternTable(items.slice(1), (p) => p).find(['pkg.mod.get']), items[1]);
    assert.equal(new PatternTable(items.slice(2), (p) => p).find(['pkg.mod.get']), items[2]);
    assert.equal(new PatternTable(items.slice(2), (p) => p).find(['other.get']), items[3]);
    assert.equal(new PatternTable([items[4]!, items[2]!], (p) => p).find(['pkg.mod.get']), items[4]);
    assert.equal(t.find(['pkg.mod.put', 'nothing']), undefined);
    assert.equal(t.find([]), undefined);
  });
});
