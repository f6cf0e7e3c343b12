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
/** The tables the bundle splits in the effect model (scripts/bundle.mjs), and in a history pack's file. */
const TABLES = ['classes', 'allowlistClasses', 'hooks', 'callables', 'families'];
const HISTORY_TABLES = [...TABLES, 'checks', 'lookups'];
/** Split tables the bundle also keeps whole in the head. */
const KEEP_WHOLE = ['callables'];
const FILES: [string, string[]][] = [
  ['callable-effects.json', TABLES],
  ['history-effects.json', HISTORY_TABLES],
  ['history-effects-pandas.json', HISTORY_TABLES],
  ['history-effects-statsmodels.json', HISTORY_TABLES],
  ['native-states.json', ['classes']],
  ['history-native-states-scikit-learn.json', ['classes']],
];

type Data = Record<string, Record<string, unknown>>;
type Split = { head: Data; parts: Record<string, Data>; split: string[]; deep: string[]; inHead: string[] };

/** A loader shaped as the bundle's, over JSON text, counting which parts were parsed. */
function bundled(data: Data, tables = TABLES): { loader: unknown; parsed: string[]; deep: string[] } {
  const { head, parts, split, deep, inHead } = splitByRoot(data, tables, { keepWhole: KEEP_WHOLE }) as Split;
  const parsed: string[] = [];
  const text = (v: unknown): string => JSON.stringify(v);
  const texts = new Map(Object.entries(parts).map(([name, part]) => [name, text(part)]));
  const whole = text(data);
  const headText = text(head);
  return {
    parsed,
    deep,
    loader: {
      [LAZY_JSON]: () => (parsed.push('(whole)'), JSON.parse(whole)),
      [LAZY_PARTS]: {
        split,
        deep,
        inHead,
        head: () => (parsed.push('(head)'), JSON.parse(headText)),
        names: [...texts.keys()],
        part: (name: string) => (parsed.push(name), JSON.parse(texts.get(name)!)),
      },
    },
  };
}

describe('data files split per top-level module', () => {
  for (const [name, tables] of FILES) {
    it(`${name}: every entry of every split table reads as in the whole file`, () => {
      const data = JSON.parse(readFileSync(join(DATA, name), 'utf8')) as Data;
      const { loader } = bundled(data, tables);
      const split = keyedJson<Data>(loader);
      const plain = keyedJson<Data>(data);
      let n = 0;
      for (const table of tables) {
        if (!(table in data)) {
          // A table the file lacks answers nothing, from no part and without reading the head.
          for (const key of ['torch.nn.Module', 'pandas.core.frame.DataFrame', 'collections.OrderedDict'])
            assert.equal(split.get(table, key), undefined, `${table} ${key}`);
          continue;
        }
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
    // A torch class of torch's own part (a two-part name: torch is also split by second-level module).
    const torchClass = Object.keys(data['allowlistClasses']!).find((k) => /^torch\.[^.]+$/.test(k));
    assert.ok(torchClass, 'the effect model has torch classes');
    const { loader, parsed } = bundled(data);
    const split = keyedJson<Data>(loader);
    assert.ok(split.get('allowlistClasses', torchClass) !== undefined);
    assert.equal(split.get('classes', 'torch.no_such_name'), undefined);
    assert.equal(split.get('classes', 'no_such_module.X'), undefined);
    assert.deepEqual(parsed, ['torch']);
    // The function records are split and also kept whole in the head: read whole, they read the head only.
    assert.deepEqual(split.field('callables'), data['callables']);
    assert.deepEqual(parsed, ['torch', '(head)']);
    split.field('hooks');
    assert.deepEqual(parsed, ['torch', '(head)', '(whole)']);
  });

  it('a large module is split by second-level module: a lookup parses that part, or the module part for a two-part name', () => {
    const data = JSON.parse(readFileSync(join(DATA, 'callable-effects.json'), 'utf8')) as Data;
    const { loader, parsed, deep } = bundled(data);
    assert.ok(deep.includes('torch'), 'torch is split by second-level module');
    const split = keyedJson<Data>(loader);
    const nnHook = Object.keys(data['hooks']!).find((k) => k.startsWith('torch.nn.'));
    const twoPart = Object.keys(data['allowlistClasses']!).find((k) => /^torch\.[^.]+$/.test(k));
    assert.ok(nnHook && twoPart, 'the effect model has torch.nn hooks and two-part torch classes');
    assert.deepEqual(split.get('hooks', nnHook), data['hooks']![nnHook]);
    assert.deepEqual(parsed, ['torch.nn']);
    assert.deepEqual(split.get('allowlistClasses', twoPart), data['allowlistClasses']![twoPart]);
    assert.deepEqual(parsed, ['torch.nn', 'torch']);
    // A name under a second-level module with no entries reads nothing, and answers nothing.
    assert.equal(split.get('classes', 'torch._utils._rebuild_tensor_v2'), undefined);
    assert.equal(split.get('hooks', 'torch.no_such_module.X'), undefined);
    assert.deepEqual(parsed, ['torch.nn', 'torch']);
  });

  it('a history pack whose tables have nothing under a name reads nothing for it, not even its head', () => {
    const data = JSON.parse(readFileSync(join(DATA, 'history-effects-pandas.json'), 'utf8')) as Data;
    const { loader, parsed } = bundled(data, HISTORY_TABLES);
    const split = keyedJson<Data>(loader);
    for (const table of HISTORY_TABLES) assert.equal(split.get(table, 'torch._utils._rebuild_tensor_v2'), undefined);
    assert.deepEqual(parsed, []);
    const checked = Object.keys(data['checks']!)[0]!;
    assert.deepEqual(split.get('checks', checked), data['checks']![checked]);
    assert.equal(parsed.length, 1, parsed.join());
    assert.match(String(parsed[0]), /^pandas/);
  });

  it('a key with no module root to name a part refuses the split', () => {
    assert.throws(() => splitByRoot({ hooks: { 'a b.c': {} } }, TABLES), /no module root/);
    assert.throws(() => splitByRoot({ hooks: { '-head': {} } }, TABLES), /no module root/);
  });
});
