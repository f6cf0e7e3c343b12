// sklearn-crfsuite and python-crfsuite history packs (scripts/data/history/sklearn-crfsuite.py, python-crfsuite.py):
// a fitted CRF passes; its FileResource, whose __setstate__ writes the embedded model bytes to a file named by
// tempfile.mkstemp(suffix, prefix) and whose __del__ unlinks an automatic resource's name, is admitted only in the state
// the library writes (HistoryCheck 'file-resource', src/analyzers/pickle/file-resource.ts). sklearn-crfsuite needs
// python-crfsuite's compiled extension, which is not installed here, so the rows are built opcode by opcode after the
// structure of the real pickles public projects committed (sklearn-crfsuite-manifest.json, scanned at the end when
// their mirrors are present): NEWOBJ of each class with no arguments and one BUILD of a dict. Each hostile row changes
// one thing; the ones that do something were proved with the library's own FileResource under pickle.load: an absolute
// prefix writes the stream's bytes into a folder the stream chose, and a name on an automatic resource with a valid fd
// is unlinked when the object is collected.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { fileResourceStateProblem } from '../../../src/analyzers/pickle/file-resource.js';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';
import { mirroredManifest } from '../../helpers/mirrors.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
const MODEL = new TextEncoder().encode('lCRF\x00\x00\x01\x00FILE');

async function verdict(bytes: Uint8Array) {
  const r = await scanBytes('crf_model.pkl', bytes);
  const blocking = r.findings.filter((f) => BLOCKING.has(f.severity)).map((f) => f.evidence.signal);
  const admitted = r.pickles.flatMap((x) => x.admitted ?? []);
  return { blocking, admitted };
}

/** One state entry: a key and the opcodes of its value. */
type Entry = [string, (p: P) => P];
const str = (s: string) => (p: P) => p.sbu(s);
const none = (p: P) => p.none();
const yes = (p: P) => p.raw(0x88);
const no = (p: P) => p.raw(0x89);
const int = (n: number) => (p: P) => p.int(n);
const data = (p: P) => p.bb(MODEL);

/** The FileResource state sklearn-crfsuite writes for a fitted CRF (an automatic temporary model file). */
const RESOURCE: Entry[] = [
  ['name', none],
  ['auto', yes],
  ['keep_tempfiles', no],
  ['suffix', str('.crfsuite')],
  ['prefix', str('model')],
  ['fd', int(74)],
  ['__FILE_RESOURCE_DATA__', data],
];

const dict = (p: P, entries: readonly Entry[]): P => {
  p.emptyDict().mark();
  for (const [k, v] of entries) v(p.sbu(k));
  return p.raw(0x75); // SETITEMS
};

/** A fitted CRF as pickle.dump writes it (protocol 4), its model file's state replaced by `resource`. */
function crf(resource: (p: P) => P = (p) => dict(p, RESOURCE)): Uint8Array {
  const p = new P().proto(4).stackGlobal('sklearn_crfsuite.estimator', 'CRF').emptyTuple().newobj();
  p.emptyDict().mark().sbu('algorithm').sbu('lbfgs').sbu('c1').int(0).sbu('max_iterations').int(100);
  p.sbu('model_filename').none().sbu('keep_tempfiles').raw(0x89);
  p.sbu('modelfile').stackGlobal('sklearn_crfsuite._fileresource', 'FileResource').emptyTuple().newobj();
  resource(p).build();
  p.sbu('training_log_').stackGlobal('pycrfsuite._logparser', 'TrainLogParser').emptyTuple().newobj();
  p.emptyDict().mark().sbu('state').sbu('STORING').sbu('featgen_num_features').int(6572);
  p.sbu('iterations').emptyList().emptyDict().sbu('num').int(1).setitem().raw(0x61); // APPEND
  p.sbu('log').emptyList().sbu('Feature generation\n').raw(0x61).raw(0x75).build();
  p.sbu('_tagger').none().sbu('_info_cached').none().raw(0x75).build();
  return p.stop().bytes();
}

const replaced = (key: string, value: (p: P) => P): Entry[] => RESOURCE.map(([k, v]) => [k, k === key ? value : v]);
const without = (key: string): Entry[] => RESOURCE.filter(([k]) => k !== key);

// A CRF built with model_filename (its resource not automatic, `name` a path the library opens only to predict) is
// reported: the effect model derived from __setstate__'s source has `name` reach open() whatever the state holds.
const BENIGN: [string, (p: P) => P][] = [
  ['a fitted CRF with its automatic model file', (p) => dict(p, RESOURCE)],
  ['an unfitted CRF (no model file embedded)', (p) => dict(p, without('__FILE_RESOURCE_DATA__'))],
  ['0.1 - 0.3 state (no fd entry)', (p) => dict(p, without('fd'))],
];

const HOSTILE: [string, (p: P) => P, RegExp][] = [
  [
    "an absolute prefix (mkstemp writes the stream's bytes into that folder)",
    (p) => dict(p, replaced('prefix', str('/home/user/.config/autostart/x-'))),
    /'prefix' holds a path separator/,
  ],
  [
    'a suffix with a path separator',
    (p) => dict(p, replaced('suffix', str('/../x.pth'))),
    /'suffix' holds a path separator/,
  ],
  [
    'a name on an automatic resource (its __del__ unlinks that path)',
    (p) =>
      dict(p, [...without('__FILE_RESOURCE_DATA__').filter(([k]) => k !== 'name'), ['name', str('/etc/important')]]),
    /name|open/,
  ],
  [
    'an attribute FileResource does not define (shadows cleanup, which __del__ calls)',
    (p) => dict(p, [...RESOURCE, ['cleanup', (q) => q.stackGlobal('builtins', 'print')]]),
    /'cleanup'|builtins\.print/,
  ],
  ["'auto' is not a literal bool", (p) => dict(p, replaced('auto', int(1))), /'auto' is not a literal bool/],
  ['the embedded data is text, not bytes', (p) => dict(p, replaced('__FILE_RESOURCE_DATA__', str('x'))), /not bytes/],
  ["no 'auto' entry (an earlier state would decide)", (p) => dict(p, without('auto')), /lacks 'auto' or 'name'/],
  ['the state is a list', (p) => p.emptyList(), /not a plain dict/],
];

describe('sklearn-crfsuite history pack: the state sklearn-crfsuite writes passes, naming the packs', () => {
  for (const [why, resource] of BENIGN) {
    it(why, async () => {
      const { blocking, admitted } = await verdict(crf(resource));
      assert.deepEqual(blocking, []);
      const packs = new Map(admitted.map((a) => [a.name, a.pack]));
      assert.equal(packs.get('sklearn_crfsuite.estimator.CRF'), 'sklearn-crfsuite');
      assert.equal(packs.get('sklearn_crfsuite._fileresource.FileResource'), 'sklearn-crfsuite');
      assert.equal(packs.get('pycrfsuite._logparser.TrainLogParser'), 'python-crfsuite');
    });
  }
});

describe('sklearn-crfsuite history pack: off-shape FileResource states stay blocked', () => {
  for (const [why, resource, expect] of HOSTILE) {
    it(why, async () => {
      const { blocking } = await verdict(crf(resource));
      assert.ok(
        blocking.some((s) => expect.test(s) && s.includes('FileResource')),
        blocking.join(' | '),
      );
    });
  }
});

describe('fileResourceStateProblem', () => {
  it('a name on a resource that is not automatic is kept (the library opens it only to predict)', () => {
    assert.equal(
      fileResourceStateProblem({ k: 9, keys: ['name', 'auto'], vals: ['/m.crfsuite', { k: 2 }], n: 2 } as never),
      undefined,
    );
  });
  it('a long prefix is refused', () => {
    const long = 'p'.repeat(65);
    assert.match(
      fileResourceStateProblem({
        k: 9,
        keys: ['name', 'auto', 'prefix'],
        vals: [{ k: 0 }, { k: 1 }, long],
        n: 3,
      } as never) ?? '',
      /longer than 64/,
    );
  });
});

interface RealFile {
  readonly repository: string;
  readonly commit: string;
  readonly path: string;
  readonly sha256: string;
}
const { present, skip } = mirroredManifest<RealFile>(
  new URL('../../fixtures/real-world/sklearn-crfsuite-manifest.json', import.meta.url),
  'no real sklearn-crfsuite pickle present',
);

describe('real sklearn-crfsuite pickles of public projects', { skip }, () => {
  for (const { e, bytes } of present) {
    it(`${e.repository} ${e.path} passes`, async () => {
      assert.equal(createHash('sha256').update(bytes).digest('hex'), e.sha256);
      assert.deepEqual((await verdict(bytes)).blocking, []);
    });
  }
});
