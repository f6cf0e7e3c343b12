// joblib's caching objects (Memory, MemorizedFunc, NotMemorizedFunc, FileSystemStoreBackend), which a scikit-learn
// Pipeline(memory=Memory(...)) and Memory.cache carry into pickles. joblib >= 0.13 pickles them through their __dict__
// (NEWOBJ and BUILD: loading creates and reads nothing, the cache location stays a stored string); joblib 0.9 - 0.12
// pickle them as a call of the class with the cache directory, and that constructor creates the directory: such a
// stream is reported. The real files (scripts/fixtures/joblib-memory.py) are Debian's joblib 1.2.0 and source trees of
// joblib 1.5.3 and 0.11, each with hostile twins; the case tables below rebuild the same shapes with the opcode builder.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { P } from '../../helpers/pickle-builder.js';
import { blocking } from '../../helpers/blocking.js';
import { releasedOutputTable } from '../../helpers/released-output.js';

const ROOT = new URL('../../fixtures/joblib-memory/', import.meta.url).pathname;

releasedOutputTable('joblib', ROOT, 'joblib');

const CLASSES: [string, string, string][] = [
  ['joblib.memory', 'Memory', 'location'],
  ['joblib.memory', 'MemorizedFunc', 'ignore'],
  ['joblib.memory', 'AsyncMemorizedFunc', 'ignore'],
  ['joblib.memory', 'NotMemorizedFunc', 'func'],
  ['joblib.memory', 'AsyncNotMemorizedFunc', 'func'],
  ['joblib._store_backends', 'FileSystemStoreBackend', 'location'],
];

type Twin = 'plain' | 'hostile-path' | 'payload' | 'called' | 'reference' | 'planted-setstate';

/** One object of the class as joblib >= 0.13 writes it (NEWOBJ, BUILD of a dict), or a twin of it. */
function write(module: string, name: string, key: string, twin: Twin): Uint8Array {
  const p = new P().proto(4).global(module, name);
  // joblib 0.9 - 0.12's form: the class called with the cache directory (its constructor creates it).
  if (twin === 'called') p.sbu('/etc/cron.d').tuple1().reduce();
  else p.emptyTuple().newobj();
  p.emptyDict().sbu(key);
  if (twin === 'payload') p.call('os', 'system', 'id');
  else if (twin === 'reference') p.global('subprocess', 'Popen');
  else if (twin === 'hostile-path') p.sbu('/etc/cron.d');
  else p.sbu('/tmp/cache/joblib');
  p.setitem();
  if (twin === 'planted-setstate') p.sbu('__setstate__').global('posix', 'system').setitem();
  return p.build().stop().bytes();
}

describe('joblib caching objects: case table', () => {
  for (const [module, name, key] of CLASSES) {
    for (const twin of ['plain', 'hostile-path', 'payload', 'called', 'reference', 'planted-setstate'] as const) {
      // A path in the state is stored, never opened at load: it passes like any other string. The call form runs the
      // constructor on the stream's path, and is reported.
      const blocked = twin !== 'plain' && twin !== 'hostile-path';
      it(`${module}.${name}, ${twin}: ${blocked ? 'blocked' : 'passes'}`, async () => {
        const found = await blocking('cache.pkl', write(module, name, key, twin));
        assert.equal(found.length > 0, blocked, found.join('\n'));
        if (twin === 'called')
          assert.ok(
            found.some((s) => s.includes('this stream calls it (REDUCE)')),
            found.join(),
          );
      });
    }
  }
});

// functools.update_wrapper gives a MemorizedFunc the wrapped function's __module__, __name__, __qualname__, __doc__,
// __annotations__ and __wrapped__: plain attributes nothing reads at load. The value of __wrapped__ is judged like any
// other value; a planted __setstate__ or __reduce_ex__ beside them is still reported.
describe('wrapper attributes in a MemorizedFunc state', () => {
  type Value = 'function' | 'string' | 'payload' | 'unadmitted';
  const memorized = (key: string, value: Value): Uint8Array => {
    const p = new P().proto(4).global('joblib.memory', 'MemorizedFunc').emptyTuple().newobj().emptyDict();
    p.sbu('func').global('pandas.core.reshape.encoding', 'get_dummies').setitem();
    p.sbu(key);
    if (value === 'function') p.global('pandas.core.reshape.encoding', 'get_dummies');
    else if (value === 'string') p.sbu('get_dummies');
    else if (value === 'payload') p.call('os', 'system', 'id');
    else p.global('subprocess', 'Popen');
    return p.setitem().build().stop().bytes();
  };
  const cases: [string, Value, boolean][] = [
    ['__wrapped__', 'function', false],
    ['__name__', 'string', false],
    ['__qualname__', 'string', false],
    ['__wrapped__', 'payload', true],
    ['__wrapped__', 'unadmitted', true],
    ['__reduce_ex__', 'function', true],
    ['__setstate__', 'function', true],
  ];
  for (const [key, value, blocked] of cases) {
    it(`${key} = ${value}: ${blocked ? 'blocked' : 'passes'}`, async () => {
      const found = await blocking('memorized.pkl', memorized(key, value));
      assert.equal(found.length > 0, blocked, found.join('\n'));
    });
  }
});
