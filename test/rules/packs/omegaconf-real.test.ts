// OmegaConf: configs written by two released versions (scripts/fixtures/omegaconf-real.py: nested dicts and lists
// with interpolations, typed nodes, a Dict-typed container) pass, admitted by the omegaconf history pack; a structured
// config is blocked for its dataclass only; the hostile twins are blocked: metadata with an attribute the library never
// writes, a metadata type that is not a plain type, a node holding a callable or a payload, a config as a dict key, an
// interpolation of a resolver neither OmegaConf nor Hydra defines, content that is not a config node. A stream-level
// case table checks the state shapes with benign twins. Real checkpoints a public project committed
// (omegaconf-manifest.json) pass the pickle checks when their mirror is present.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes, scanPaths } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';
import { mirroredManifest } from '../../helpers/mirrors.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH']);
const ROOT = new URL('../../fixtures/real-omegaconf/', import.meta.url).pathname;
const DICT_CONFIG = 'omegaconf.dictconfig.DictConfig';

interface Row {
  readonly file: string;
  readonly version: string;
  readonly expect: 'benign' | 'blocked';
  readonly what: string;
  readonly sha256: string;
}
const manifest = JSON.parse(readFileSync(join(ROOT, 'manifest.json'), 'utf8')) as { files: Row[] };

// The rule each blocked file must raise (beside any other), and a part of its evidence.
const RULE: Record<string, [string, RegExp]> = {
  structured: ['PICKLE-GLOBAL-IMPORT', /omegaconf_structured\.TrainConfig/],
  generic: ['PICKLE-GLOBAL-IMPORT', /operator\.getitem/],
  'meta-attr': ['PICKLE-STRUCT', /sets 'planted', which omegaconf\.base\.Metadata never writes/],
  'meta-type': ['PICKLE-STRUCT', /element_type is collections\.OrderedDict, not None or a plain type/],
  'node-callable': ['PICKLE-STRUCT', /AnyNode: the node's value is a global, not a scalar/],
  payload: ['PICKLE-EXEC', /os\.system/],
  keyed: ['PICKLE-STRUCT', /DictConfig used as a dict key or set member/],
  resolver: ['PICKLE-STRUCT', /interpolates resolver 'eval'/],
  'content-foreign': ['PICKLE-STRUCT', /a DictConfig value is an object, not a config node/],
};

describe('omegaconf: real output of released versions', () => {
  it('holds two versions, each with its benign configs, and the hostile twins of 2.3', () => {
    const versions = [...new Set(manifest.files.map((f) => f.version))].sort();
    assert.deepEqual(versions, ['2.0.6', '2.3.0']);
    const kinds = (v: string, e: string) =>
      manifest.files
        .filter((f) => f.version === v && f.expect === e)
        .map((f) => f.what)
        .sort();
    assert.deepEqual(kinds('2.0.6', 'benign'), ['plain', 'typed']);
    assert.deepEqual(kinds('2.3.0', 'benign'), ['generic', 'plain', 'typed']);
    assert.deepEqual(
      kinds('2.3.0', 'blocked'),
      Object.keys(RULE)
        .filter((k) => k !== 'generic')
        .sort(),
    );
  });
  for (const f of manifest.files) {
    it(`${f.expect}: ${f.file} (${f.version}, ${f.what})`, async () => {
      const bytes = readFileSync(join(ROOT, f.file));
      assert.equal(createHash('sha256').update(bytes).digest('hex'), f.sha256);
      const r = await scanPaths([join(ROOT, f.file)]);
      const blocking = r.findings.filter((x) => BLOCKING.has(x.severity));
      const admitted = r.pickles.flatMap((p) => p.admitted ?? []);
      if (f.expect === 'benign') {
        assert.deepEqual(
          blocking.map((x) => x.evidence),
          [],
        );
        assert.ok(admitted.some((a) => a.name === DICT_CONFIG && a.pack === 'omegaconf'));
        assert.ok(admitted.some((a) => a.name === 'omegaconf.base.ContainerMetadata' && a.pack === 'omegaconf'));
      } else {
        const [rule, evidence] = RULE[f.what] ?? [];
        assert.ok(rule !== undefined && evidence !== undefined, f.what);
        assert.ok(
          blocking.some((x) => x.ruleId === rule && evidence.test(JSON.stringify(x.evidence))),
          JSON.stringify(blocking.map((x) => [x.ruleId, x.evidence])),
        );
      }
    });
  }
  it('blocks the structured config for its dataclass names only, never for an OmegaConf name', async () => {
    for (const f of manifest.files.filter((x) => x.what === 'structured')) {
      const r = await scanPaths([join(ROOT, f.file)]);
      const imports = r.findings
        .filter((x) => x.ruleId === 'PICKLE-GLOBAL-IMPORT')
        .map((x) => JSON.stringify(x.evidence));
      assert.ok(imports.length > 0);
      for (const e of imports) assert.doesNotMatch(e, /GLOBAL imports omegaconf\./, f.file);
    }
  });
});

// Stream-level builders: a value node, a container and their metadata as OmegaConf writes them (protocol 2: NEWOBJ
// of the class with an empty tuple, BUILD of a dict).
type Step = (p: P) => P;
const str: (s: string) => Step = (s) => (p) => p.sbu(s);
const none: Step = (p) => p.none();
const bool: (b: boolean) => Step = (b) => (p) => p.op(b ? 0x88 : 0x89);
const glob: (m: string, n: string) => Step = (m, n) => (p) => p.global(m, n);

function dict(items: [string, Step][]): Step {
  return (p) => {
    p.emptyDict();
    for (const [k, v] of items) v(p.sbu(k)).setitem();
    return p;
  };
}

function newobj(module: string, name: string, state: Step | undefined): Step {
  return (p) => {
    p.global(module, name).emptyTuple().newobj();
    return state === undefined ? p : state(p).build();
  };
}

function metadata(extra: [string, Step][] = [], container = false): Step {
  const base: [string, Step][] = [
    ['ref_type', glob('typing', 'Any')],
    ['object_type', container ? glob('builtins', 'dict') : none],
    ['optional', bool(true)],
    ['key', str('lr')],
    ['flags', dict([])],
    ['flags_root', bool(false)],
    ['resolver_cache', (p) => p.global('collections', 'defaultdict').global('builtins', 'dict').tuple1().reduce()],
  ];
  if (container) base.push(['key_type', glob('typing', 'Any')], ['element_type', glob('typing', 'Any')]);
  const keys = new Set(extra.map(([k]) => k));
  const fields = [...base.filter(([k]) => !keys.has(k)), ...extra];
  return newobj('omegaconf.base', container ? 'ContainerMetadata' : 'Metadata', dict(fields));
}

function node(val: Step, meta: Step = metadata(), extra: [string, Step][] = []): Step {
  return newobj('omegaconf.nodes', 'AnyNode', dict([['_metadata', meta], ['_parent', none], ['_val', val], ...extra]));
}

function config(content: Step, meta: Step = metadata([], true)): Step {
  return newobj(
    'omegaconf.dictconfig',
    'DictConfig',
    dict([
      ['_metadata', meta],
      ['_parent', none],
      ['_content', content],
    ]),
  );
}

/**
 * A list of a DictConfig whose metadata (memoized) is given a second BUILD after the container's own, setting its
 * element type to `module.name`.
 */
function rebuilt(module: string, name: string): Step {
  return (p) => {
    config(dict([]), (q) => metadata([], true)(q).binput(1))(p.emptyList());
    dict([['element_type', glob(module, name)]])(p.op(0x61).binget(1)).build();
    return p.op(0x61);
  };
}

/** A ListConfig whose content is a list of `items` (APPEND of each). */
function listConfig(items: Step[]): Step {
  const content: Step = (p) => {
    p.emptyList();
    for (const it of items) it(p).op(0x61);
    return p;
  };
  return newobj(
    'omegaconf.listconfig',
    'ListConfig',
    dict([
      ['_metadata', metadata([['object_type', glob('builtins', 'list')]], true)],
      ['_parent', none],
      ['_content', content],
    ]),
  );
}

function stream(top: Step): Uint8Array {
  return top(new P().proto(2)).stop().bytes();
}

describe('omegaconf: the state shapes the pack admits', () => {
  const cases: [string, Uint8Array, boolean][] = [
    ['a value node with a str value', stream(node(str('mlp'))), true],
    ['a value node with None', stream(node(none)), true],
    ['a node interpolation', stream(node(str('${model.lr}'))), true],
    ["OmegaConf's env resolver", stream(node(str('${oc.env:HOME}'))), true],
    ["Hydra's now resolver", stream(node(str('${now:%Y-%m-%d}'))), true],
    ['a resolver the consumer registered', stream(node(str('${eval:1+1}'))), false],
    ['a resolver name computed from another interpolation', stream(node(str('${${name}:1+1}'))), false],
    ['a dotted resolver name completed by an interpolation', stream(node(str('${oc.${x}:HOME}'))), false],
    ['two node interpolations in one text', stream(node(str('${a.b}/${c}'))), true],
    ['a value node holding a class', stream(node(glob('builtins', 'dict'))), false],
    [
      'a value node holding an object',
      stream(node((p) => p.global('collections', 'OrderedDict').emptyTuple().reduce())),
      false,
    ],
    ['a node state key the library never writes', stream(node(str('x'), metadata(), [['_flags_cache', none]])), false],
    ['a node whose metadata is a ContainerMetadata', stream(node(str('x'), metadata([], true))), false],
    ['a node whose metadata is a dict', stream(node(str('x'), dict([]))), false],
    ['metadata with a field the library never writes', stream(node(str('x'), metadata([['planted', none]]))), false],
    ['metadata whose optional is not a bool', stream(node(str('x'), metadata([['optional', str('yes')]]))), false],
    ['metadata flags of bools', stream(node(str('x'), metadata([['flags', dict([['readonly', bool(true)]])]]))), true],
    ['metadata flags of text', stream(node(str('x'), metadata([['flags', dict([['readonly', str('y')]])]]))), false],
    [
      'a resolver cache of text results',
      stream(
        node(
          str('x'),
          metadata([
            [
              'resolver_cache',
              (p) => {
                p.global('collections', 'defaultdict').global('builtins', 'dict').tuple1().reduce();
                return p.sbu('now').emptyDict().sbu('%Y').tuple1().sbu('2023').setitem().setitem();
              },
            ],
          ]),
        ),
      ),
      true,
    ],
    [
      'a resolver cache of another default factory',
      stream(
        node(
          str('x'),
          metadata([
            [
              'resolver_cache',
              (p) => p.global('collections', 'defaultdict').global('builtins', 'list').tuple1().reduce(),
            ],
          ]),
        ),
      ),
      false,
    ],
    ['a container of a node', stream(config(dict([['lr', node(str('x'))]]))), true],
    ['a container of a missing value', stream(config(str('???'))), true],
    ['a container holding a plain dict as a value', stream(config(dict([['lr', dict([])]]))), false],
    [
      'typing.Dict as a reference type with plain key and element types',
      stream(
        config(
          dict([]),
          metadata(
            [
              ['ref_type', glob('typing', 'Dict')],
              ['key_type', glob('builtins', 'str')],
            ],
            true,
          ),
        ),
      ),
      true,
    ],
    [
      'an element type that is not a plain type',
      stream(
        config(
          dict([]),
          metadata(
            [
              ['ref_type', glob('typing', 'Dict')],
              ['element_type', glob('collections', 'OrderedDict')],
            ],
            true,
          ),
        ),
      ),
      false,
    ],
    [
      'a ContainerMetadata called (its __init__ and __post_init__ run)',
      stream(
        config(dict([]), (p) =>
          p.global('omegaconf.base', 'ContainerMetadata').mark().none().none().op(0x88).none().tuple().reduce(),
        ),
      ),
      false,
    ],
    [
      'a second BUILD on the metadata with a type that is not plain',
      stream(rebuilt('collections', 'OrderedDict')),
      false,
    ],
    ['a second BUILD on the metadata with a plain type', stream(rebuilt('builtins', 'int')), true],
    [
      'a config given to OrderedDict (it iterates and indexes it)',
      stream((p) =>
        config(dict([['lr', node(str('x'))]]))(p.global('collections', 'OrderedDict'))
          .tuple1()
          .reduce(),
      ),
      false,
    ],
    [
      'a config given to set (it iterates it)',
      stream((p) => config(dict([]))(p.global('builtins', 'set')).tuple1().reduce()),
      false,
    ],
    [
      'a config stored as a value of an OrderedDict',
      stream((p) =>
        config(dict([['lr', node(str('x'))]]))(
          p.global('collections', 'OrderedDict').emptyTuple().reduce().sbu('cfg'),
        ).setitem(),
      ),
      true,
    ],
    ['a ListConfig of nodes', stream(listConfig([node(str('a')), node(none)])), true],
    [
      'a ListConfig holding an object that is not a node',
      stream(listConfig([node(str('a')), (p) => p.global('collections', 'OrderedDict').emptyTuple().reduce()])),
      false,
    ],
    [
      "typing.Dict in a state value a hook subscripts (pandas' BlockManager reads state['blocks'][i])",
      stream((p) =>
        dict([['blocks', glob('typing', 'Dict')]])(
          p.global('pandas.core.internals.managers', 'BlockManager').emptyTuple().newobj(),
        ).build(),
      ),
      false,
    ],
    [
      'typing.Any there (not subscriptable: no argument is formatted)',
      stream((p) =>
        dict([['blocks', glob('typing', 'Any')]])(
          p.global('pandas.core.internals.managers', 'BlockManager').emptyTuple().newobj(),
        ).build(),
      ),
      true,
    ],
    ['typing.Any called', stream((p) => p.global('typing', 'Any').emptyTuple().reduce()), false],
    ['an item stored on a DictConfig', stream((p) => config(dict([]))(p).sbu('k').int(1).setitem()), false],
    ['a node as a dict key', stream((p) => node(str('x'))(p.emptyDict()).int(1).setitem()), false],
    [
      'a node with a state that is not a dict',
      stream(newobj('omegaconf.nodes', 'AnyNode', (p) => p.mark().int(1).tuple())),
      false,
    ],
  ];
  for (const [what, bytes, passes] of cases) {
    it(`${passes ? 'passes' : 'blocks'}: ${what}`, async () => {
      const r = await scanBytes('config.pkl', bytes);
      const blocking = r.findings.filter((x) => BLOCKING.has(x.severity));
      if (passes)
        assert.deepEqual(
          blocking.map((x) => x.evidence),
          [],
        );
      else assert.ok(blocking.length > 0, 'no blocking finding');
    });
  }
});

interface RealFile {
  readonly repository: string;
  readonly commit: string;
  readonly path: string;
  readonly sha256: string;
}
const real = mirroredManifest<RealFile>(
  new URL('../../fixtures/real-world/omegaconf-manifest.json', import.meta.url),
  'no real checkpoint holding an OmegaConf config present',
);

describe('real checkpoints holding OmegaConf configs of public projects', { skip: real.skip }, () => {
  for (const { e, bytes } of real.present) {
    it(`${e.repository} ${e.path}: no pickle finding blocks it`, async () => {
      assert.equal(createHash('sha256').update(bytes).digest('hex'), e.sha256);
      const r = await scanBytes('general_checkpoint.pth', bytes);
      const blocking = r.findings.filter((f) => BLOCKING.has(f.severity));
      // torch.load(weights_only=True) refuses the config's globals: the checkpoint policy finding is all that stays.
      assert.deepEqual(
        blocking.filter((f) => f.ruleId !== 'TORCH-LOAD-UNTRUSTED').map((f) => f.evidence),
        [],
      );
      const admitted = r.pickles.flatMap((x) => x.admitted ?? []);
      assert.ok(admitted.some((a) => a.name === DICT_CONFIG && a.pack === 'omegaconf'));
      assert.ok(admitted.some((a) => a.name === 'omegaconf.nodes.AnyNode' && a.pack === 'omegaconf'));
    });
  }
});
