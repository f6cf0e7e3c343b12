// The pickle VM's derived tables (effect models, lookup hooks, native constructors and states, admitted kinds and
// work) are facts about the names the packs admit, written by Python derivations that CI cannot run. Each records the
// admitted entries it read (scripts/data/admitted_names.py inputs_digest); this test recomputes that digest from the
// committed packs, so an entry added, removed or given another role without the derivations run again fails here
// instead of leaving a name admitted with no model.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = new URL('../../../', import.meta.url).pathname;
const DATA = 'src/rules/data';

interface Inputs {
  readonly packs: string;
  readonly entries: number;
  readonly sha256: string;
}

function digest(history: boolean): Inputs {
  const jsonIn = (dir: string) =>
    readdirSync(join(ROOT, dir))
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => `${dir}/${f}`);
  const files = [
    ...jsonIn(`${DATA}/packs`),
    ...(history ? jsonIn(`${DATA}/packs/history`) : []),
    `${DATA}/sklearn-allowlist.json`,
    `${DATA}/torch-allowlist.json`,
  ];
  const lines: string[] = [];
  for (const rel of files) {
    const d = JSON.parse(readFileSync(join(ROOT, rel), 'utf8')) as {
      entries: Record<string, unknown>;
      stored_references?: string[];
      new_only?: string[];
    };
    const stored = new Set(d.stored_references ?? []);
    const newOnly = new Set(d.new_only ?? []);
    for (const [name, e] of Object.entries(d.entries)) {
      let role = e !== null && typeof e === 'object' ? String((e as { calls?: string }).calls ?? '') : '';
      if (stored.has(name)) role = 'none';
      else if (newOnly.has(name)) role = 'new';
      lines.push(`${rel}\t${name}\t${role}`);
    }
  }
  lines.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    packs: history ? 'installed and history' : 'installed',
    entries: lines.length,
    sha256: createHash('sha256').update(lines.join('\n')).digest('hex'),
  };
}

const DERIVED: [string, string][] = [
  ['callable-effects.json', 'derive-callable-effects.py > src/analyzers/pickle/data/callable-effects.json'],
  ['lookup-hooks.json', 'derive-lookup-hooks.py > src/analyzers/pickle/data/lookup-hooks.json'],
  ['native-new.json', 'derive-native-new.py > src/analyzers/pickle/data/native-new.json'],
  ['native-states.json', 'derive-native-states.py > src/analyzers/pickle/data/native-states.json'],
  ['admitted-kinds.json', 'derive-admitted-work.py'],
  ['admitted-work.json', 'derive-admitted-work.py'],
  ['enum-members.json', 'derive-enum-members.py'],
];

describe('derived pickle tables: derived from the committed packs', () => {
  const installed = digest(false);
  const all = digest(true);
  it('the digest covers every entry of the packs', () => {
    assert.ok(installed.entries > 1000 && all.entries > installed.entries, `${installed.entries} / ${all.entries}`);
  });
  for (const [file, run] of DERIVED)
    it(`${file} was derived from the packs as committed`, () => {
      const d = JSON.parse(readFileSync(join(ROOT, 'src/analyzers/pickle/data', file), 'utf8')) as {
        inputs?: Inputs;
      };
      assert.ok(d.inputs, `${file} records no inputs: run /usr/bin/python3 scripts/data/${run}`);
      const want = d.inputs.packs === 'installed' ? installed : all;
      assert.deepEqual(
        d.inputs,
        want,
        `${file} was derived from other pack entries than the committed ones: run /usr/bin/python3 scripts/data/${run}`,
      );
    });
});
