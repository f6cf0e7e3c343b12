// Lambda layers in every spelling a Keras loader reads are MODEL-LAMBDA-CODE: bytecode as a list or a bare string
// (base64 or raw_unicode_escape), source text, output_shape code, a function named for lookup (inside or outside
// Keras), Keras 3 references. Files written with h5py/zipfile in Keras's layouts
// (scripts/fixtures/keras-lambda-spellings.py); the benign twins have no Lambda layer.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeKerasConfig } from '../../../src/analyzers/model/keras-config.js';
import { scanBytes } from '../../../src/scan/engine.js';

const DIR = join(import.meta.dirname, '../../fixtures/model/keras-lambda');
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as {
  expected: Record<string, 'lambda' | 'clean'>;
};

describe('Keras Lambda spellings (real h5py / zip files)', () => {
  it('has hostile files and benign twins', () => {
    const verdicts = Object.values(manifest.expected);
    assert.ok(verdicts.filter((v) => v === 'lambda').length >= 8);
    assert.ok(verdicts.filter((v) => v === 'clean').length >= 4);
  });
  for (const [file, verdict] of Object.entries(manifest.expected)) {
    it(`${file}: ${verdict}`, async () => {
      const r = await scanBytes(file, new Uint8Array(readFileSync(join(DIR, file))));
      const rules = [...new Set(r.findings.map((f) => f.ruleId))];
      assert.deepEqual(rules, verdict === 'lambda' ? ['MODEL-LAMBDA-CODE'] : []);
    });
  }
});

const seq = (layer: Record<string, unknown>) => ({ class_name: 'Sequential', config: { layers: [layer] } });
const lambda = (cfg: Record<string, unknown>, className = 'Lambda') => seq({ class_name: className, config: cfg });
const kinds = (v: unknown) =>
  analyzeKerasConfig(v).signals.map((s) =>
    s.kind === 'lambda-function' ? `${s.kind} ${s.function} ${s.inKeras ? 'keras' : 'outside'}` : s.kind,
  );

describe('analyzeKerasConfig: Lambda function fields', () => {
  const table: [string, unknown, string[]][] = [
    ['bytecode list', lambda({ function: ['YQ==', null, null], function_type: 'lambda' }), ['lambda-bytecode']],
    ['bytecode string', lambda({ function: 'YQ==', function_type: 'lambda' }), ['lambda-bytecode']],
    ['non-ASCII text', lambda({ function: 'ã\u0000', function_type: 'lambda' }), ['lambda-bytecode']],
    ['source text', lambda({ function: 'lambda x: x', function_type: 'lambda' }), ['lambda-bytecode']],
    ['raw function value: data', lambda({ function: 'anything', function_type: 'raw' }), []],
    [
      'output_shape bytecode',
      lambda({ output_shape: ['YQ==', null, null], output_shape_type: 'lambda' }),
      ['lambda-bytecode'],
    ],
    ['output_shape as a shape', lambda({ output_shape: [null, 4], output_shape_type: 'raw' }), []],
    [
      'named, module outside Keras',
      lambda({ function: 'system', function_type: 'function', module: 'os' }),
      ['lambda-function os.system outside'],
    ],
    [
      'named, Keras module',
      lambda({ function: 'relu', function_type: 'function', module: 'keras.activations' }),
      ['lambda-function keras.activations.relu keras'],
    ],
    ['registered name, no type (Keras 3)', lambda({ function: 'my_fn' }), ['lambda-function my_fn keras']],
    [
      'Keras 3 reference outside Keras (also a custom object)',
      lambda({ function: { module: 'builtins', class_name: 'function', config: 'exec' } }),
      ['lambda-function builtins.exec outside', 'custom-object'],
    ],
    [
      'qualified class name',
      lambda({ function: 'YQ==', function_type: 'lambda' }, 'keras.layers.Lambda'),
      ['lambda-bytecode'],
    ],
    ['TF op layer: not a Lambda', lambda({ function: 'math.add' }, 'TFOpLambda'), []],
    [
      'Keras 3 __lambda__ in a Lambda layer: reported once',
      lambda({ function: { class_name: '__lambda__', config: { code: 'YQ==', defaults: null, closure: null } } }),
      ['lambda-bytecode'],
    ],
  ];
  for (const [name, config, expected] of table) it(name, () => assert.deepEqual(kinds(config), expected));
});

describe('analyzeKerasConfig: a Keras 3 lambda outside any Lambda layer', () => {
  const lam = (value: unknown) => ({ class_name: '__lambda__', config: { value } });
  const dense = (cfg: Record<string, unknown>) => seq({ class_name: 'Dense', config: { name: 'dense', ...cfg } });
  const table: [string, unknown, string[]][] = [
    ['activation, func_dump list', dense({ activation: lam(['YQ==', null, null]) }), ['lambda-bytecode']],
    ['initializer, code string', dense({ kernel_initializer: lam('YQ==') }), ['lambda-bytecode']],
    ['regularizer, source text', dense({ kernel_regularizer: lam('lambda w: 0') }), ['lambda-bytecode']],
    [
      'compiled loss at the top level',
      { ...seq({ class_name: 'Dense', config: { name: 'dense' } }), compile_config: { loss: lam(['YQ==']) } },
      ['lambda-bytecode'],
    ],
    ['activation named by string: data', dense({ activation: 'relu' }), []],
    [
      'initializer object inside Keras',
      dense({ kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: {} } }),
      [],
    ],
    ['a __lambda__ with no code: nothing to load', dense({ activation: lam(null) }), []],
  ];
  for (const [name, config, expected] of table) it(name, () => assert.deepEqual(kinds(config), expected));

  it('names the enclosing layer and the exact field', () => {
    const s = analyzeKerasConfig(dense({ activation: lam(['YQ==', null, null]) })).signals[0]!;
    assert.equal(s.kind, 'lambda-bytecode');
    assert.equal(s.kind === 'lambda-bytecode' && s.layer, 'dense');
    assert.equal(s.path, '$.config.layers[0].config.activation.config.value');
  });
});
