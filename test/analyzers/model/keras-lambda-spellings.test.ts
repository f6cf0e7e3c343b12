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

// Keras 3 writes a loss or metric passed to compile() as the function object as a `builtins` reference; the loader
// resolves the name among Keras's own exports (src/analyzers/model/data/keras-builtin-functions.json) and, failing
// that, returns Python's builtin of that name (3.0 - 3.8) or refuses the file (3.9 on).
const builtinsRef = (name: string) => ({
  module: 'builtins',
  class_name: 'function',
  config: name,
  registered_name: 'function',
});
const compiled = (loss: unknown, metrics: unknown[] = ['accuracy']) => ({
  ...seq({ class_name: 'Dense', config: { name: 'dense', activation: 'sigmoid' } }),
  compile_config: { loss, metrics },
});

describe('analyzeKerasConfig: functions Keras writes with module builtins', () => {
  const table: [string, unknown, string[]][] = [
    ['loss binary_crossentropy', compiled(builtinsRef('binary_crossentropy')), []],
    ['loss mean_squared_error', compiled(builtinsRef('mean_squared_error')), []],
    ['loss categorical_hinge', compiled(builtinsRef('categorical_hinge')), []],
    ['metric binary_accuracy', compiled('mse', [builtinsRef('binary_accuracy'), 'accuracy']), []],
    ['metric written as a loss function', compiled('mse', [builtinsRef('mean_absolute_error')]), []],
    ['activation relu', seq({ class_name: 'Dense', config: { name: 'd', activation: builtinsRef('relu') } }), []],
    [
      'Lambda layer calling relu: inside Keras, still a Lambda',
      lambda({ function: builtinsRef('relu') }),
      ['lambda-function builtins.relu keras'],
    ],
    ['loss eval', compiled(builtinsRef('eval')), ['custom-object']],
    ['loss exec', compiled(builtinsRef('exec')), ['custom-object']],
    ['loss open', compiled(builtinsRef('open')), ['custom-object']],
    ['loss getattr', compiled(builtinsRef('getattr')), ['custom-object']],
    ['loss __import__', compiled(builtinsRef('__import__')), ['custom-object']],
    ['a name in no Keras module', compiled(builtinsRef('not_a_keras_function')), ['custom-object']],
    ['a dotted name', compiled(builtinsRef('losses.binary_crossentropy')), ['custom-object']],
    [
      'metric eval beside a Keras loss',
      compiled(builtinsRef('mean_squared_error'), [builtinsRef('eval')]),
      ['custom-object'],
    ],
    ['an alias Keras registers under another name (mse)', compiled(builtinsRef('mse')), ['custom-object']],
    [
      'a Keras loss name from another module',
      compiled({ ...builtinsRef('binary_crossentropy'), module: 'os' }),
      ['custom-object'],
    ],
    [
      'Lambda layer calling exec',
      lambda({ function: builtinsRef('exec') }),
      ['lambda-function builtins.exec outside', 'custom-object'],
    ],
  ];
  for (const [name, config, expected] of table) it(name, () => assert.deepEqual(kinds(config), expected));

  it('reports the Python builtin by name and path', () => {
    const s = analyzeKerasConfig(compiled(builtinsRef('eval'))).signals;
    assert.deepEqual(s, [
      {
        kind: 'custom-object',
        path: '$.compile_config.loss',
        module: 'builtins',
        className: 'eval',
        registeredName: 'function',
      },
    ]);
  });
});

const BUILTINS_DIR = join(import.meta.dirname, '../../fixtures/model/keras-builtin-functions');
const builtinsManifest = JSON.parse(readFileSync(join(BUILTINS_DIR, 'manifest.json'), 'utf8')) as {
  keras: string;
  expected: Record<string, { verdict: 'clean' | 'outside'; functions: string[]; load: string }>;
};

describe('Keras 3 files compiled with built-in functions (written by Keras, hostile twins rewritten)', () => {
  it('has files Keras loads and twins Keras refuses', () => {
    const rows = Object.values(builtinsManifest.expected);
    assert.ok(rows.filter((r) => r.verdict === 'clean' && r.load.startsWith('loaded')).length >= 3);
    assert.ok(rows.filter((r) => r.verdict === 'outside').length >= 5);
    for (const r of rows) assert.ok(r.functions.some((f) => f.startsWith('builtins.')));
  });
  for (const [file, row] of Object.entries(builtinsManifest.expected)) {
    it(`${file} (Keras ${builtinsManifest.keras}): ${row.verdict}`, async () => {
      const r = await scanBytes(file, new Uint8Array(readFileSync(join(BUILTINS_DIR, file))));
      const found = r.findings.map((f) => `${f.ruleId} ${f.severity}`);
      assert.deepEqual(found, row.verdict === 'clean' ? [] : ['MODEL-LAMBDA-CODE CRITICAL']);
    });
  }
});

describe('the derived table of names Keras resolves for a builtins reference', () => {
  const data = JSON.parse(
    readFileSync(join(import.meta.dirname, '../../../src/analyzers/model/data/keras-builtin-functions.json'), 'utf8'),
  ) as {
    names: Record<string, string[]>;
    read: Record<
      string,
      {
        builtin_modules: string[];
        lookup_returns: boolean;
        names: number;
        after_miss: { imports: string; packages?: string[] };
        after_miss_consults_safe_mode: boolean;
      }
    >;
  };
  it('reads every release from 3.0.0 to 3.15.1, each looking in the seven built-in modules', () => {
    const tags = Object.keys(data.read);
    assert.equal(tags[0], 'v3.0.0');
    assert.equal(tags.at(-1), 'v3.15.1');
    for (const r of Object.values(data.read))
      assert.deepEqual(r.builtin_modules, [
        'activations',
        'constraints',
        'initializers',
        'losses',
        'metrics',
        'optimizers',
        'regularizers',
      ]);
  });
  it('resolves nothing where the registry lookup returns nothing (3.0.0, 3.0.1)', () => {
    for (const t of ['v3.0.0', 'v3.0.1'])
      assert.deepEqual([data.read[t]!.lookup_returns, data.read[t]!.names], [false, 0]);
  });
  it('after a miss: 3.0 - 3.8 import builtins and return its attribute, 3.9 on import only Keras packages', () => {
    for (const [tag, r] of Object.entries(data.read)) {
      const minor = Number(tag.split('.')[1]);
      assert.equal(r.after_miss_consults_safe_mode, false, tag);
      if (minor <= 8) assert.match(r.after_miss.imports, /whatever it is/, tag);
      else assert.deepEqual(r.after_miss.packages, ['keras', 'keras_cv', 'keras_hub', 'keras_nlp'], tag);
    }
  });
  it('holds the losses, metrics and activations Keras writes, and no Python builtin', () => {
    for (const n of ['binary_crossentropy', 'mean_squared_error', 'binary_accuracy', 'relu', 'sigmoid'])
      assert.deepEqual(data.names[n], ['v3.0.2 - v3.15.1'], n);
    for (const n of ['eval', 'exec', 'open', 'getattr', 'setattr', '__import__', 'compile', 'input', 'get_file'])
      assert.equal(data.names[n], undefined, n);
  });
});
