// Turns the value a pickle returns (the VM's value-keeping mode) into a data tree, honouring only a strict set of
// reconstructions as data: torch's tensor rebuild functions over persistent-id storages (torch/_utils.py,
// torch/_tensor.py), collections.OrderedDict, numpy arrays (_reconstruct + state, _frombuffer, joblib's
// NumpyArrayWrapper), numpy scalars, and the pickle's own containers and scalars. Anything else — any other
// callable, an import derived through getattr, a call forwarded through partial — is "dropped" with what it was,
// so the tree depends only on data, never on what a named callable would do.
import { parseNumpyTypestr, type NumpyDtype } from '../../formats/npy/dtype.js';
import { torchDtype, type TorchDtype } from '../../formats/pytorch/dtypes.js';
import { MemorySource, type ByteSource } from '../../sources/byte-source.js';
import type { ImportFact } from '../pickle/facts.js';
import { K, type BytesV, type DictV, type ObjV, type PyVal } from '../pickle/values.js';
import { contiguousStrides, numel, type Node, type Plain, type StorageData, type TensorRef } from './tree.js';

/** A storage named by a persistent id. */
export interface ResolvedStorage {
  readonly data: StorageData;
  /** The storage class's element type; 'untyped' for `torch.UntypedStorage` (bytes). */
  readonly element: TorchDtype | 'untyped';
  /** Extra offset in elements (legacy views of a larger storage). */
  readonly offset: number;
  /** Elements the storage holds (bytes for untyped storages). */
  readonly numel: number;
}

export interface RebuildContext {
  /** The source the pickle was read from (inline array bytes live there). */
  readonly src: ByteSource;
  /** torch's persistent_load: the storage a persistent id names, or why it cannot be read. */
  readonly resolveStorage?: (pid: PyVal) => ResolvedStorage | string;
  /** Values visited before the tree is refused as too large (shared references count each time). */
  readonly maxNodes?: number;
}

/** The tree would exceed maxNodes (a value graph whose shared references expand without bound). */
export class TreeLimitError extends Error {}

const MAX_DEPTH = 200;
const DEFAULT_MAX_NODES = 5_000_000;

const TORCH_REBUILD = new Set([
  'torch._utils._rebuild_tensor',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_tensor_v3',
]);
const TORCH_PARAMETER = new Set(['torch._utils._rebuild_parameter', 'torch._utils._rebuild_parameter_with_state']);
const TORCH_TENSOR_TYPES = new Set(['torch._tensor.Tensor', 'torch.Tensor', 'torch.nn.parameter.Parameter']);
/** Tensor rebuilds torch knows but safetensors cannot hold: recognised so the error names them. */
const TORCH_UNSUPPORTED: ReadonlyMap<string, string> = new Map([
  ['torch._utils._rebuild_qtensor', 'a quantized tensor'],
  ['torch._utils._rebuild_sparse_tensor', 'a sparse tensor'],
  ['torch._utils._rebuild_sparse_csr_tensor', 'a sparse CSR tensor'],
  ['torch._utils._rebuild_nested_tensor', 'a nested tensor'],
  ['torch._utils._rebuild_meta_tensor_no_storage', 'a meta tensor (it has no data)'],
  ['torch._utils._rebuild_wrapper_subclass', 'a tensor subclass without storage'],
  ['torch._utils._rebuild_device_tensor_from_numpy', 'a device tensor rebuilt from numpy'],
  ['torch._utils._rebuild_device_tensor_from_cpu_tensor', 'a device tensor'],
  ['torch._utils._rebuild_xla_tensor', 'an XLA tensor'],
  ['torch._utils._rebuild_mtia_tensor', 'an MTIA tensor'],
]);
const NUMPY_RECONSTRUCT = new Set(['numpy.core.multiarray._reconstruct', 'numpy._core.multiarray._reconstruct']);
const NUMPY_FROMBUFFER = new Set(['numpy.core.numeric._frombuffer', 'numpy._core.numeric._frombuffer']);
const NUMPY_SCALAR = new Set(['numpy.core.multiarray.scalar', 'numpy._core.multiarray.scalar']);
const JOBLIB_WRAPPER = new Set([
  'joblib.numpy_pickle.NumpyArrayWrapper',
  'sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper',
]);
/** Byte strings pickle writes as literals (protocol ≥ 3) or as `_codecs.encode(str, 'latin1')` (protocol ≤ 2). */
const LITERAL_BYTES = new Set(['BINBYTES', 'SHORT_BINBYTES', 'BINBYTES8', 'BYTEARRAY8']);
const LATIN1_BYTES = /^_codecs\.encode\(str, '(latin1|latin-1|iso-8859-1)'\)$/i;

/** Builds the data tree of a pickled value. Throws TreeLimitError when it expands beyond maxNodes. */
export function buildTree(value: PyVal, ctx: RebuildContext): Node {
  return new Builder(ctx).node(value, 0);
}

function dropped(what: string): Node {
  return { t: 'dropped', what };
}

/** The exact name find_class imports for a value that is a direct import (not derived, not an extension code). */
function importedName(v: PyVal | undefined): string | undefined {
  if (v === undefined || typeof v !== 'object' || v.k !== K.Global) return undefined;
  const imp: ImportFact = v.imp;
  if (imp.derivedVia !== undefined || imp.unresolved !== undefined || imp.ext !== undefined) return undefined;
  return `${imp.importedModule}.${imp.importedName}`;
}

function describe(v: PyVal): string {
  if (typeof v !== 'object') return typeof v;
  switch (v.k) {
    case K.Global:
      return `a reference to ${v.imp.importedModule}.${v.imp.importedName}`;
    case K.Obj: {
      const name = importedName(v.callee);
      if (name !== undefined) return `an object made by ${name}`;
      if (typeof v.callee === 'object' && v.callee.k === K.Global)
        return `an object made by ${v.callee.imp.importedModule}.${v.callee.imp.importedName} (resolved through ${v.callee.imp.derivedVia ?? 'a non-literal name'})`;
      return 'an object made by a computed callable';
    }
    case K.Pers:
      return 'a persistent id outside a tensor';
    case K.Bytes:
    case K.ByteArray:
      return 'a bytes value';
    case K.Set:
    case K.FrozenSet:
      return 'a set';
    case K.FileLike:
      return 'a file-like object';
    case K.Buffer:
      return 'an out-of-band buffer';
    case K.Str:
      return 'a string longer than 1 MiB';
    default:
      return 'a value the scanner could not determine';
  }
}

function items(v: PyVal | undefined): PyVal[] | undefined {
  if (v === undefined || typeof v !== 'object') return undefined;
  if (v.k === K.Tuple && v.more === 0) return v.items;
  if (v.k === K.List && v.items) return v.items;
  return undefined;
}

function intOf(v: PyVal | undefined): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined;
}

function intTuple(v: PyVal | undefined): number[] | undefined {
  const it = items(v);
  if (!it) return undefined;
  const out: number[] = [];
  for (const x of it) {
    const n = intOf(x);
    if (n === undefined || n < 0) return undefined;
    out.push(n);
  }
  return out;
}

function isEmptyMapping(v: PyVal | undefined): boolean {
  if (v === undefined || typeof v !== 'object') return v === undefined;
  if (v.k === K.None) return true;
  if (v.k === K.Dict) return v.keys.length === 0;
  if (v.k === K.Obj && importedName(v.callee) === 'collections.OrderedDict')
    return (v.items?.keys.length ?? 0) === 0 && (items(v.args)?.length ?? 0) === 0;
  return false;
}

/** A Python dict key as json.dumps writes it, or undefined for keys JSON cannot hold. */
function keyText(k: PyVal): string | undefined {
  if (typeof k === 'string') return k;
  if (typeof k === 'number' || typeof k === 'bigint') return String(k);
  if (k.k === K.True) return 'true';
  if (k.k === K.False) return 'false';
  if (k.k === K.None) return 'null';
  if (k.k === K.Float && 'v' in k) return floatText(k.v);
  return undefined;
}

/** A float as Python's json writes it (NaN/Infinity as Python does; integral values keep a '.0'). */
export function floatText(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  const s = String(v);
  return /[.eE]/.test(s) ? s : s + '.0';
}

/** Fortran-order strides. */
function fortranStrides(shape: readonly number[]): number[] {
  const out: number[] = [];
  let s = 1;
  for (const d of shape) {
    out.push(s);
    s *= d;
  }
  return out;
}

class Builder {
  private nodes = 0;
  private readonly max: number;
  private readonly active = new Set<object>();

  constructor(private readonly ctx: RebuildContext) {
    this.max = ctx.maxNodes ?? DEFAULT_MAX_NODES;
  }

  node(v: PyVal, depth: number): Node {
    if (++this.nodes > this.max)
      throw new TreeLimitError(`the pickled value expands to more than ${this.max} values (shared references)`);
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string') return { t: 'plain', value: v };
    switch (v.k) {
      case K.None:
        return { t: 'plain', value: null };
      case K.True:
        return { t: 'plain', value: true };
      case K.False:
        return { t: 'plain', value: false };
      case K.Float:
        return 'v' in v ? { t: 'plain', value: v.v, float: true } : dropped('a float whose value was not kept');
    }
    if (depth > MAX_DEPTH) return dropped(`a value nested deeper than ${MAX_DEPTH} levels`);
    if (v.k !== K.Tuple && v.k !== K.List && v.k !== K.Dict && v.k !== K.Obj) return dropped(describe(v));
    if (this.active.has(v)) return dropped('a recursive reference to a container that holds it');
    this.active.add(v);
    try {
      switch (v.k) {
        case K.Tuple:
        case K.List: {
          const it = items(v);
          if (!it) return dropped('a container whose items were not kept');
          return { t: 'seq', kind: v.k === K.Tuple ? 'tuple' : 'list', items: it.map((x) => this.node(x, depth + 1)) };
        }
        case K.Dict:
          return v.opaque ? dropped('a dict whose items were not kept') : this.map(v, undefined, undefined, depth);
        default:
          return this.obj(v, depth);
      }
    } finally {
      this.active.delete(v);
    }
  }

  private map(d: DictV | undefined, pairs: PyVal[] | undefined, state: PyVal | undefined, depth: number): Node {
    const entries: [string, Node][] = [];
    const add = (k: PyVal, val: PyVal): void => {
      const text = keyText(k);
      entries.push(
        text === undefined
          ? [`<key ${entries.length}>`, dropped(`an entry whose key is ${describe(k)}, which JSON cannot hold`)]
          : [text, this.node(val, depth + 1)],
      );
    };
    for (const p of pairs ?? []) {
      const kv = items(p);
      if (kv && kv.length === 2) add(kv[0]!, kv[1]!);
      else entries.push([`<item ${entries.length}>`, dropped('an OrderedDict item that is not a (key, value) pair')]);
    }
    if (d) for (let i = 0; i < d.keys.length; i++) add(d.keys[i]!, d.vals[i]!);
    // Python keeps the first position of a key and the last value written to it.
    const merged = new Map<string, Node>();
    for (const [k, n] of entries) merged.set(k, n);
    const attrs: [string, Node][] = [];
    if (state !== undefined && typeof state === 'object' && state.k === K.Dict && !state.opaque) {
      for (let i = 0; i < state.keys.length; i++) {
        const k = state.keys[i]!;
        if (typeof k === 'string') attrs.push([k, this.node(state.vals[i]!, depth + 1)]);
      }
    }
    return { t: 'map', entries: [...merged], attrs };
  }

  private obj(v: ObjV, depth: number): Node {
    const name = importedName(v.callee);
    if (name === undefined || v.through !== undefined || v.plantedSetstate !== undefined) return dropped(describe(v));
    const args = items(v.args);
    if (name === 'collections.OrderedDict') {
      const first = args?.[0];
      const pairs = first === undefined ? [] : items(first);
      if (!args || args.length > 1 || pairs === undefined) return dropped('an OrderedDict built from a non-literal');
      if (v.state !== undefined && !(typeof v.state === 'object' && (v.state.k === K.Dict || v.state.k === K.None)))
        return dropped('an OrderedDict with a non-dict state');
      return this.map(v.items, pairs, v.state, depth);
    }
    if (TORCH_REBUILD.has(name) || TORCH_PARAMETER.has(name) || name === 'torch._tensor._rebuild_from_type_v2') {
      if (v.state !== undefined) return this.tensorError(name, 'the tensor has BUILD state applied to it');
      return this.torch(name, args, depth);
    }
    const unsupported = TORCH_UNSUPPORTED.get(name);
    if (unsupported !== undefined) return this.tensorError(name, `${unsupported} has no safetensors form`);
    if (NUMPY_RECONSTRUCT.has(name)) return this.ndarrayReconstruct(v, args);
    if (NUMPY_FROMBUFFER.has(name)) return this.ndarrayFrombuffer(args);
    if (NUMPY_SCALAR.has(name)) return this.numpyScalar(args);
    if (JOBLIB_WRAPPER.has(name)) return this.joblibArray(v);
    return dropped(describe(v));
  }

  // ------------------------------------------------------------------ torch

  private tensorError(source: string, why: string): Node {
    return {
      t: 'tensor',
      ref: { source, itemsize: 1, shape: [], strides: [], offset: 0, unsupported: `${why} (${source})`, notes: [] },
    };
  }

  private torch(name: string, args: PyVal[] | undefined, depth: number): Node {
    if (!args) return this.tensorError(name, 'its arguments are not a tuple');
    if (TORCH_PARAMETER.has(name)) {
      const inner = args[0];
      if (inner === undefined || typeof inner !== 'object' || inner.k !== K.Obj)
        return this.tensorError(name, 'the parameter data is not a tensor');
      const t = this.node(inner, depth + 1);
      if (t.t !== 'tensor') return this.tensorError(name, 'the parameter data is not a tensor');
      const notes = [...t.ref.notes];
      if (!isEmptyMapping(args[2])) notes.push('parameter backward hooks are not kept');
      if (name.endsWith('_with_state') && !isEmptyMapping(args[3])) notes.push('parameter attributes are not kept');
      return { t: 'tensor', ref: { ...t.ref, notes } };
    }
    if (name === 'torch._tensor._rebuild_from_type_v2') {
      const func = importedName(args[0]);
      const type = importedName(args[1]);
      const inner = items(args[2]);
      if (
        func === undefined ||
        !TORCH_REBUILD.has(func) ||
        type === undefined ||
        !TORCH_TENSOR_TYPES.has(type) ||
        !inner
      )
        return this.tensorError(name, 'it rebuilds something other than a plain tensor or parameter');
      const t = this.torch(func, inner, depth);
      if (t.t === 'tensor' && !isEmptyMapping(args[3]))
        return { t: 'tensor', ref: { ...t.ref, notes: [...t.ref.notes, 'tensor attributes are not kept'] } };
      return t;
    }
    // _rebuild_tensor(storage, offset, size, stride); _v2 adds requires_grad, backward_hooks[, metadata];
    // _v3 adds dtype after backward_hooks (its storage is untyped).
    const [storage, offset, size, stride] = args;
    const v3 = name.endsWith('_v3');
    if (args.length < 4) return this.tensorError(name, 'it has too few arguments');
    if (storage === undefined || typeof storage !== 'object' || storage.k !== K.Pers)
      return this.tensorError(name, 'its storage is not a persistent-id storage');
    if (!this.ctx.resolveStorage) return this.tensorError(name, 'the format has no storages');
    const resolved = this.ctx.resolveStorage(storage.pid);
    if (typeof resolved === 'string') return this.tensorError(name, resolved);
    let element: TorchDtype | undefined;
    if (v3) {
      const dt = args[6];
      const imp = dt !== undefined && typeof dt === 'object' && dt.k === K.Global ? dt.imp : undefined;
      element = imp && importedName(dt) !== undefined ? torchDtype(imp.importedModule, imp.importedName) : undefined;
      if (resolved.element !== 'untyped' || element === undefined)
        return this.tensorError(name, 'its dtype argument is not a torch dtype over an untyped storage');
    } else if (resolved.element === 'untyped') {
      return this.tensorError(name, 'an untyped storage without a dtype');
    } else element = resolved.element;
    const off = intOf(offset);
    const shape = intTuple(size);
    const strides = intTuple(stride);
    if (off === undefined || off < 0 || !shape || !strides || shape.length !== strides.length)
      return this.tensorError(name, 'its offset, size or stride is not a tuple of non-negative integers');
    const notes: string[] = [];
    if (!v3 && args.length >= 6 && !isEmptyMapping(args[5])) notes.push('backward hooks are not kept');
    if (v3 && !isEmptyMapping(args[5])) notes.push('backward hooks are not kept');
    // Element counts of untyped storages are bytes.
    const storageElems =
      resolved.element === 'untyped' ? Math.floor(resolved.numel / element.itemsize) : resolved.numel;
    return this.tensor(
      {
        ...(element.dtype !== undefined ? { dtype: element.dtype } : {}),
        ...(element.unsupported !== undefined ? { unsupported: element.unsupported } : {}),
        source: element.torch,
        itemsize: element.itemsize,
        shape,
        strides,
        offset: off + resolved.offset,
        storage: resolved.data,
        notes,
      },
      storageElems + resolved.offset,
    );
  }

  /** Checks that every element of the view lies inside the storage. */
  private tensor(ref: TensorRef, storageElems: number): Node {
    const n = numel(ref.shape);
    if (!Number.isSafeInteger(n * ref.itemsize))
      return { t: 'tensor', ref: { ...ref, unsupported: ref.unsupported ?? 'its size overflows' } };
    if (n > 0) {
      let last = ref.offset;
      for (let i = 0; i < ref.shape.length; i++) last += (ref.shape[i]! - 1) * ref.strides[i]!;
      const needBytes = (last + 1) * ref.itemsize;
      const have = Math.min(storageElems * ref.itemsize, ref.storage?.bytes ?? 0);
      if (!Number.isSafeInteger(needBytes) || needBytes > have) {
        return {
          t: 'tensor',
          ref: {
            ...ref,
            unsupported:
              ref.unsupported ??
              `its view needs ${needBytes} bytes of storage ${ref.storage?.id ?? '?'}, which holds ${have}`,
          },
        };
      }
    }
    return { t: 'tensor', ref };
  }

  // ------------------------------------------------------------------ numpy

  private numpyDtype(v: PyVal | undefined): NumpyDtype | string {
    if (v === undefined || typeof v !== 'object' || v.k !== K.Obj) return 'its dtype is not a numpy.dtype';
    if (importedName(v.callee) !== 'numpy.dtype' || v.through !== undefined) return 'its dtype is not a numpy.dtype';
    const typestr = items(v.args)?.[0];
    if (typeof typestr !== 'string') return 'its dtype has no type string';
    const state = items(v.state);
    let order: string | undefined;
    if (state) {
      const bo = state[1];
      if (typeof bo === 'string') order = bo;
      const sub = state[2];
      const names = state[3];
      const notNone = (x: PyVal | undefined): boolean => x !== undefined && !(typeof x === 'object' && x.k === K.None);
      if (notNone(sub)) return `numpy dtype ${JSON.stringify(typestr)} is a subarray type`;
      if (notNone(names)) return `numpy dtype ${JSON.stringify(typestr)} is a structured type`;
    }
    const dt = parseNumpyTypestr(typestr, order);
    return dt ?? `numpy dtype ${JSON.stringify(typestr)} is not a simple type`;
  }

  /** Where literal array bytes are: in the stream (literal opcodes) or in memory (protocol-2 latin-1 strings). */
  private bytesData(v: PyVal | undefined, id: string): { src: ByteSource; start: number; bytes: number } | undefined {
    if (v === undefined || typeof v !== 'object') return undefined;
    if (v.k === K.Obj && importedName(v.callee) === 'builtins.bytes' && items(v.args)?.length === 0)
      return { src: new MemorySource({ chain: [id] }, new Uint8Array(0)), start: 0, bytes: 0 };
    if (v.k !== K.Bytes && v.k !== K.ByteArray) return undefined;
    const b: BytesV = v;
    if (LITERAL_BYTES.has(b.via) && b.off >= 0) return { src: this.ctx.src, start: b.off, bytes: b.len };
    if (LATIN1_BYTES.test(b.via) && b.data)
      return { src: new MemorySource({ chain: [id] }, b.data), start: 0, bytes: b.data.length };
    return undefined;
  }

  private array(
    source: string,
    dt: NumpyDtype | string,
    shape: number[] | undefined,
    fortran: boolean,
    data: ReturnType<Builder['bytesData']>,
    id: string,
  ): Node {
    if (typeof dt === 'string') return dropped(`a numpy array (${source}) whose dtype cannot be written: ${dt}`);
    if (!dt.numeric) return dropped(`a numpy array (${source}) of non-numeric dtype ${JSON.stringify(dt.descr)}`);
    if (!shape) return dropped(`a numpy array (${source}) whose shape is not a tuple of integers`);
    if (!data) return dropped(`a numpy array (${source}) whose data is not a literal bytes value`);
    const n = numel(shape);
    if (n * dt.itemsize !== data.bytes)
      return dropped(`a numpy array (${source}) whose data holds ${data.bytes} bytes, not ${n * dt.itemsize}`);
    return this.tensor(
      {
        ...(dt.dtype !== undefined ? { dtype: dt.dtype } : {}),
        ...(dt.unsupported !== undefined ? { unsupported: dt.unsupported } : {}),
        source: `numpy ${dt.bigEndian ? '>' : '<'}${dt.descr.replace(/^[<>|=]/, '')}`,
        itemsize: dt.itemsize,
        shape,
        strides: fortran ? fortranStrides(shape) : contiguousStrides(shape),
        offset: 0,
        storage: { id, src: data.src, start: data.start, bytes: data.bytes, bigEndian: dt.bigEndian },
        notes: [],
      },
      n,
    );
  }

  private ndarrayReconstruct(v: ObjV, args: PyVal[] | undefined): Node {
    if (importedName(args?.[0]) !== 'numpy.ndarray') return dropped('an ndarray subclass (numpy _reconstruct)');
    // ndarray.__setstate__: (version, shape, dtype, is_fortran, data), or the 4-tuple without version.
    let st = items(v.state);
    if (st && st.length === 5) st = st.slice(1);
    if (!st || st.length !== 4) return dropped('a numpy array without its (shape, dtype, order, data) state');
    const [shape, dtype, fortran, data] = st;
    const f = typeof fortran === 'object' && fortran.k === K.True;
    const id = `array@${typeof data === 'object' && 'off' in data ? data.off : '?'}`;
    return this.array('_reconstruct', this.numpyDtype(dtype), intTuple(shape), f, this.bytesData(data, id), id);
  }

  private ndarrayFrombuffer(args: PyVal[] | undefined): Node {
    // _frombuffer(buffer, dtype, shape, order)
    if (!args || args.length !== 4) return dropped('a numpy _frombuffer call with unexpected arguments');
    const [buf, dtype, shape, order] = args;
    const id = `array@${typeof buf === 'object' && 'off' in buf ? buf.off : '?'}`;
    if (order !== 'C' && order !== 'F') return dropped('a numpy _frombuffer call with an unknown order');
    return this.array(
      '_frombuffer',
      this.numpyDtype(dtype),
      intTuple(shape),
      order === 'F',
      this.bytesData(buf, id),
      id,
    );
  }

  private joblibArray(v: ObjV): Node {
    const st = v.state;
    if (st === undefined || typeof st !== 'object' || st.k !== K.Dict) return dropped('a joblib array without state');
    const get = (k: string): PyVal | undefined => {
      for (let i = st.keys.length - 1; i >= 0; i--) if (st.keys[i] === k) return st.vals[i];
      return undefined;
    };
    if (importedName(get('subclass')) !== 'numpy.ndarray') return dropped('a joblib array of an ndarray subclass');
    const order = get('order');
    if (order !== 'C' && order !== 'F') return dropped('a joblib array with an unknown order');
    if (!v.array) return dropped('a joblib array whose bytes are not raw data (object arrays are pickles)');
    const id = `joblib-array@${v.array.off}`;
    const data = { src: this.ctx.src, start: v.array.off, bytes: v.array.len };
    return this.array(
      'joblib NumpyArrayWrapper',
      this.numpyDtype(get('dtype')),
      intTuple(get('shape')),
      order === 'F',
      data,
      id,
    );
  }

  private numpyScalar(args: PyVal[] | undefined): Node {
    const dt = this.numpyDtype(args?.[0]);
    const data = this.bytesData(args?.[1], 'scalar');
    if (typeof dt === 'string' || dt.dtype === undefined || !data || data.bytes !== dt.itemsize)
      return dropped('a numpy scalar of a type JSON cannot hold');
    const raw = Buffer.from(data.src.read(data.start, data.bytes));
    if (dt.bigEndian) raw.reverse();
    const value = scalarValue(dt.dtype, raw);
    return dt.dtype.startsWith('F') ? { t: 'plain', value, float: true } : { t: 'plain', value };
  }
}

function scalarValue(dtype: string, b: Buffer): Plain {
  switch (dtype) {
    case 'BOOL':
      return b[0] !== 0;
    case 'U8':
      return b.readUInt8(0);
    case 'I8':
      return b.readInt8(0);
    case 'U16':
      return b.readUInt16LE(0);
    case 'I16':
      return b.readInt16LE(0);
    case 'U32':
      return b.readUInt32LE(0);
    case 'I32':
      return b.readInt32LE(0);
    case 'U64':
    case 'I64': {
      const v = dtype === 'U64' ? b.readBigUInt64LE(0) : b.readBigInt64LE(0);
      return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    }
    case 'F16':
      return half(b.readUInt16LE(0));
    case 'F32':
      return b.readFloatLE(0);
    default:
      return b.readDoubleLE(0);
  }
}

function half(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}
