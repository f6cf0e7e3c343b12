// keras_preprocessing's fitted objects as the library pickles them pass (scripts/fixtures/keras-preprocessing.py,
// Debian's keras_preprocessing); the same Tokenizer stream under the names released Keras versions define the class
// at passes too, and a payload twin is blocked.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes, scanPaths } from '../../../src/scan/engine.js';

const ROOT = new URL('../../fixtures/real-keras/', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8')) as {
  files: { file: string; expect: 'benign' | 'malicious'; what: string }[];
};
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

describe('keras_preprocessing real output', () => {
  assert.ok(manifest.files.filter((f) => f.expect === 'benign').length >= 8);
  for (const f of manifest.files) {
    it(`${f.expect}: ${f.file} (${f.what})`, async () => {
      const r = await scanPaths([join(ROOT, f.file)]);
      const blocking = r.findings.filter((x) => BLOCKING.has(x.severity)).map((x) => x.ruleId);
      if (f.expect === 'benign') assert.deepEqual(blocking, [], JSON.stringify(r.findings.map((x) => x.evidence)));
      else assert.ok(blocking.includes('PICKLE-EXEC'));
    });
  }
});

describe('the Tokenizer under the names Keras releases define it at', () => {
  const real = readFileSync(join(ROOT, 'tokenizer-p4.pkl'));
  const from = Buffer.from('\x8c\x18keras_preprocessing.text', 'latin1');
  assert.ok(real.includes(from), 'the real stream names keras_preprocessing.text with SHORT_BINUNICODE');
  /** The real stream with the module renamed (the class name and everything else unchanged). */
  const renamed = (module: string): Uint8Array => {
    const to = Buffer.concat([Buffer.from([0x8c, module.length]), Buffer.from(module, 'latin1')]);
    const at = real.indexOf(from);
    const out = Buffer.concat([real.subarray(0, at), to, real.subarray(at + from.length)]);
    // The first frame's length covers the renamed module: adjust it by the difference.
    out.writeBigUInt64LE(out.readBigUInt64LE(3) + BigInt(to.length - from.length), 3);
    return out;
  };
  const cases: [string, boolean][] = [
    ['keras.preprocessing.text', true],
    ['keras.src.legacy.preprocessing.text', true],
    ['keras.src.legacy.preprocessing.sequence', false],
    ['keras.layers.text', false],
  ];
  for (const [module, admitted] of cases) {
    it(`${module}.Tokenizer ${admitted ? 'passes' : 'is reported'}`, async () => {
      const r = await scanBytes('tokenizer.pkl', renamed(module));
      assert.deepEqual(
        r.findings.map((x) => x.ruleId),
        admitted ? [] : ['PICKLE-GLOBAL-IMPORT'],
        JSON.stringify(r.findings.map((x) => x.evidence.signal)),
      );
    });
  }
});
