// Semantic models of the few callables whose *result* matters for analysis: nested loaders (their bytes
// argument is scanned as a nested artifact), bytes producers (_codecs.encode, base64, zlib, BytesIO),
// name resolvers (getattr, import_module, pkgutil.resolve_name, attrgetter, methodcaller) and the
// copyreg extension registry. Nothing is executed: each model computes a symbolic result.
import { zlib } from '../../core/builtins.js';
import { dillLoadTypes, dillDataType } from './dill-types.js';
import type { ImportFact } from './facts.js';
import { keras2DeserializeFunctions, kerasUnpickleCalls } from './keras-unpickle.js';
import { K, type BytesV, type GlobalV, type ObjV, type PyVal, type TupleV } from './values.js';

/** What a nested loader reads from its first argument. */
export interface NestedLoaderModel {
  readonly takes: 'bytes' | 'file' | 'either';
  /** Payload format the loader expects ('pickle' is sniffed further: torch zip, npy, …; 'marshal' is code). */
  readonly format: 'pickle' | 'marshal' | 'any';
}

export const NESTED_LOADERS: Readonly<Record<string, NestedLoaderModel>> = {
  'pickle.loads': { takes: 'bytes', format: 'pickle' },
  'pickle._loads': { takes: 'bytes', format: 'pickle' },
  'pickle.load': { takes: 'file', format: 'pickle' },
  'pickle._load': { takes: 'file', format: 'pickle' },
  'pickle.Unpickler': { takes: 'file', format: 'pickle' },
  'pickle._Unpickler': { takes: 'file', format: 'pickle' },
  'dill.loads': { takes: 'bytes', format: 'pickle' },
  'dill.load': { takes: 'file', format: 'pickle' },
  'dill._dill.loads': { takes: 'bytes', format: 'pickle' },
  'dill._dill.load': { takes: 'file', format: 'pickle' },
  'cloudpickle.loads': { takes: 'bytes', format: 'pickle' },
  'cloudpickle.load': { takes: 'file', format: 'pickle' },
  'cloudpickle.cloudpickle.loads': { takes: 'bytes', format: 'pickle' },
  'joblib.load': { takes: 'file', format: 'any' },
  'joblib.numpy_pickle.load': { takes: 'file', format: 'any' },
  'numpy.load': { takes: 'file', format: 'any' },
  'numpy.lib.npyio.load': { takes: 'file', format: 'any' },
  'numpy.loads': { takes: 'bytes', format: 'pickle' },
  'numpy.core.numeric.loads': { takes: 'bytes', format: 'pickle' },
  'torch.load': { takes: 'file', format: 'any' },
  'torch.serialization.load': { takes: 'file', format: 'any' },
  'torch.serialization._load': { takes: 'either', format: 'any' },
  'torch.serialization._legacy_load': { takes: 'file', format: 'any' },
  'torch.storage._load_from_bytes': { takes: 'bytes', format: 'any' },
  'torch.jit.load': { takes: 'file', format: 'any' },
  'pandas.read_pickle': { takes: 'file', format: 'any' },
  'pandas.io.pickle.read_pickle': { takes: 'file', format: 'any' },
  'marshal.loads': { takes: 'bytes', format: 'marshal' },
  'marshal.load': { takes: 'file', format: 'marshal' },
};

/** TorchScript pickler helpers that return their first argument unchanged (torch/jit/_pickle.py). */
const IDENTITY_HELPERS: ReadonlySet<string> = new Set([
  'torch.jit._pickle.restore_type_tag',
  'torch.jit._pickle.build_intlist',
  'torch.jit._pickle.build_tensorlist',
  'torch.jit._pickle.build_doublelist',
  'torch.jit._pickle.build_boollist',
]);

/** Callables that turn a str/bytes argument into bytes without side effects (modelled statically). */
const BYTES_PRODUCERS = new Set([
  'codecs.encode',
  'base64.b64decode',
  'base64.standard_b64decode',
  'base64.urlsafe_b64decode',
  'base64.decodebytes',
  'base64.b16decode',
  'binascii.a2b_base64',
  'binascii.unhexlify',
  'binascii.a2b_hex',
  'builtins.bytes.fromhex',
  'zlib.decompress',
  'gzip.decompress',
  'builtins.bytes',
  'builtins.bytearray',
]);

export interface ModelContext {
  /** Materialise a bytes or str value (literal payloads are read back from the stream). */
  materialize(v: PyVal): Uint8Array | undefined;
  /** Record an import derived from a call chain; returns the symbolic object. */
  derive(module: string, name: string, via: string): GlobalV;
  nested(loader: ImportFact, bytes: Uint8Array, via: string, literal?: object): void;
  nestedUnknown(loader: ImportFact, why: string): void;
  registerExtension(code: number, module: string, name: string): void;
  readonly offset: number;
  readonly maxNestedBytes: number;
}

function arg(args: PyVal, i: number): PyVal | undefined {
  if (typeof args === 'object' && args.k === K.Tuple) return (args as TupleV).items[i];
  return undefined;
}

/**
 * The bytes literal of the stream a loader is handed (an immutable `bytes` the stream holds, in either spelling, or a
 * file object over one read from its start), else undefined: bytes decoded, decompressed or built by a call, a str,
 * a bytearray. A memo reference hands the same value again, so the value itself names the literal.
 */
function literalOf(v: PyVal | undefined): object | undefined {
  if (v === undefined || typeof v !== 'object') return undefined;
  if (v.k === K.Bytes) return v.off >= 0 || v.spelled === true ? v : undefined;
  if (v.k === K.FileLike) return v.pos ? undefined : literalOf(v.bytes);
  return undefined;
}

function bytesFrom(data: Uint8Array, via: string): BytesV {
  return { k: K.Bytes, off: -1, len: data.length, data, via };
}

function latin1Encode(s: string): Uint8Array | undefined {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) return undefined;
    out[i] = c;
  }
  return out;
}

function textOf(ctx: ModelContext, v: PyVal | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  const b = ctx.materialize(v);
  if (!b) return undefined;
  return new TextDecoder('latin1').decode(b);
}

type CallModel = (ctx: ModelContext, canonical: string, callee: ImportFact, args: PyVal) => PyVal | undefined;

function nestedLoad(ctx: ModelContext, canonical: string, callee: ImportFact, args: PyVal): undefined {
  const loader = NESTED_LOADERS[canonical]!;
  const a0 = arg(args, 0);
  let data: Uint8Array | undefined;
  let via = '';
  if (a0 !== undefined && typeof a0 === 'object' && a0.k === K.FileLike) {
    data = ctx.materialize(a0);
    via = `io.BytesIO(${a0.bytes.via})${a0.pos ? ` from position ${a0.pos}` : ''}`;
  } else if (a0 !== undefined && loader.takes !== 'file') {
    data = ctx.materialize(a0);
    via = typeof a0 === 'object' && (a0.k === K.Bytes || a0.k === K.ByteArray) ? a0.via : 'str';
  }
  if (data !== undefined) ctx.nested(callee, data, via, literalOf(a0));
  else ctx.nestedUnknown(callee, 'the argument is not a bytes value the scanner can reconstruct');
  return undefined;
}

/**
 * Keras's <model class>._unpickle_model(bytesio): zipfile reads the BytesIO's whole contents (it seeks to the end
 * record, whatever the position), so the whole contents are scanned as the nested archive.
 */
const kerasUnpickle: CallModel = (ctx, _canonical, callee, args) => {
  const a0 = arg(args, 0);
  const data = typeof a0 === 'object' && a0.k === K.FileLike ? ctx.materialize(a0.bytes) : undefined;
  if (data !== undefined && typeof a0 === 'object' && a0.k === K.FileLike)
    ctx.nested(callee, data, `io.BytesIO(${a0.bytes.via}) read as a .keras archive`, literalOf(a0.bytes));
  else ctx.nestedUnknown(callee, 'the argument is not an io.BytesIO over bytes the scanner can reconstruct');
  return undefined;
};

/**
 * Keras 2's deserialize_model_from_bytecode(b): b is written to a file that zipfile opens (it seeks to the end record),
 * so the whole bytes are scanned as the nested archive.
 */
const keras2Deserialize: CallModel = (ctx, _canonical, callee, args) => {
  const a0 = arg(args, 0);
  const data = typeof a0 === 'object' && a0.k === K.Bytes ? ctx.materialize(a0) : undefined;
  if (data !== undefined && typeof a0 === 'object' && a0.k === K.Bytes)
    ctx.nested(callee, data, `${a0.via} written to model.keras and read as a .keras archive`, literalOf(a0));
  else
    ctx.nestedUnknown(
      callee,
      typeof a0 === 'object' && a0.k === K.Obj
        ? 'the argument is an object, not bytes: Keras 2.7 - 2.10 hand the function a numpy array of a tar of a ' +
            'SavedModel directory, which this scanner does not read (save the model with model.save("model.keras") ' +
            'and scan that file)'
        : 'the argument is not bytes the scanner can reconstruct',
    );
  return undefined;
};

const bytesIo: CallModel = (_ctx, _canonical, _callee, args) => {
  const a0 = arg(args, 0);
  if (a0 === undefined) return { k: K.FileLike, bytes: bytesFrom(new Uint8Array(0), 'empty') };
  if (typeof a0 === 'object' && (a0.k === K.Bytes || a0.k === K.ByteArray)) return { k: K.FileLike, bytes: a0 };
  return undefined;
};

const getattrCall: CallModel = (ctx, _canonical, _callee, args) => {
  const obj = arg(args, 0);
  const name = arg(args, 1);
  if (typeof name === 'string' && obj !== undefined) return getattrModel(ctx, obj, name, 'getattr');
  return undefined;
};

const importCall: CallModel = (ctx, canonical, _callee, args) => {
  const name = arg(args, 0);
  if (typeof name === 'string') return ctx.derive(name, '<module>', canonical);
  return undefined;
};

/**
 * dill's `_load_type(<name of a builtin data type or object>)`: the builtin type itself, as a GLOBAL of builtins.<name> gives it
 * (dill-types.ts); any other argument keeps the generic result.
 */
const dillLoadType: CallModel = (ctx, canonical, _callee, args) => {
  const name = dillDataType(canonical, args);
  return name === undefined ? undefined : ctx.derive('builtins', name, canonical);
};

const ufuncReconstruct: CallModel = (ctx, canonical, _callee, args) => {
  // getattr(__import__(module, fromlist=[name]), name): the object a GLOBAL of the two names gives (a dotted name
  // raises AttributeError there; call-hooks.ts refuses any other shape).
  // Called with other than two arguments it raises TypeError before importing anything.
  if (typeof args !== 'object' || args.k !== K.Tuple || args.more > 0 || args.items.length !== 2) return undefined;
  const [module, name] = args.items;
  if (typeof module === 'string' && typeof name === 'string' && !name.includes('.'))
    return ctx.derive(module, name, canonical);
  return undefined;
};

const resolveName: CallModel = (ctx, canonical, _callee, args) => {
  const target = arg(args, 0);
  if (typeof target !== 'string' || canonical === 'pydoc.pipepager') return undefined;
  const colon = target.indexOf(':');
  if (colon >= 0) return ctx.derive(target.slice(0, colon), target.slice(colon + 1) || '<module>', canonical);
  const dot = target.lastIndexOf('.');
  return dot > 0
    ? ctx.derive(target.slice(0, dot), target.slice(dot + 1), canonical)
    : ctx.derive(target, '<module>', canonical);
};

const addExtension: CallModel = (ctx, _canonical, _callee, args) => {
  const m = arg(args, 0);
  const n = arg(args, 1);
  const c = arg(args, 2);
  if (typeof m === 'string' && typeof n === 'string' && typeof c === 'number') ctx.registerExtension(c, m, n);
  return undefined;
};

/**
 * The model of each callable modelCall models, by canonical name: one lookup per call, and none of the per-name tests
 * for the many calls (a tensor's or an array's reconstructor, a class) no model covers. Nested loaders first, then
 * bytes producers, then identity helpers, then the name resolvers: a name in two of them takes the first. Built on
 * the first call modelled (the Keras and dill tables it reads are parsed then).
 */
let callModels: ReadonlyMap<string, CallModel> | undefined;
const buildCallModels = (): ReadonlyMap<string, CallModel> => {
  const m = new Map<string, CallModel>();
  const add = (names: Iterable<string>, model: CallModel): void => {
    for (const n of names) if (!m.has(n)) m.set(n, model);
  };
  add(Object.keys(NESTED_LOADERS), nestedLoad);
  add(BYTES_PRODUCERS, (ctx, canonical, _callee, args) => produceBytes(ctx, canonical, args));
  // The object itself, whatever it is: a BUILD on the result reaches the argument's own __setstate__.
  add(IDENTITY_HELPERS, (_ctx, _canonical, _callee, args) => arg(args, 0));
  add(kerasUnpickleCalls().keys(), kerasUnpickle);
  add(keras2DeserializeFunctions().keys(), keras2Deserialize);
  add(['io.BytesIO'], bytesIo);
  add(['builtins.getattr'], getattrCall);
  add(['importlib.import_module', 'builtins.__import__', 'importlib.__import__'], importCall);
  add(dillLoadTypes().keys(), dillLoadType);
  add(['numpy.core._ufunc_reconstruct', 'numpy._core._ufunc_reconstruct'], ufuncReconstruct);
  add(['pkgutil.resolve_name', 'pydoc.locate', 'pydoc.pipepager'], resolveName);
  add(['copyreg.add_extension'], addExtension);
  return m;
};

/**
 * Models a call to `canonical` (callee canonical name) with `args`. Returns a replacement result value,
 * or undefined to keep the generic call-result object.
 */
export function modelCall(ctx: ModelContext, canonical: string, callee: ImportFact, args: PyVal): PyVal | undefined {
  const model = (callModels ??= buildCallModels()).get(canonical);
  return model === undefined ? undefined : model(ctx, canonical, callee, args);
}

/** getattr(obj, name) on an imported object: a derived import `module.name.attr`. */
export function getattrModel(ctx: ModelContext, obj: PyVal, name: string, via: string): PyVal | undefined {
  if (typeof obj !== 'object') return undefined;
  if (obj.k === K.Global) {
    const imp = obj.imp;
    const base = imp.importedName === '<module>' ? name : imp.importedName + '.' + name;
    return ctx.derive(imp.importedModule, base, via);
  }
  if (obj.k === K.Obj) {
    const root = rootGlobal(obj);
    if (root) return ctx.derive(root.imp.importedModule, `${root.imp.importedName}().${name}`, via + ' on an instance');
  }
  return undefined;
}

function rootGlobal(v: ObjV): GlobalV | undefined {
  let cur: PyVal = v;
  for (let i = 0; i < 64 && typeof cur === 'object'; i++) {
    if (cur.k === K.Global) return cur;
    if (cur.k !== K.Obj) return undefined;
    cur = cur.callee;
  }
  return undefined;
}

function produceBytes(ctx: ModelContext, canonical: string, args: PyVal): PyVal | undefined {
  // bytearray() makes an empty bytearray (pickle writes an empty one so).
  if (canonical === 'builtins.bytearray' && typeof args === 'object' && args.k === K.Tuple && args.more === 0)
    if (args.items.length === 0) return { k: K.ByteArray, off: -1, len: 0, data: new Uint8Array(0), via: canonical };
  const a0 = arg(args, 0);
  if (a0 === undefined) return undefined;
  try {
    switch (canonical) {
      case 'codecs.encode': {
        const enc = arg(args, 1);
        const s = typeof a0 === 'string' ? a0 : textOf(ctx, a0);
        if (s === undefined) return undefined;
        const e = typeof enc === 'string' ? enc.toLowerCase().replace(/[-_]/g, '') : 'utf8';
        if (e === 'latin1' || e === 'iso88591' || e === 'l1' || e === 'ascii') {
          const b = latin1Encode(s);
          if (!b) return undefined;
          const out = bytesFrom(b, `_codecs.encode(str, '${String(enc)}')`);
          const literal = typeof a0 === 'string' || (typeof a0 === 'object' && a0.k === K.Str && a0.off >= 0);
          return literal && e === 'latin1' ? { ...out, spelled: true } : out;
        }
        if (e === 'utf8') return bytesFrom(new TextEncoder().encode(s), `_codecs.encode(str, 'utf-8')`);
        return undefined;
      }
      case 'builtins.bytes.fromhex':
      case 'binascii.unhexlify':
      case 'binascii.a2b_hex':
      case 'base64.b16decode': {
        const s = textOf(ctx, a0)?.replace(/\s+/g, '');
        if (s === undefined || !/^(?:[0-9a-fA-F]{2})*$/.test(s)) return undefined;
        return bytesFrom(Uint8Array.from(Buffer.from(s, 'hex')), canonical);
      }
      case 'zlib.decompress':
      case 'gzip.decompress': {
        const b = ctx.materialize(a0);
        if (!b) return undefined;
        const out =
          canonical === 'zlib.decompress'
            ? zlib().inflateSync(b, { maxOutputLength: ctx.maxNestedBytes })
            : zlib().gunzipSync(b, { maxOutputLength: ctx.maxNestedBytes });
        return bytesFrom(new Uint8Array(out), canonical);
      }
      case 'builtins.bytes': {
        if (typeof a0 === 'object' && (a0.k === K.Bytes || a0.k === K.ByteArray)) return a0;
        return undefined;
      }
      case 'builtins.bytearray': {
        // A new bytearray holding the bytes (a value of its own: the stream may change it, not its argument).
        if (typeof a0 === 'object' && (a0.k === K.Bytes || a0.k === K.ByteArray))
          return { k: K.ByteArray, off: a0.off, len: a0.len, via: a0.via, ...(a0.data ? { data: a0.data } : {}) };
        return undefined;
      }
      default: {
        // base64 family
        const s = textOf(ctx, a0);
        if (s === undefined) return undefined;
        const norm = canonical === 'base64.urlsafe_b64decode' ? s.replace(/-/g, '+').replace(/_/g, '/') : s;
        return bytesFrom(Uint8Array.from(Buffer.from(norm, 'base64')), canonical);
      }
    }
  } catch {
    return undefined;
  }
}
