// Keras 3 models pickled by joblib inside a scikit-learn Pipeline (scripts/fixtures/keras3-joblib.py: keras 3.15,
// scikit-learn 1.9, joblib 1.6): the model's .keras archive is one bytes literal handed to the modelled
// <class>._unpickle_model load, after joblib's raw array bytes. That archive is the load's payload (scanned as a
// .keras archive, its config judged as Keras archives are), not a zip prepended with data nor a zip+pickle
// polyglot; a zip anywhere else in such a file still is.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { scanBytes } from '../../src/scan/engine.js';

const DIR = new URL('../fixtures/keras3-joblib/', import.meta.url).pathname;
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

async function scan(name: string, data: Uint8Array) {
  const r = await scanBytes(name, data);
  return {
    blocking: r.findings.filter((x) => BLOCKING.has(x.severity)).map((x) => `${x.ruleId}: ${x.evidence.signal}`),
    why: r.findings.map((x) => `${x.severity} ${x.ruleId} ${x.evidence.signal.slice(0, 200)}`).join('\n'),
  };
}

const PIPELINE = readFileSync(DIR + 'pipeline.joblib');
/** The .keras archive inside the pipeline file (from its first local header to the end of its end record). */
function archiveOf(data: Buffer): Buffer {
  const start = data.indexOf(Buffer.from('PK\x03\x04', 'latin1'));
  const eocd = data.lastIndexOf(Buffer.from('PK\x05\x06', 'latin1'));
  return data.subarray(start, eocd + 22 + data.readUInt16LE(eocd + 20));
}

const tamper = (s: string): boolean => s.startsWith('ARCHIVE-TAMPER');

interface Case {
  readonly what: string;
  readonly bytes: Uint8Array;
  /** What must be among the blocking findings; undefined: none. */
  readonly blocks?: (found: readonly string[]) => boolean;
}

const CASES: readonly Case[] = [
  { what: 'a Pipeline of a scaler and a Functional model, as joblib wrote it', bytes: PIPELINE },
  {
    what: 'the same with a Lambda layer: the archive is scanned and its bytecode blocks',
    bytes: readFileSync(DIR + 'pipeline-lambda.joblib'),
    blocks: (f) => f.some((s) => s.startsWith('MODEL-LAMBDA-CODE')) && !f.some(tamper),
  },
  {
    what: 'the archive as a plain bytes value after joblib array bytes (no Keras load opens it)',
    bytes: readFileSync(DIR + 'blob.joblib'),
    blocks: (f) => f.some((s) => s.startsWith('ARCHIVE-TAMPER') && s.includes('POLYGLOT')),
  },
  {
    what: 'a zip appended after the pickle (a genuine polyglot)',
    bytes: Buffer.concat([PIPELINE, archiveOf(PIPELINE)]),
    blocks: (f) => f.some(tamper),
  },
];

describe('Keras 3 models pickled by joblib inside a scikit-learn Pipeline', () => {
  for (const c of CASES) {
    it(`${c.blocks === undefined ? 'passes' : 'blocks'}: ${c.what}`, async () => {
      const r = await scan('model.joblib', c.bytes);
      if (c.blocks === undefined) assert.deepEqual(r.blocking, [], r.why);
      else assert.ok(c.blocks(r.blocking), r.why);
    });
  }
});
