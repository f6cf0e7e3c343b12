// Keras 2 models pickled whole (scripts/fixtures/keras2-pickle.py, built in the layout Keras 2.11 - 2.15 write):
// <keras.saving | keras.src.saving>.pickle_utils.deserialize_model_from_bytecode(<the bytes of a .keras zip>). The
// shape passes, with the archive scanned as a nested artifact that Keras loads with safe_mode=False; any use outside
// it is judged as what it is.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { scanBytes, scanPaths } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';
import {
  archiveOf as archive,
  BLOCKING,
  kerasPickleManifest,
  shapeCases,
} from '../../helpers/keras-pickle-fixtures.js';

const ROOT = new URL('../../fixtures/keras2-pickle/', import.meta.url).pathname;
const manifest = kerasPickleManifest(ROOT);
const archiveOf = (file: string): Uint8Array => archive(ROOT, file);
const ARCHIVE = archiveOf('keras-v2.12.0-sequential.pkl');
const LAMBDA = archiveOf('keras-v2.12.0-lambda.pkl');

interface Shape {
  module?: string;
  name?: string;
  /** The bytes argument (default: the benign archive). */
  contents?: Uint8Array;
  /** The argument as a str, not bytes. */
  str?: boolean;
  /** A second argument. */
  extra?: boolean;
  /** The argument wrapped in an io.BytesIO. */
  bytesIo?: boolean;
  /** The bytes made by a call (zlib.decompress of a literal), not a literal of the stream. */
  computed?: boolean;
  /** The function also stored in a list the stream returns. */
  stored?: boolean;
  /** The function called a second time with a str. */
  callAgain?: boolean;
}

/** f(contents) in the opcodes Keras 2's pickles use (protocol 4). */
function shape(s: Shape = {}): Uint8Array {
  const p = new P().proto(4);
  if (s.stored) p.emptyList().memoize().pop();
  p.stackGlobal(s.module ?? 'keras.saving.pickle_utils', s.name ?? 'deserialize_model_from_bytecode').memoize();
  const data = s.contents ?? ARCHIVE;
  if (s.str) p.bu(new TextDecoder('latin1').decode(data));
  else if (s.bytesIo) p.stackGlobal('_io', 'BytesIO').bb(data).tuple1().reduce();
  else if (s.computed) p.stackGlobal('zlib', 'decompress').bb(deflateSync(data)).tuple1().reduce();
  else p.bb(data);
  if (s.extra) p.int(0).tuple2();
  else p.tuple1();
  p.reduce();
  if (s.callAgain) p.pop().binget(0).sbu('model.keras').tuple1().reduce();
  if (s.stored) p.pop().binget(0).binget(1).op(0x61);
  return p.stop().bytes();
}

describe('Keras 2 whole-model pickles: files in the layout released versions write', () => {
  it('holds benign files and hostile twins', () => {
    assert.ok(manifest.files.some((f) => f.expect === 'benign'));
    assert.ok(manifest.files.some((f) => f.expect === 'malicious'));
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
        assert.ok(
          admitted.some((a) => a.endsWith('.pickle_utils.deserialize_model_from_bytecode (keras)')),
          admitted.join(', '),
        );
      } else assert.ok(found.length > 0);
    });
  }
  it('the Lambda twin is blocked by the archive it embeds, the message saying the pickle loads it unsafely', async () => {
    const r = await scanPaths([join(ROOT, 'keras-v2.12.0-lambda.pkl')]);
    const lambda = r.findings.filter((x) => x.ruleId === 'MODEL-LAMBDA-CODE').map((x) => x.evidence.signal);
    assert.ok(
      lambda.some((s) => s.includes('deserialize_model_from_bytecode') && s.includes('safe_mode=False')),
      lambda.join('\n'),
    );
  });
});

describe('Keras 2 whole-model pickles: the shape and what falls outside it', () => {
  const payload = new P().proto(4).call('os', 'system').stop().bytes();
  const cases: [string, Shape, string | undefined][] = [
    ['as Keras 2.11 - 2.12 write it', {}, undefined],
    ["the 2.13 - 2.15 wheels' module", { module: 'keras.src.saving.pickle_utils' }, undefined],
    ['the archive holding a Lambda layer', { contents: LAMBDA }, 'MODEL-LAMBDA-CODE'],
    ['a module no release defines it in', { module: 'keras.saving.legacy.pickle_utils' }, 'PICKLE'],
    ['the serializing function of the pair', { name: 'serialize_model_as_bytecode' }, 'PICKLE'],
    ['bytes that are not a zip (a pickle)', { contents: payload }, 'PICKLE'],
    ['junk before the zip', { contents: Uint8Array.from([0x58, ...ARCHIVE]) }, 'PICKLE'],
    ['the archive as a str', { str: true }, 'PICKLE'],
    ['a second argument', { extra: true }, 'PICKLE'],
    ['the archive in an io.BytesIO', { bytesIo: true }, 'PICKLE'],
    ['bytes made by a call, not a literal', { computed: true }, 'PICKLE'],
    ['the function also stored as a value', { stored: true }, 'PICKLE'],
    ['called a second time with a str', { callAgain: true }, 'PICKLE'],
  ];
  shapeCases(cases, shape);

  it('an array argument (Keras 2.7 - 2.10: a tar of a SavedModel directory) is refused, the message saying how to save again', async () => {
    const bytes = new P()
      .proto(2)
      .stackGlobal('keras.saving.pickle_utils', 'deserialize_model_from_bytecode')
      .stackGlobal('numpy.core.multiarray', '_reconstruct')
      .stackGlobal('numpy', 'ndarray')
      .int(0)
      .tuple1()
      .sbb(Uint8Array.from([0x62]))
      .raw(0x87) // TUPLE3
      .reduce()
      .tuple1()
      .reduce()
      .stop()
      .bytes();
    const r = await scanBytes('model.pkl', bytes);
    const struct = r.findings.filter((f) => f.ruleId === 'PICKLE-STRUCT');
    assert.ok(
      struct.some((f) => /SavedModel directory.*model\.save\("model\.keras"\)/.test(f.evidence.signal)),
      JSON.stringify(r.findings.map((f) => f.evidence.signal)),
    );
    assert.ok(r.findings.some((f) => BLOCKING.has(f.severity)));
  });
});
