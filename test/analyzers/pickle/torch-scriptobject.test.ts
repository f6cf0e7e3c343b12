// TorchBind objects in torch.save pickles: a quantized model's packed parameters pickle as NEWOBJ of
// torch.ScriptObject and BUILD with (state, qualified class name); the loader runs the named registered class's
// native __setstate__. Real output of torch 1.13 and 2.14 (scripts/fixtures/torch-scriptobject.py: dynamic
// quantization of Linear, LSTM, GRU and the RNN cells, a static conv net with a Linear; whole model and state_dict,
// zip and legacy) passes the pickle analysis; forged files through the same names (another registered class, a state
// torch never writes, an object left without its BUILD, a payload) are reported, each loaded by the real torch.load
// in the manifests. The weights-only refusal (TORCH-LOAD-UNTRUSTED) stands for every one of them: torch.load with
// weights_only=True refuses torch.ScriptObject.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';

const DIR = join(import.meta.dirname, '../../fixtures/torch-scriptobject');
type Manifest = { torch: string; files: Record<string, { sha256: string; load: [string, string] }> };
const manifests = ['manifest-t1.json', 'manifest-t2.json'].map(
  (m) => JSON.parse(readFileSync(join(DIR, m), 'utf8')) as Manifest,
);
const files = new Map(manifests.flatMap((m) => Object.entries(m.files)));

/** What each forged file is reported for (a substring of a PICKLE finding), and how the real loader ends on it. */
const HOSTILE: Record<string, [string, string]> = {
  'hostile-linear-payload.pt': ['os.system', 'RuntimeError'],
  'hostile-linear-eval.pt': ['a class name that is object', 'loaded'],
  'hostile-conv-class.pt': ['torch.save writes only', 'loaded'],
  'hostile-conv-zero-stride.pt': ['torch.save writes only', 'signal'],
  'hostile-other-class.pt': ['torch.save writes only', 'RuntimeError'],
  'hostile-path-name.pt': ['torch.save writes only', 'RuntimeError'],
  'hostile-linear-arity.pt': ['not the (weight, bias) torch writes', 'RuntimeError'],
  'hostile-linear-1d-weight.pt': ['not the (weight, bias) torch writes', 'RuntimeError'],
  'hostile-build-arity.pt': ['not the (class state, class name) pair', 'TypeError'],
  'hostile-state-dict.pt': ['not the (class state, class name) pair', 'TypeError'],
  'hostile-cell-static.pt': ['a type string \\"quantized\\"', 'RuntimeError'],
  'hostile-cell-type.pt': ['a type string \\"unknown\\"', 'RuntimeError'],
  'hostile-cell-one-packed.pt': ['not the two packed linear objects', 'RuntimeError'],
  'hostile-cell-tensor-packed.pt': ['not the two packed linear objects', 'RuntimeError'],
  'hostile-cell-unbuilt-packed.pt': ['not the two packed linear objects', 'signal'],
  'hostile-unbuilt.pt': ['without a BUILD', 'loaded'],
  'hostile-called.pt': ['torch.ScriptObject', 'TypeError'],
  'hostile-linear-huge-name.pt': ['longer than the analysis keeps', 'RuntimeError'],
};
const BENIGN_TWINS = ['benign-linear-forged.pt', 'benign-linear-no-bias.pt', 'benign-cell-forged.pt'];

async function scan(name: string, bytes: Buffer) {
  const r = await scanBytes(name, bytes);
  return {
    pickle: r.findings
      .filter((x) => x.ruleId.startsWith('PICKLE'))
      .map((x) => `${x.ruleId}: ${JSON.stringify(x.evidence)}`),
    other: r.findings.filter((x) => !x.ruleId.startsWith('PICKLE')),
  };
}

describe('torch.ScriptObject: the packed parameters torch.save writes, and nothing else', () => {
  it('holds real output of both torch releases and every forged file, as the manifests list them', () => {
    assert.deepEqual(
      manifests.map((m) => m.torch.split('.')[0]),
      ['1', '2'],
    );
    for (const [name, f] of files)
      assert.equal(
        createHash('sha256')
          .update(readFileSync(join(DIR, name)))
          .digest('hex'),
        f.sha256,
        name,
      );
    const real = [...files.keys()].filter((n) => /^t[12]-/.test(n));
    assert.equal(real.length, 40);
    // torch loads every real file but the legacy-format whole static net (torch's own legacy reader fails on it).
    for (const n of real)
      assert.equal(files.get(n)!.load[0], n.includes('static-convnet-model-legacy') ? 'RuntimeError' : 'loaded', n);
    for (const n of BENIGN_TWINS) assert.equal(files.get(n)!.load[0], 'loaded', n);
    for (const [n, [, load]] of Object.entries(HOSTILE)) assert.equal(files.get(n)!.load[0], load, n);
  });

  for (const name of [...files.keys()].filter((n) => /^t[12]-/.test(n) || BENIGN_TWINS.includes(n)))
    it(`${name}: no pickle finding`, async () => {
      const { pickle, other } = await scan(name, readFileSync(join(DIR, name)));
      assert.deepEqual(pickle, []);
      // Only the weights-only refusal remains (whole modules name classes it refuses; torch.ScriptObject too).
      assert.deepEqual(
        [...new Set(other.map((x) => x.ruleId))].filter((r) => r !== 'TORCH-LOAD-UNTRUSTED'),
        [],
      );
    });

  for (const [name, [expected]] of Object.entries(HOSTILE))
    it(`${name}: reported`, async () => {
      const { pickle } = await scan(name, readFileSync(join(DIR, name)));
      assert.ok(
        pickle.some((x) => x.includes(expected)),
        `${expected} not in ${JSON.stringify(pickle)}`,
      );
    });

  const so = Buffer.from('ctorch\nScriptObject\n', 'latin1');
  const linearName = '__torch__.torch.classes.quantized.LinearPackedParamsBase';
  const str = (s: string) =>
    Buffer.concat([Buffer.from([0x58]), Buffer.from(new Uint32Array([s.length]).buffer), Buffer.from(s)]);
  // Opcode-built streams: other ways to make the object, each next to the NEWOBJ torch writes.
  const cases: [string, Buffer, string | undefined][] = [
    [
      'NEWOBJ with no arguments and its BUILD',
      Buffer.concat([
        Buffer.from([0x80, 2]),
        so,
        Buffer.from(')\x81NN\x86', 'latin1'),
        str(linearName),
        Buffer.from('\x86b.', 'latin1'),
      ]),
      undefined,
    ],
    [
      'a second BUILD',
      Buffer.concat([
        Buffer.from([0x80, 2]),
        so,
        Buffer.from(')\x81NN\x86', 'latin1'),
        str(linearName),
        Buffer.from('\x86bNN\x86', 'latin1'),
        str(linearName),
        Buffer.from('\x86b.', 'latin1'),
      ]),
      'a second time',
    ],
    [
      'NEWOBJ with an argument',
      Buffer.concat([
        Buffer.from([0x80, 2]),
        so,
        Buffer.from('K\x01\x85\x81NN\x86', 'latin1'),
        str(linearName),
        Buffer.from('\x86b.', 'latin1'),
      ]),
      'with arguments',
    ],
    [
      'NEWOBJ_EX left without its BUILD',
      Buffer.concat([Buffer.from([0x80, 4]), so, Buffer.from(')}\x92.', 'latin1')]),
      'without a BUILD',
    ],
    [
      'copyreg._reconstructor of the class',
      Buffer.concat([
        Buffer.from([0x80, 2]),
        Buffer.from('ccopyreg\n_reconstructor\n(', 'latin1'),
        so,
        Buffer.from('c__builtin__\nobject\nNtR.', 'latin1'),
      ]),
      'copyreg._reconstructor of torch.ScriptObject',
    ],
  ];
  for (const [what, bytes, expected] of cases)
    it(`${what}: ${expected === undefined ? 'the object is admitted' : 'reported'}`, async () => {
      const { pickle } = await scan('x.pkl', bytes);
      // (None, None) is not a weight and a bias: the admitted shape is reported for its state, not its creation.
      const creation = pickle.filter((x) => !x.includes('(weight, bias)'));
      if (expected === undefined) assert.deepEqual(creation, []);
      else
        assert.ok(
          creation.some((x) => x.includes(expected)),
          JSON.stringify(pickle),
        );
    });
});
