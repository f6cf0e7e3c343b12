// Split data files (scripts/lib/split-by-root.mjs, written by the bundler) must answer every lookup as the whole file
// does, and a lookup must parse only the part of its name's top-level module.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { keyedJson, LAZY_JSON, LAZY_PARTS } from '../../src/core/lazy-json.js';
// @ts-expect-error: a plain ES module of the build scripts, without type declarations
import { splitByRoot } from '../../scripts/lib/split-by-root.mjs';

const DATA = join(import.meta.dirname, '..', '..', 'src', 'analyzers', 'pickle', 'data');
const TABLES = ['classes', 'allowlistClasses', 'hooks'];
const FILES = ['callable-effects.json', 'history-effects.json', 'history-effects-pandas.json'];

type Data = Record<string, Record<string, unknown>>;
type Split = { head: Data; parts: Record<string, Data>; split: string[] };

/** A loader shaped as the bundle's, over JSON text, counting which parts were parsed. */
function bundled(data: Data): { loader: unknown; parsed: string[] } {
  const { head, parts, split } = splitByRoot(data, TABLES) as Split;
  const parsed: string[] = [];
  const text = (v: unknown): string => JSON.stringify(v);
  const loaders: Record<string, () => unknown> = {};
  for (const [root, part] of Object.entries(parts)) {
    const t = text(part);
    loaders[root] = () => (parsed.push(root), JSON.parse(t));
  }
  const whole = text(data);
  const headText = text(head);
  return {
    parsed,
    loader: {
      [LAZY_JSON]: () => (parsed.push('(whole)'), JSON.parse(whole)),
      [LAZY_PARTS]: { split, head: () => (parsed.push('(head)'), JSON.parse(headText)), parts: loaders },
    },
  };
}

describe('data files split per top-level module', () => {
  for (const name of FILES) {
    it(`${name}: every entry of every split table reads as in the whole file`, () => {
      const data = JSON.parse(readFileSync(join(DATA, name), 'utf8')) as Data;
      const { loader } = bundled(data);
      const split = keyedJson<Data>(loader);
      const plain = keyedJson<Data>(data);
      let n = 0;
      for (const table of TABLES.filter((t) => t in data)) {
        for (const key of Object.keys(data[table]!)) {
          assert.deepEqual(split.get(table, key), data[table]![key], `${table} ${key}`);
          assert.deepEqual(plain.get(table, key), data[table]![key]);
          n++;
        }
        for (const missing of ['torch.no_such_name', 'no_such_module.X', 'toString', '__proto__', 'constructor']) {
          assert.equal(split.get(table, missing), undefined, missing);
          assert.equal(plain.get(table, missing), undefined, missing);
        }
      }
      assert.ok(n > 0, 'the file has split entries');
      for (const field of Object.keys(data)) assert.deepEqual(split.field(field), data[field], field);
    });
  }

  it('a lookup parses the part of its module only; a whole table parses the whole file', () => {
    const data = JSON.parse(readFileSync(join(DATA, 'callable-effects.json'), 'utf8')) as Data;
    const torchHook = Object.keys(data['hooks']!).find((k) => k.startsWith('torch.'));
    assert.ok(torchHook, 'the effect model has torch hooks');
    const { loader, parsed } = bundled(data);
    const split = keyedJson<Data>(loader);
    assert.ok(split.get('hooks', torchHook) !== undefined);
    assert.equal(split.get('classes', 'torch.no_such_name'), undefined);
    assert.equal(split.get('classes', 'no_such_module.X'), undefined);
    assert.deepEqual(parsed, ['torch']);
    split.field('callables');
    assert.deepEqual(parsed, ['torch', '(head)']);
    split.field('hooks');
    assert.deepEqual(parsed, ['torch', '(head)', '(whole)']);
  });

  it('a key with no module root to name a part refuses the split', () => {
    assert.throws(() => splitByRoot({ hooks: { 'a b.c': {} } }, TABLES), /no module root/);
    assert.throws(() => splitByRoot({ hooks: { '-head': {} } }, TABLES), /no module root/);
  });
});
