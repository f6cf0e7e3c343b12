// An index built for a module before its project (mayReceiveData, for a file named alone) is the one the project
// uses, once: its call targets found without the project are dropped when the project links it, so a name another
// module binds to a deserializer still resolves, and the findings are those of a fresh index.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzePythonModule } from '../../../src/analyzers/python/analyze-module.js';
import { detectProjectSignals } from '../../../src/analyzers/deser/code.js';
import { ModuleIndex } from '../../../src/analyzers/deser/module-index.js';
import { DeserProject } from '../../../src/analyzers/deser/project.js';
import { mayReceiveData } from '../../../src/analyzers/deser/sources.js';

const SERDE = 'import pickle\nloads = pickle.loads\n';
const HANDLER = [
  'from flask import Flask, request',
  'from serde import loads',
  'app = Flask(__name__)',
  '@app.route("/x", methods=["POST"])',
  'def x():',
  '    return loads(request.get_data())',
  '',
].join('\n');

describe('ModuleIndex before its project', () => {
  it("is the project's index, its targets re-resolved through the project once linked", async () => {
    const serde = await analyzePythonModule(SERDE);
    const handler = await analyzePythonModule(HANDLER);
    const call = handler.calls.find((c) => c.callee.raw === 'loads')!;
    assert.ok(mayReceiveData(handler), 'a Flask route receives data');
    const before = ModuleIndex.beforeProject(handler);
    assert.equal(ModuleIndex.beforeProject(handler), before, 'one spare index per module');
    assert.ok(!before.targets(call).includes('pickle.loads'), 'unlinked: the alias is not expanded');
    const project = new DeserProject([
      { file: 'serde.py', relPath: 'serde.py', mod: serde },
      { file: 'app.py', relPath: 'app.py', mod: handler },
    ]);
    const unit = project.units.find((u) => u.mod === handler)!;
    assert.equal(unit.idx, before, 'the project took the index built before it');
    assert.ok(unit.idx.targets(call).includes('pickle.loads'), 'linked: the alias expands to the deserializer');
    // Taken once: another project over the same module builds its own.
    const again = new DeserProject([{ file: 'app.py', relPath: 'app.py', mod: handler }]);
    assert.notEqual(again.units[0]!.idx, before);
  });

  it('finds what a fresh index finds', async () => {
    const run = async (warm: boolean): Promise<string[]> => {
      const serde = await analyzePythonModule(SERDE);
      const handler = await analyzePythonModule(HANDLER);
      if (warm) {
        mayReceiveData(handler);
        for (const c of handler.calls) ModuleIndex.beforeProject(handler).targets(c);
      }
      const found = detectProjectSignals(
        new DeserProject([
          { file: 'serde.py', relPath: 'serde.py', mod: serde },
          { file: 'app.py', relPath: 'app.py', mod: handler },
        ]),
      );
      return [...found.entries()]
        .flatMap(([f, list]) =>
          list.map((s) => `${f}:${s.ruleId}:${s.line}:${s.confidence}:${JSON.stringify(s.flow ?? [])}`),
        )
        .sort();
    };
    const fresh = await run(false);
    assert.ok(
      fresh.some((s) => s.startsWith('app.py:DESER-NETWORK-INPUT')),
      fresh.join(' '),
    );
    assert.deepEqual(await run(true), fresh);
  });
});
