// Keras 3 models pickled whole (scripts/fixtures/keras3-pickle.py: Keras 3.3 and 3.12 run from their source with the
// JAX backend): getattr(<model class>, '_unpickle_model') called with an io.BytesIO of the model's .keras archive. The
// shape passes, with the archive scanned as a nested artifact that Keras loads with safe_mode=False; any use outside
// it is judged as what it is. The archive inside the pickle's bytes literal is that literal's reading, not a zip
// polyglot of the file; a zip the pickle does not hold whole in one literal still is.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanPaths } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';
import {
  archiveOf as archive,
  BLOCKING,
  blocking,
  kerasPickleManifest,
  shapeCases,
} from '../../helpers/keras-pickle-fixtures.js';

const ROOT = new URL('../../fixtures/keras3-pickle/', import.meta.url).pathname;
const manifest = kerasPickleManifest(ROOT);
const archiveOf = (file: string): Uint8Array => archive(ROOT, file);
const ARCHIVE = archiveOf('keras-v3.12.0-sequential.pkl');

interface Shape {
  cls?: [string, string];
  attr?: string;
  /** The BytesIO's contents. */
  contents?: Uint8Array;
  /** A non-empty instance dict in the BytesIO's state. */
  dict?: boolean;
  /** The model class is also rebuilt by NEWOBJ elsewhere in the stream. */
  classElsewhere?: boolean;
  /** The derived method is called a second time with a str. */
  callAgain?: boolean;
}

/** getattr(cls, attr)(BytesIO(contents)) in the opcodes Keras's pickles use (protocol 4, NEWOBJ + BUILD). */
function shape(s: Shape = {}): Uint8Array {
  const [module, name] = s.cls ?? ['keras.src.models.sequential', 'Sequential'];
  const p = new P().proto(4);
  if (s.classElsewhere) p.stackGlobal(module, name).emptyTuple().newobj().pop();
  p.stackGlobal('builtins', 'getattr')
    .stackGlobal(module, name)
    .sbu(s.attr ?? '_unpickle_model')
    .tuple2()
    .reduce();
  if (s.callAgain) p.memoize();
  p.stackGlobal('_io', 'BytesIO').emptyTuple().newobj();
  p.mark()
    .bb(s.contents ?? ARCHIVE)
    .int(0);
  if (s.dict) p.emptyDict().sbu('read').sbu('x').setitem();
  else p.none();
  p.tuple().build().tuple1().reduce();
  if (s.callAgain) p.pop().binget(0).sbu('model.keras').tuple1().reduce();
  return p.stop().bytes();
}

describe('Keras 3 whole-model pickles: real output of released versions', () => {
  it('holds benign files and hostile twins of two versions', () => {
    const versions = new Set(manifest.files.map((f) => f.version));
    assert.deepEqual([...versions].sort(), ['v3.12.0', 'v3.3.0']);
    for (const v of versions) {
      const rows = manifest.files.filter((f) => f.version === v);
      assert.ok(rows.some((f) => f.expect === 'benign') && rows.some((f) => f.expect === 'malicious'), v);
    }
  });
  for (const f of manifest.files) {
    it(`${f.expect}: ${f.file} (${f.what})`, async () => {
      const r = await scanPaths([join(ROOT, f.file)]);
      const found = r.findings.filter((x) => BLOCKING.has(x.severity));
      if (f.expect === 'benign') {
        assert.deepEqual(
          found.map((x) => x.evidence.signal),
          [],
        );
        const admitted = r.pickles.flatMap((p) => p.admitted ?? []).map((a) => `${a.name} (${a.pack})`);
        assert.ok(admitted.includes('builtins.getattr (keras)'), admitted.join(', '));
      } else assert.ok(found.length > 0);
    });
  }
  it('the Lambda twin is blocked by the archive it embeds, the message saying the pickle loads it unsafely', async () => {
    const r = await scanPaths([join(ROOT, 'keras-v3.12.0-lambda.pkl')]);
    const lambda = r.findings.filter((x) => x.ruleId === 'MODEL-LAMBDA-CODE').map((x) => x.evidence.signal);
    assert.ok(
      lambda.some((s) => s.includes('safe_mode=False')),
      lambda.join('\n'),
    );
  });
});

describe('Keras 3 whole-model pickles: the shape and what falls outside it', () => {
  const cases: [string, Shape, string | undefined][] = [
    ['Sequential, as Keras writes it', {}, undefined],
    ['Functional', { cls: ['keras.src.models.functional', 'Functional'] }, undefined],
    ['Model', { cls: ['keras.src.models.model', 'Model'] }, undefined],
    // From 3.3.3 __reduce__ and _unpickle_model are KerasSaveable's: a preprocessing layer pickled on its own.
    [
      'TextVectorization (a fitted vocabulary pickled on its own)',
      { cls: ['keras.src.layers.preprocessing.text_vectorization', 'TextVectorization'] },
      undefined,
    ],
    ['StringLookup', { cls: ['keras.src.layers.preprocessing.string_lookup', 'StringLookup'] }, undefined],
    ['Normalization', { cls: ['keras.src.layers.preprocessing.normalization', 'Normalization'] }, undefined],
    ['another attribute of the class', { attr: 'from_config' }, 'PICKLE'],
    ['a class that is no Keras model', { cls: ['keras.src.layers.core.dense', 'Dense'] }, 'PICKLE'],
    ['a class of another library', { cls: ['collections', 'OrderedDict'] }, 'PICKLE'],
    ['contents that are not a zip', { contents: new P().proto(4).call('os', 'system').stop().bytes() }, 'PICKLE'],
    ['a BytesIO with an instance dict (its entries answer read/seek)', { dict: true }, 'PICKLE'],
    ['the model class rebuilt elsewhere in the stream', { classElsewhere: true }, 'PICKLE'],
    ['_unpickle_model called a second time with a str', { callAgain: true }, 'PICKLE'],
  ];
  shapeCases(cases, shape);
});

describe('a zip inside a pickle: the literal it is, or a polyglot', () => {
  const polyglot = (found: string[]): boolean => found.some((f) => f.startsWith('ARCHIVE-TAMPER'));
  const real = new Uint8Array(readFileSync(join(ROOT, 'keras-v3.12.0-sequential.pkl')));
  it('the archive whole in one bytes literal is no polyglot', async () => {
    assert.equal(polyglot(await blocking(real)), false);
  });
  it('a zip after the pickle ends (outside any literal) is a polyglot', async () => {
    const head = new P().proto(4).none().stop().bytes();
    assert.ok(polyglot(await blocking(Uint8Array.from([...head, ...ARCHIVE]))));
  });
  it('a literal that holds junk before the zip: the prefix is reported', async () => {
    assert.ok(polyglot(await blocking(shape({ contents: Uint8Array.from([0x58, ...ARCHIVE]) }))));
  });
  it('a second end record after the literal (zipfile reads another archive) is reported', async () => {
    const eocd = ARCHIVE.subarray(ARCHIVE.length - 22);
    assert.ok(polyglot(await blocking(Uint8Array.from([...real, ...eocd]))));
  });
});
