// PICKLE rule case tables: invalid streams name the rule, opcode and byte offset; valid streams give nothing.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { refusedBy } from '../../src/rules/data/allowlist.js';
import { scanBytes } from '../../src/scan/engine.js';
import { Op } from '../../src/formats/pickle/opcodes.js';
import { P } from '../helpers/pickle-builder.js';
import sklearnList from '../../src/rules/data/sklearn-allowlist.json' with { type: 'json' };

interface Invalid {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly rule: string;
  readonly opcode: string;
  readonly offset: number;
  readonly safety?: string;
}

function stream(build: (p: P) => P): { bytes: Uint8Array; at: Record<string, number> } {
  const p = build(new P());
  return { bytes: p.bytes(), at: p.at };
}

const evil = stream((p) =>
  p.proto(4).sbu('posix').sbu('system').label('g').op(Op.STACK_GLOBAL).sbu('id').tuple1().reduce().stop(),
);
const popped = stream((p) =>
  p.proto(2).label('g').global('subprocess', 'Popen').sbu('id').tuple1().reduce().pop().none().stop(),
);
const dotted = stream((p) =>
  p.proto(4).sbu('torch.serialization').sbu('os.system').label('g').op(Op.STACK_GLOBAL).stop(),
);
const unknown = stream((p) =>
  p.proto(4).sbu('mymodel').sbu('Net').label('g').op(Op.STACK_GLOBAL).emptyTuple().newobj().stop(),
);
const pathlib = stream((p) => p.proto(4).sbu('pathlib').sbu('Path.write_text').label('g').op(Op.STACK_GLOBAL).stop());
const ext = stream((p) => p.proto(2).label('e').op(Op.EXT1, 225).sbu('id').tuple1().reduce().stop());
const broken = stream((p) =>
  p.proto(2).label('g').global('posix', 'system').sbu('id').tuple1().reduce().label('x').raw(0xff),
);
const buildMod = stream((p) => p.global('sys', 'modules').emptyDict().label('b').build().stop());
const scanner = stream((p) => p.proto(4).sbu('fickling.hook').sbu('remove_hook').label('g').op(Op.STACK_GLOBAL).stop());
const memmapCalled = stream((p) =>
  p.proto(4).sbu('numpy').sbu('memmap').label('g').op(Op.STACK_GLOBAL).sbu('/etc/passwd').tuple1().reduce().stop(),
);
const attrgetter = stream((p) => p.proto(4).sbu('_operator').sbu('attrgetter').label('g').op(Op.STACK_GLOBAL).stop());

const INVALID: Invalid[] = [
  {
    name: 'numpy.memmap called (maps the named file)',
    bytes: memmapCalled.bytes,
    rule: 'PICKLE-EXEC',
    opcode: 'STACK_GLOBAL',
    offset: memmapCalled.at['g']!,
  },
  {
    name: 'os.system via posix',
    bytes: evil.bytes,
    rule: 'PICKLE-EXEC',
    opcode: 'STACK_GLOBAL',
    offset: evil.at['g']!,
    safety: 'OVERTLY_MALICIOUS',
  },
  { name: 'call result popped', bytes: popped.bytes, rule: 'PICKLE-EXEC', opcode: 'GLOBAL', offset: popped.at['g']! },
  {
    name: 'dotted name through a torch module',
    bytes: dotted.bytes,
    rule: 'PICKLE-EXEC',
    opcode: 'STACK_GLOBAL',
    offset: dotted.at['g']!,
  },
  {
    name: 'pathlib.Path.write_text (dotted method)',
    bytes: pathlib.bytes,
    rule: 'PICKLE-EXEC',
    opcode: 'STACK_GLOBAL',
    offset: pathlib.at['g']!,
  },
  {
    name: 'scanner tampering',
    bytes: scanner.bytes,
    rule: 'PICKLE-EXEC',
    opcode: 'STACK_GLOBAL',
    offset: scanner.at['g']!,
  },
  {
    name: '_operator alias',
    bytes: attrgetter.bytes,
    rule: 'PICKLE-EXEC',
    opcode: 'STACK_GLOBAL',
    offset: attrgetter.at['g']!,
  },
  { name: 'BUILD on a module', bytes: buildMod.bytes, rule: 'PICKLE-EXEC', opcode: 'BUILD', offset: buildMod.at['b']! },
  {
    name: 'unknown class',
    bytes: unknown.bytes,
    rule: 'PICKLE-GLOBAL-IMPORT',
    opcode: 'STACK_GLOBAL',
    offset: unknown.at['g']!,
    safety: 'LIKELY_UNSAFE',
  },
  {
    name: 'EXT is an unresolved import',
    bytes: ext.bytes,
    rule: 'PICKLE-GLOBAL-IMPORT',
    opcode: 'EXT1',
    offset: ext.at['e']!,
  },
  { name: 'EXT is structural', bytes: ext.bytes, rule: 'PICKLE-STRUCT', opcode: 'EXT1', offset: ext.at['e']! },
  {
    name: 'payload then an invalid opcode: EXEC',
    bytes: broken.bytes,
    rule: 'PICKLE-EXEC',
    opcode: 'GLOBAL',
    offset: broken.at['g']!,
  },
  {
    name: 'payload then an invalid opcode: STRUCT',
    bytes: broken.bytes,
    rule: 'PICKLE-STRUCT',
    opcode: '0xff',
    offset: broken.at['x']!,
  },
];

describe('invalid: the rule fires with opcode and offset', () => {
  for (const c of INVALID) {
    it(c.name, async () => {
      const r = await scanBytes('case.pkl', c.bytes);
      const f = r.findings.find((x) => x.ruleId === c.rule && x.evidence.opcode === c.opcode);
      const seen = r.findings.map((x) => `${x.ruleId}/${x.evidence.opcode}@${x.evidence.offset}`).join(', ');
      assert.ok(f, `expected ${c.rule}/${c.opcode}, got ${seen}`);
      assert.equal(f.evidence.offset, c.offset);
      assert.equal(f.where, `case.pkl@${c.offset}`);
      if (c.safety) assert.equal(r.pickles[0]!.safety, c.safety);
    });
  }
});

const VALID: [string, Uint8Array][] = [
  [
    'numpy.memmap only named as the subtype _reconstruct rebuilds (how numpy pickles a memmap)',
    new P()
      .proto(2)
      .global('numpy.core.multiarray', '_reconstruct')
      .mark()
      .global('numpy', 'memmap')
      .int(0)
      .tuple1()
      .sbb(Uint8Array.from([0x62]))
      .tuple()
      .reduce()
      .stop()
      .bytes(),
  ],
  ['plain dict', new P().proto(4).emptyDict().sbu('a').int(1).setitem().stop().bytes()],
  ['OrderedDict', new P().proto(2).global('collections', 'OrderedDict').emptyTuple().reduce().stop().bytes()],
  [
    'protocol 2 set via __builtin__',
    new P().proto(2).global('__builtin__', 'set').emptyList().tuple1().reduce().stop().bytes(),
  ],
  [
    'datetime',
    new P()
      .proto(4)
      .stackGlobal('datetime', 'date')
      .sbb(Uint8Array.from([7, 232, 1, 2]))
      .tuple1()
      .reduce()
      .stop()
      .bytes(),
  ],
  ['torch rebuild', new P().proto(2).global('torch._utils', '_rebuild_tensor_v2').stop().bytes()],
  [
    'sklearn estimator',
    new P()
      .proto(4)
      .stackGlobal('sklearn.linear_model._logistic', 'LogisticRegression')
      .emptyTuple()
      .newobj()
      .stop()
      .bytes(),
  ],
];

describe('valid: no findings, LIKELY_SAFE', () => {
  for (const [name, bytes] of VALID) {
    it(name, async () => {
      const r = await scanBytes('ok.pkl', bytes);
      assert.deepEqual(
        r.findings.map((f) => `${f.ruleId}: ${f.evidence.signal}`),
        [],
      );
      assert.equal(r.pickles[0]!.safety, 'LIKELY_SAFE');
    });
  }
});

// The derivation script lists the globals sklearn pickles name besides its own (`companions`: builtins, numpy,
// scipy, joblib, in whatever spelling the pickler wrote). Each must be allowed, or real sklearn output is flagged.
describe('sklearn companions: every global a real sklearn pickle names besides sklearn is allowed', () => {
  for (const key of Object.keys(sklearnList.companions)) {
    const dot = key.lastIndexOf('.');
    // scipy.stats distributions: the scipy pack's review refuses them (their state hook execs pickled code).
    if (refusedBy(key)) continue;
    it(key, async () => {
      const r = await scanBytes(
        'c.pkl',
        new P()
          .proto(2)
          .global(key.slice(0, dot), key.slice(dot + 1))
          .stop()
          .bytes(),
      );
      assert.deepEqual(
        r.findings.map((f) => `${f.ruleId}: ${f.evidence.signal}`),
        [],
      );
    });
  }
});

describe('not a pickle: no noise', () => {
  const cases: [string, string][] = [
    ['markdown', '# Model card\n\nThis model classifies images.\n'],
    ['json', '{"hidden_size": 768, "num_layers": 12}\n'],
    ['vocab', '[PAD]\n[UNK]\nthe\nof\n'],
    ['python', 'import torch\nclass Net(torch.nn.Module):\n    pass\n'],
    ['csv', 'a,b,c\n1,2,3\n'],
    ['text that starts like GLOBAL', 'config = 1\nname = "x"\n'],
  ];
  for (const [name, text] of cases) {
    it(name, async () => {
      const r = await scanBytes(name + '.txt', new TextEncoder().encode(text));
      assert.equal(r.findings.length, 0);
      assert.equal(r.pickles.length, 0);
    });
  }
  it('a protocol-0 stream that reaches an import before its first error is a pickle', async () => {
    const r = await scanBytes('x', new TextEncoder().encode('cos\nsystem\n(S"id"\ntR\x00garbage'));
    assert.ok(r.findings.some((f) => f.ruleId === 'PICKLE-EXEC'));
  });
});

describe('finding records', () => {
  it('carry every field of the rule and a stable fingerprint', async () => {
    const a = await scanBytes('m.pkl', evil.bytes);
    const b = await scanBytes('m.pkl', evil.bytes);
    const f = a.findings[0]!;
    assert.equal(f.severity, 'CRITICAL');
    assert.deepEqual(f.cwe, ['CWE-502']);
    assert.equal(f.owasp, 'LLM03 — Supply Chain');
    assert.equal(f.owner, 'AI/ML platform or model release owner');
    assert.match(f.releaseDecision, /^Block release/);
    assert.equal(f.retest, 'sentinel scan m.pkl --rule PICKLE');
    assert.match(f.fingerprint, /^[0-9a-f]{32}$/);
    assert.equal(f.fingerprint, b.findings[0]!.fingerprint);
    const other = await scanBytes('m.pkl', new P().proto(4).call('posix', 'popen').stop().bytes());
    assert.notEqual(other.findings[0]!.fingerprint, f.fingerprint);
  });
});
