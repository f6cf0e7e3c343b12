// The fixed workloads of the CI performance budget (scripts/perf-budget.mjs), written deterministically in Node (the
// same bytes on every run, no Python): a 1 KB benign and a 1 KB malicious pickle, a 50 MB PyTorch zip checkpoint and
// a sparse 5 GB one (its storages are holes: no disk), a folder of small pickles of the seven kinds of the shared
// benchmark (configs, float lists, vocabularies, mixed tuples, NumPy arrays, state dicts of arrays, scikit-learn
// scalers; protocols 0-5, 1-5 KB) and a 10 MB opcode-dense pickle of small dicts, tuples, lists, strings and bytes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ByteArray, NewObj, Reduce, dict, dumps, float, frozenset, global, tuple } from './lib/pickler.mjs';
import { writeFilledTorchZip, writeSparseTorchZip } from './bench-torch-zip.mjs';
import { servingModule } from './perf-python-workload.mjs';

/** mulberry32: a small seeded generator (the workloads must not change between runs). */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    random: next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo)),
    choice: (xs) => xs[Math.floor(next() * xs.length)],
  };
}

/** The smallest padding n with dumps(make(n)) >= target bytes. */
function padTo(make, target) {
  let lo = 0;
  let hi = 4096;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (make(mid).length >= target) hi = mid;
    else lo = mid + 1;
  }
  return make(lo);
}

const LABELS = ['cat', 'dog', 'bird', 'fish', 'frog', 'horse', 'ship', 'truck', 'plane', 'car'];

/** A ~1 KB protocol-4 config dict (start-up latency). */
export function smallPickle() {
  return padTo(
    (n) =>
      dumps(
        dict([
          ['model', 'tiny-mlp'],
          ['version', 3],
          ['created', '2026-11-22'],
          [
            'hyper',
            dict([
              ['lr', 1e-3],
              ['batch', 32],
              ['epochs', 10],
              ['dropout', 0.1],
              ['seed', 1234],
            ]),
          ],
          ['layers', [64, 32, 10]],
          ['labels', LABELS],
          [
            'metrics',
            dict([
              ['acc', 0.9312],
              ['loss', 0.2171],
              ['f1', tuple(0.91, 0.93, 0.95)],
            ]),
          ],
          ['notes', 'n'.repeat(n)],
        ]),
        4,
      ),
    1024,
  );
}

/** A ~1 KB protocol-4 dict whose `hook` is posix.system('id') by REDUCE (the shape of a malicious __reduce__). */
export function evilPickle() {
  return padTo(
    (n) =>
      dumps(
        dict([
          ['model', 'tiny-mlp'],
          ['layers', [64, 32, 10]],
          ['labels', LABELS],
          ['hook', new Reduce(global('posix', 'system'), tuple('id'))],
          ['notes', 'n'.repeat(n)],
        ]),
        4,
      ),
    1024,
  );
}

// --- NumPy's pickles (numpy 1.x): dtypes, arrays (protocol 5 in band by _frombuffer), scalars
const DTYPES = [
  { name: 'f4', size: 4, put: (b, o, x) => b.writeFloatLE(x, o) },
  { name: 'f8', size: 8, put: (b, o, x) => b.writeDoubleLE(x, o) },
  { name: 'i8', size: 8, put: (b, o, x) => b.writeBigInt64LE(BigInt(Math.trunc(x)), o) },
  { name: 'i2', size: 2, put: (b, o, x) => b.writeInt16LE(Math.max(-32768, Math.min(32767, Math.trunc(x))), o) },
];

class NumPy {
  constructor(proto) {
    this.proto = proto;
    this.dtypes = new Map();
  }
  /** One object per dtype per pickle, as NumPy's built-in dtypes are (the second use is a memo GET). */
  dtype(d) {
    let r = this.dtypes.get(d.name);
    if (!r) {
      r = new Reduce(global('numpy', 'dtype'), tuple(d.name, false, true), tuple(3, '<', null, null, null, -1, -1, 0));
      this.dtypes.set(d.name, r);
    }
    return r;
  }
  array(d, values) {
    const raw = Buffer.alloc(values.length * d.size);
    values.forEach((x, i) => d.put(raw, i * d.size, x));
    if (this.proto >= 5)
      return new Reduce(
        global('numpy.core.numeric', '_frombuffer'),
        tuple(new ByteArray(raw), this.dtype(d), tuple(values.length), 'C'),
      );
    return new Reduce(
      global('numpy.core.multiarray', '_reconstruct'),
      tuple(global('numpy', 'ndarray'), tuple(0), Buffer.from('b')),
      tuple(1, tuple(values.length), this.dtype(d), false, raw),
    );
  }
  scalar(d, x) {
    const raw = Buffer.alloc(d.size);
    d.put(raw, 0, x);
    return new Reduce(global('numpy.core.multiarray', 'scalar'), tuple(this.dtype(d), raw));
  }
}

const normal = (r) => Math.sqrt(-2 * Math.log(1 - r.random())) * Math.cos(2 * Math.PI * r.random());

/** The object of one small pickle of `kind`, its size growing with n. */
function manyObject(kind, n, seed, proto) {
  const r = rng(seed);
  const np = new NumPy(proto);
  switch (kind) {
    case 'config':
      return dict([
        ['name', `run-${seed}`],
        ['lr', r.choice([1e-2, 3e-3, 1e-3, 3e-4])],
        ['layers', [0, 1, 2, 3].map(() => r.int(8, 1024))],
        ['tags', [0, 1, 2].map(() => `t${r.int(0, 100)}`)],
        [
          'history',
          Array.from({ length: n }, (_, e) =>
            dict([
              ['epoch', e],
              ['loss', float(r.random())],
              ['acc', float(r.random())],
            ]),
          ),
        ],
      ]);
    case 'floats':
      return Array.from({ length: n }, () => float(r.random() * 2 - 1));
    case 'strings':
      return dict([
        ['vocab', Array.from({ length: n }, (_, i) => `w${i}_${'abcdefgh'.slice(0, r.int(1, 8))}`)],
        ['unk', 0],
        ['pad', 1],
      ]);
    case 'mixed':
      return tuple(
        ...Array.from({ length: n }, () => {
          switch (r.int(0, 8)) {
            case 0:
              return null;
            case 1:
              return true;
            case 2:
              return false;
            case 3:
              return r.int(-1e6, 1e6);
            case 4:
              return float(r.random());
            case 5:
              return `s${r.int(0, 1e6)}`;
            case 6:
              return tuple(r.int(0, 9), r.int(0, 9));
            default:
              return frozenset([...new Set([r.int(0, 50), r.int(0, 50)])]);
          }
        }),
      );
    case 'ndarray':
      return dict([
        [
          'w',
          np.array(
            DTYPES[seed % 4],
            Array.from({ length: n }, () => normal(r) * 100),
          ),
        ],
        ['step', seed],
      ]);
    case 'state_dict': {
      const items = [];
      for (let i = 0; i < Math.max(1, n >> 4); i++)
        items.push([
          `layer${i}.weight`,
          np.array(
            DTYPES[0],
            Array.from({ length: 16 }, () => normal(r)),
          ),
        ]);
      items.push(['num_batches_tracked', n]);
      return new Reduce(global('collections', 'OrderedDict'), tuple(), undefined, items);
    }
    case 'sklearn': {
      const f = Math.max(1, n);
      const vec = () =>
        np.array(
          DTYPES[1],
          Array.from({ length: f }, () => normal(r)),
        );
      return new NewObj(
        global('sklearn.preprocessing._data', 'StandardScaler'),
        tuple(),
        dict([
          ['with_mean', true],
          ['with_std', true],
          ['copy', true],
          ['n_features_in_', f],
          ['n_samples_seen_', np.scalar(DTYPES[2], 8)],
          ['mean_', vec()],
          ['var_', vec()],
          ['scale_', vec()],
          ['_sklearn_version', '1.2.1'],
        ]),
      );
    }
    default:
      throw new Error(kind);
  }
}

/** The seven kinds of the shared benchmark's folder of small pickles, with the protocols each is written at. */
export const MANY_KINDS = [
  ['config', [0, 1, 2, 3, 4, 5]],
  ['floats', [1, 2, 3, 4, 5]],
  ['strings', [0, 2, 4, 5]],
  ['mixed', [2, 3, 4, 5]],
  ['ndarray', [3, 4, 5]],
  ['state_dict', [3, 4, 5]],
  ['sklearn', [4, 5]],
];

/** Writes `count` small pickles (f00000.pkl …) into `dir`, cycling through the kinds; returns their total size. */
export function writeManyPickles(dir, count) {
  mkdirSync(dir, { recursive: true });
  const r = rng(3);
  let total = 0;
  for (let i = 0; i < count; i++) {
    const [kind, protos] = MANY_KINDS[i % MANY_KINDS.length];
    const proto = r.choice(protos);
    const target = r.int(1024, 5121);
    const seed = 300_000 + i;
    let lo = 1;
    let hi = 1024;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (dumps(manyObject(kind, mid, seed, proto), proto).length >= target) hi = mid;
      else lo = mid + 1;
    }
    const data = dumps(manyObject(kind, lo, seed, proto), proto);
    writeFileSync(join(dir, `f${String(i).padStart(5, '0')}.pkl`), data);
    total += data.length;
  }
  return total;
}

/** A protocol-4 list of small records (dicts, tuples, lists, strings, bytes; 64 KiB frames) of about `bytes`. */
export function densePickle(bytes) {
  const r = rng(2);
  const record = (i) => {
    switch (i % 5) {
      case 0:
        return dict([
          ['id', i],
          ['name', `item${i}`],
          ['score', float(r.random())],
          ['ok', (i & 1) === 1],
        ]);
      case 1:
        return tuple(i, -i, `x${i.toString(16)}`, null);
      case 2:
        return [(i * 7919) % 65536, 'tag', 2n ** 40n + BigInt(i), 1.5];
      case 3:
        return Buffer.from(`b${i % 1000}`);
      default:
        return `str${i}`;
    }
  };
  // ~28 bytes a record: size the list from a sample, then once more from the real size.
  const sample =
    dumps(
      Array.from({ length: 20000 }, (_, i) => record(i)),
      4,
    ).length / 20000;
  const count = Math.floor(bytes / sample);
  return dumps(
    Array.from({ length: count }, (_, i) => record(i)),
    4,
  );
}

/** GPT-2-shaped tensor counts: 12 per block and 4 more (embeddings, final layer norm). */
const CKPT_50MB = { tensors: 160, storageBytes: 312_500 };
const CKPT_5GB = { tensors: 580, storageBytes: 8_620_688 };

/** Writes every workload into `dir`; returns { name: path }. */
export function writeWorkloads(dir, { manyCount = 1000 } = {}) {
  mkdirSync(dir, { recursive: true });
  const paths = {
    small: join(dir, 'small.pkl'),
    evil: join(dir, 'evil_small.pkl'),
    ckpt50: join(dir, 'ckpt_50mb.pt'),
    ckpt5g: join(dir, 'ckpt_5gb.pt'),
    many: join(dir, 'many'),
    dense: join(dir, 'dense.pkl'),
    // A loose script in a folder of its own: named alone, it is a project of itself (no package around it).
    serving: join(dir, 'py', 'serving.py'),
  };
  writeFileSync(paths.small, smallPickle());
  writeFileSync(paths.evil, evilPickle());
  writeFilledTorchZip(paths.ckpt50, CKPT_50MB.tensors, CKPT_50MB.storageBytes);
  writeSparseTorchZip(paths.ckpt5g, CKPT_5GB.tensors, CKPT_5GB.storageBytes);
  writeManyPickles(paths.many, manyCount);
  writeFileSync(paths.dense, densePickle(10 * 1000 * 1000));
  mkdirSync(join(dir, 'py'));
  writeFileSync(paths.serving, servingModule());
  return paths;
}
