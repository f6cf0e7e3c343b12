// Keras imports a module for a serialized object only when its `module` field is set (serialization_lib's
// _retrieve_class_or_fn: `if module: importlib.import_module(module)`); `"module": null` or no module with a
// `registered_name` is a lookup among already registered objects. Case table with the importing twin.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyzeKerasConfig } from '../../../src/analyzers/model/keras-config.js';

const layer = (extra: Record<string, unknown>) => ({
  class_name: 'Functional',
  config: { layers: [{ class_name: 'MyLayer', config: { name: 'x' }, ...extra }] },
});

describe('Keras custom objects: module set imports, module null does not', () => {
  const table: [string, Record<string, unknown>, string[]][] = [
    ['module null, registered name', { module: null, registered_name: 'thirdparty>MyLayer' }, []],
    ['no module, registered name', { registered_name: 'thirdparty>MyLayer' }, []],
    ['module null', { module: null }, []],
    ['module empty', { module: '' }, []],
    ['keras module', { module: 'keras.layers', registered_name: null }, []],
    [
      'third-party module',
      { module: 'thirdparty.layers', registered_name: 'thirdparty>MyLayer' },
      ['thirdparty.layers'],
    ],
  ];
  for (const [name, extra, modules] of table)
    it(`${name}: ${modules.length ? 'imports ' + modules.join(', ') : 'no import'}`, () => {
      const a = analyzeKerasConfig(layer(extra));
      const got = a.signals.flatMap((s) => (s.kind === 'custom-object' ? [s.module] : []));
      assert.deepEqual(got, modules);
    });
});
