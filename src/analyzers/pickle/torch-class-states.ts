// torch's native custom classes in TorchScript archives. A frozen model (torch.jit.freeze) or a mobile-optimised one
// stores objects of the classes torch registers in C++ (`__torch__.torch.classes.<ns>.<Class>`, NEWOBJ + BUILD in
// constants.pkl or data.pkl); torch.jit.load (and torch.load, with or without weights_only, which hands a TorchScript
// archive to it) runs the class's native __setstate__ on the state, and some of those hand numbers to native code
// unchecked. The quantized convolution packed parameters take the stride, padding, dilation, output padding and
// groups from the state and call the conv prepack, which divides by them: a zero kills the process (SIGFPE). Torch
// 1.13 serialises them as ('2', [config, weight], [bias]) with the numbers in `config`, an int16 tensor whose bytes
// are a record of the archive; older archives as (weight, bias, [stride tensors], [padding tensors], [dilation
// tensors], groups tensor); the int form (3, [numbers], [None, weight, bias]) is read too. The numbers are read from
// the record bytes by the storage's dtype and held to what torch writes. Classes whose state torch validates itself
// (XNNPACK contexts check stride, dilation and groups and raise) or carries no numbers (quantized linear: weight and
// bias) are admitted with the shape torch writes, as are a dynamic-quantized RNN cell's parameters (type string,
// biases, the two packed linear objects) and quantized embedding parameters (a per-row quantized weight whose scales
// and zero points the prepack reads one per row without a bound: their count must be the row count). Every other
// registered class (sparse linear, oneDNN contexts, any name torch may add) has no model here and is reported, as
// is a state whose tensor record cannot be read.
import { storageClassDtype } from '../../formats/pytorch/dtypes.js';
import { K, kindName, type ObjV, type PyVal } from './values.js';

/** Reads `length` bytes at byte `start` of the storage record a persistent-id key names, or says why it cannot. */
export type StorageReader = (key: string, start: number, length: number) => Uint8Array | string;

/** The prefix of the native custom classes in TorchScript pickles. */
export const CUSTOM_CLASS_PREFIX = '__torch__.torch.classes.';

/** Whether `canonical` names one of torch's native custom classes in a TorchScript pickle. */
export function isTorchCustomClass(canonical: string): boolean {
  return canonical.startsWith(CUSTOM_CLASS_PREFIX);
}

/** Integer element types by torch dtype name: [bytes, signed]. */
const INT_TYPES: ReadonlyMap<string, readonly [number, boolean]> = new Map([
  ['torch.int8', [1, true]],
  ['torch.uint8', [1, false]],
  ['torch.int16', [2, true]],
  ['torch.int32', [4, true]],
  ['torch.int64', [8, true]],
]);
/** Config tensors are a handful of numbers; a longer one is not what torch writes. */
const MAX_CONFIG_ITEMS = 64;
const TENSOR_REBUILDS = new Set(['torch._utils._rebuild_tensor', 'torch._utils._rebuild_tensor_v2']);
const QTENSOR_REBUILD = 'torch._utils._rebuild_qtensor';

function isInt(v: PyVal): v is number | bigint {
  return typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v));
}

function calleeName(v: PyVal): string | undefined {
  return typeof v === 'object' && v.k === K.Obj && typeof v.callee === 'object' && v.callee.k === K.Global
    ? v.callee.imp.canonical
    : undefined;
}

function tupleItems(v: PyVal): PyVal[] | undefined {
  return typeof v === 'object' && v.k === K.Tuple && v.more === 0 ? v.items : undefined;
}

/** The tensors of a list the state holds (scan mode keeps objects), or undefined when some may be missing. */
function listTensors(v: PyVal): PyVal[] | undefined {
  if (typeof v !== 'object') return undefined;
  if (v.k === K.Tuple) return v.more === 0 ? v.items : undefined;
  if (v.k !== K.List) return undefined;
  if (v.items !== undefined) return v.items;
  if (v.objsMore === true || v.objsLost === true) return undefined;
  return v.objs ?? [];
}

/** The ints of a list when the analysis kept them, else undefined. */
function listInts(v: PyVal): bigint[] | undefined {
  const items = typeof v === 'object' && v.k === K.List ? v.items : tupleItems(v);
  if (items === undefined || !items.every(isInt)) return undefined;
  return items.map((x) => BigInt(x));
}

/** The elements of a 1-D integer tensor rebuilt from a storage record, read from the record's bytes. */
export function tensorInts(v: PyVal, read: StorageReader | undefined): bigint[] | string {
  const name = calleeName(v);
  if (name === undefined || !TENSOR_REBUILDS.has(name)) return 'a value that is not a plain tensor rebuild';
  const args = tupleItems((v as ObjV).args);
  const pers = args?.[0];
  if (args === undefined || args.length < 4 || typeof pers !== 'object' || pers.k !== K.Pers)
    return 'a tensor rebuild the analysis cannot read';
  const pid = tupleItems(pers.pid);
  const cls = pid?.[1];
  const key = pid?.[2];
  if (pid === undefined || pid.length !== 5 || typeof cls !== 'object' || cls.k !== K.Global || typeof key !== 'string')
    return "a tensor whose persistent id is not torch's storage tuple";
  const dtype = storageClassDtype(cls.imp.canonicalModule, cls.imp.canonical.slice(cls.imp.canonicalModule.length + 1));
  const int = dtype === undefined || dtype === 'untyped' ? undefined : INT_TYPES.get(dtype.torch);
  if (int === undefined) return `a tensor of ${cls.imp.canonical}, not an integer storage`;
  const [offset, size, stride, numel] = [args[1]!, tupleItems(args[2]!), tupleItems(args[3]!), pid[4]!];
  if (!isInt(offset) || size?.length !== 1 || stride?.length !== 1 || !isInt(size[0]!) || !isInt(stride[0]!))
    return 'a tensor that is not one-dimensional with integer offset, size and stride';
  if (!isInt(numel)) return 'a storage without an integer element count';
  const n = Number(size[0]);
  const [at, step, count] = [Number(offset), Number(stride[0]), Number(numel)];
  if (n < 0 || n > MAX_CONFIG_ITEMS) return `a tensor of ${n} elements, more than torch writes there`;
  if (!read) return `a tensor in storage record ${JSON.stringify(key)}, which this reading cannot open`;
  const [bytes, signed] = int;
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) {
    const idx = at + i * step;
    if (idx < 0 || idx >= count) return `a tensor reaching element ${idx} of a storage of ${count}`;
    const b = read(key, idx * bytes, bytes);
    if (typeof b === 'string') return `a tensor in storage record ${JSON.stringify(key)}: ${b}`;
    if (b.length !== bytes)
      return `a tensor in storage record ${JSON.stringify(key)}, which is shorter than its elements`;
    let x = 0n;
    for (let j = bytes - 1; j >= 0; j--) x = (x << 8n) | BigInt(b[j]!);
    out.push(signed ? BigInt.asIntN(bytes * 8, x) : x);
  }
  return out;
}

/** The parameter rebuilds torch.save writes around a tensor rebuild (their first argument is the tensor). */
const PARAMETER_REBUILDS = new Set(['torch._utils._rebuild_parameter', 'torch._utils._rebuild_parameter_with_state']);

/** The size tuple of a (quantized) tensor rebuild, or of the one a parameter rebuild wraps, or undefined. */
function tensorSize(v: PyVal): bigint[] | undefined {
  if (PARAMETER_REBUILDS.has(calleeName(v) ?? '')) v = tupleItems((v as ObjV).args)?.[0] ?? 0;
  const name = calleeName(v);
  if (name === undefined || (!TENSOR_REBUILDS.has(name) && name !== QTENSOR_REBUILD)) return undefined;
  const size = tupleItems(tupleItems((v as ObjV).args)?.[2] ?? 0);
  return size?.every(isInt) ? size.map((x) => BigInt(x)) : undefined;
}

const isNone = (v: PyVal | undefined): boolean => typeof v === 'object' && v.k === K.None;

/** The convolution config torch's prepack takes: [spatial dim, stride×k, padding×k, dilation×k, out padding×k, groups, flags]. */
function convConfigProblem(cfg: readonly bigint[], k: number, weight: PyVal | undefined): string | undefined {
  if (cfg.length !== 4 * k + 3)
    return `a config of ${cfg.length} numbers (torch writes ${4 * k + 3} for ${k} spatial dimensions and reads exactly that many)`;
  const parts: [string, number, bigint][] = [
    ['stride', 1, 1n],
    ['padding', 1 + k, 0n],
    ['dilation', 1 + 2 * k, 1n],
    ['output_padding', 1 + 3 * k, 0n],
  ];
  for (const [name, from, least] of parts)
    for (let i = 0; i < k; i++) {
      const x = cfg[from + i]!;
      if (x < least || x > 32767n) return `${name} ${x} (torch writes at least ${least})`;
    }
  const groups = cfg[1 + 4 * k]!;
  const flags = cfg[2 + 4 * k]!;
  if (groups < 1n || groups > 32767n) return `groups ${groups} (torch writes at least 1)`;
  if (flags !== 0n && flags !== 1n) return `flags ${flags} (torch writes 0 or 1: transposed)`;
  const size = weight === undefined ? undefined : tensorSize(weight);
  if (size === undefined) return 'a weight the analysis cannot read as a tensor';
  if (size.length !== k + 2) return `a ${size.length}-dimensional weight for a ${k}-dimensional convolution`;
  // The weight's first dimension is the output channels (the input channels when transposed): groups divide it.
  const channels = size[0]!;
  if (channels % groups !== 0n) return `groups ${groups} that do not divide the weight's ${channels} channels`;
  return undefined;
}

function convStateProblem(state: PyVal, k: number, read: StorageReader | undefined): string | undefined {
  const items = tupleItems(state);
  if (items === undefined || items.length === 0) return 'a state that is not a tuple the analysis can read';
  const first = items[0]!;
  if (first === '2') {
    const tensors = items.length === 3 ? listTensors(items[1]!) : undefined;
    const optional = items.length === 3 ? listTensors(items[2]!) : undefined;
    if (tensors === undefined || tensors.length !== 2 || optional === undefined || optional.length > 1)
      return "a version-2 state that is not ('2', [config, weight], [bias])";
    const cfg = tensorInts(tensors[0]!, read);
    if (typeof cfg === 'string') return `a config that is ${cfg}`;
    return convConfigProblem(cfg, k, tensors[1]);
  }
  if (isInt(first)) {
    const cfg = items.length === 3 && BigInt(first) === 3n ? listInts(items[1]!) : undefined;
    const tensors = items.length === 3 ? listTensors(items[2]!) : undefined;
    if (cfg === undefined || tensors === undefined || tensors.length !== 3 || !isNone(tensors[0]))
      return 'a version-3 state whose numbers the analysis does not hold';
    return convConfigProblem(cfg, k, tensors[1]);
  }
  if (calleeName(first) !== undefined) {
    if (items.length !== 6) return 'a version-1 state that is not six items';
    const cfg: bigint[] = [BigInt(k)];
    for (const at of [2, 3, 4]) {
      const list = listTensors(items[at]!);
      if (list === undefined || list.length !== k) return `a version-1 state whose item ${at} is not ${k} tensors`;
      for (const t of list) {
        const v = tensorInts(t, read);
        if (typeof v === 'string' || v.length === 0)
          return `a version-1 number that is ${typeof v === 'string' ? v : 'empty'}`;
        cfg.push(BigInt.asIntN(16, v[0]!));
      }
    }
    for (let i = 0; i < k; i++) cfg.push(0n);
    const g = tensorInts(items[5]!, read);
    if (typeof g === 'string' || g.length === 0)
      return `a version-1 groups that is ${typeof g === 'string' ? g : 'empty'}`;
    cfg.push(BigInt.asIntN(16, g[0]!), 0n);
    return convConfigProblem(cfg, k, first);
  }
  return 'a state torch does not read as any of its serialisations';
}

const isList = (v: PyVal): boolean => typeof v === 'object' && v.k === K.List;
/** A list that holds no object: its kept values (or the items kept as ones that may run code) are all numbers. */
function numbersOnly(v: PyVal): boolean {
  if (typeof v !== 'object' || v.k !== K.List) return false;
  if (v.items === undefined && (v.objsMore === true || v.objsLost === true)) return false;
  const number = (x: PyVal): boolean =>
    typeof x === 'number' || typeof x === 'bigint' || (typeof x === 'object' && x.k === K.Float);
  return (v.items ?? v.objs ?? []).every(number);
}
const isCustomObj = (v: PyVal): boolean =>
  typeof v === 'object' && v.k === K.Obj && calleeName(v)?.startsWith(CUSTOM_CLASS_PREFIX) === true;

/**
 * The RNN cell parameters of a dynamic-quantized LSTM/GRU: (type, tensors, doubles, longs, packed linear params).
 * Torch writes 'quantized_dynamic' with the two float biases and [reduce_range], and 'quantized_fp16' with no
 * tensors (the type strings its native serialiser writes and its deserialiser table is keyed by); both carry the two
 * packed linear parameters (input and hidden), whose own states are checked where they are built. The static
 * 'quantized' form needs torch's FBGEMM packing and is not modelled.
 */
function cellParamsProblem(state: PyVal): string | undefined {
  const items = tupleItems(state);
  if (items === undefined || items.length !== 5) return 'a state that is not the five-item tuple torch writes';
  const type = items[0];
  if (type !== 'quantized_dynamic' && type !== 'quantized_fp16')
    return (
      `a type string ${typeof type === 'string' ? JSON.stringify(type) : 'that is not a string'} (torch writes ` +
      "'quantized_dynamic' or 'quantized_fp16' for dynamic quantization)"
    );
  // The doubles and longs ([reduce_range]) are lists of numbers (the analysis keeps no value of them); an object there
  // is converted to a C number by the hook's argument conversion, which torch never writes.
  const [tensors, packed] = [listTensors(items[1]!), listTensors(items[4]!)];
  const nTensors = type === 'quantized_dynamic' ? 2 : 0;
  if (tensors === undefined || tensors.length !== nTensors || !tensors.every((t) => tensorSize(t)?.length === 1))
    return `tensors that are not the ${nTensors} one-dimensional biases torch writes`;
  if (!numbersOnly(items[2]!) || !numbersOnly(items[3]!)) return 'doubles or longs that are not lists of numbers';
  if (packed === undefined || packed.length !== 2 || !packed.every((p) => isCustomObj(p) || isPickledLinear(p)))
    return 'packed parameters that are not the two packed linear objects torch writes';
  return undefined;
}

/** torch._C.ScriptObject as torch.save pickles a TorchBind object (the class's __module__ is torch). */
export const SCRIPT_OBJECT = 'torch.ScriptObject';
const LINEAR_PARAMS = `${CUSTOM_CLASS_PREFIX}quantized.LinearPackedParamsBase`;
const CELL_PARAMS = `${CUSTOM_CLASS_PREFIX}rnn.CellParamsBase`;
/**
 * The registered classes whose objects torch.save writes as a ScriptObject: the packed parameters of quantized Linear
 * layers (their LinearPackedParams module's `_packed_params`, the RNN cells' `_packed_weight_ih/hh`) and of
 * dynamic-quantized LSTM/GRU layers (PackedParameter's `param`, also in their state_dict). Quantized convolutions
 * write their weights unpacked (their modules' own __getstate__), so their packed classes are not among them.
 */
const PICKLED_CLASSES: ReadonlySet<string> = new Set([LINEAR_PARAMS, CELL_PARAMS]);

/** A ScriptObject of the packed linear parameters made by NEWOBJ and given one BUILD with that class's name. */
function isPickledLinear(v: PyVal): boolean {
  if (typeof v !== 'object' || v.k !== K.Obj || calleeName(v) !== SCRIPT_OBJECT) return false;
  const states = v.states ?? (v.state === undefined ? [] : [v.state]);
  return states.length === 1 && tupleItems(states[0]!)?.[1] === LINEAR_PARAMS;
}

/**
 * Why a BUILD of a torch.ScriptObject with `state` is not what torch.save writes, or undefined. The object's native
 * __setstate__ takes a (state, qualified class name) pair, looks the name up among every class registered in C++
 * (any of torch's: the convolution packed parameters, whose prepack divides by the stride and groups it reads,
 * sparse and oneDNN contexts; or an extension's) and runs that class's native __setstate__ on the state converted to
 * its declared type. torch.save writes the name as a string, one of PICKLED_CLASSES, with the state that class's
 * serialiser writes; any other pair is reported, and the states are held to customClassStateProblem's models.
 */
export function scriptObjectStateProblem(state: PyVal, read: StorageReader | undefined): string | undefined {
  const items = tupleItems(state);
  if (items?.length !== 2) return 'a state that is not the (class state, class name) pair torch writes';
  const name = items[1]!;
  if (typeof name !== 'string')
    return kindName(name) === 'str'
      ? 'a class name string longer than the analysis keeps (torch writes one of its registered names)'
      : `a class name that is ${kindName(name)}, not a string the stream writes (torch writes the name)`;
  if (!PICKLED_CLASSES.has(name)) {
    const shown =
      name.length > 120 ? `${JSON.stringify(name.slice(0, 120))}... (${name.length} characters)` : JSON.stringify(name);
    return (
      `class ${shown}: the name is looked up among the classes registered in C++ and that class's native ` +
      `__setstate__ runs on the state; torch.save writes only ${[...PICKLED_CLASSES].join(' and ')} there`
    );
  }
  return customClassStateProblem(name, items[0]!, read);
}

/** Quantization schemes whose parameters are one scale and zero point per slice along an axis. */
const PER_CHANNEL = new Set([
  'torch.per_channel_affine',
  'torch.per_channel_symmetric',
  'torch.per_channel_affine_float_qparams',
]);

/**
 * The packed linear parameters' (weight, bias): a two-dimensional weight (quantized, or float for float16), a bias of
 * one element per output row or None (torch checks the count at prepack, and writes what it checked). A weight
 * quantized per channel carries one scale and zero point per output row (axis 0), which the prepack reads by row.
 */
function linearStateProblem(state: PyVal): string | undefined {
  const items = tupleItems(state);
  if (items?.length !== 2) return 'not a pair';
  const [w, bias] = items as [PyVal, PyVal];
  const size = tensorSize(w);
  if (size?.length !== 2) return 'a weight that is not a two-dimensional tensor';
  if (!isNone(bias)) {
    const b = tensorSize(bias);
    if (b?.length !== 1 || b[0] !== size[0]) return `a bias that is not one element for each of ${size[0]} rows`;
  }
  if (calleeName(w) !== QTENSOR_REBUILD) return undefined;
  const q = tupleItems(tupleItems((w as ObjV).args)?.[4] ?? 0);
  const scheme = q?.[0];
  const name = typeof scheme === 'object' && scheme.k === K.Global ? scheme.imp.canonical : undefined;
  if (name === 'torch.per_tensor_affine' || name === 'torch.per_tensor_symmetric') return undefined;
  if (name === undefined || !PER_CHANNEL.has(name))
    return 'a weight whose quantization scheme the analysis does not read';
  const [scales, zeros, axis] = [tensorSize(q![1]!), tensorSize(q![2]!), q![3]];
  if (axis === undefined || !isInt(axis) || BigInt(axis) !== 0n)
    return 'a weight quantized along an axis other than its rows';
  if (scales?.length !== 1 || zeros?.length !== 1 || scales[0] !== size[0] || zeros[0] !== size[0])
    return `a weight of ${size[0]} rows whose scales and zero points are not one per row`;
  return undefined;
}

/** The quantized embedding weight: (1, [weight], [], [bit rate]), the weight quantized per row (axis 0). */
function embeddingStateProblem(state: PyVal): string | undefined {
  const items = tupleItems(state);
  if (items === undefined || items.length !== 4 || !isInt(items[0]!) || BigInt(items[0]) !== 1n)
    return 'a state that is not the (1, [weight], [], [bit rate]) torch writes';
  // The doubles and the bit rate are lists of numbers (which the analysis does not keep): torch checks their counts.
  const tensors = listTensors(items[1]!);
  if (tensors?.length !== 1 || !isList(items[2]!) || !isList(items[3]!))
    return 'lists that are not [weight], [doubles] and [bit rate]';
  const w = tensors[0]!;
  const size = calleeName(w) === QTENSOR_REBUILD ? tensorSize(w) : undefined;
  if (size?.length !== 2) return 'a weight that is not a two-dimensional quantized tensor';
  const q = tupleItems(tupleItems((w as ObjV).args)?.[4] ?? 0);
  const scheme = q?.[0];
  if (
    q?.length !== 4 ||
    typeof scheme !== 'object' ||
    scheme.k !== K.Global ||
    scheme.imp.canonical !== 'torch.per_channel_affine_float_qparams'
  )
    return "a weight not quantized per row with float parameters, as torch's embedding quantization writes";
  const [scales, zeros, axis] = [tensorSize(q[1]!), tensorSize(q[2]!), q[3]!];
  const rows = size[0]!;
  if (!isInt(axis) || BigInt(axis) !== 0n) return 'a weight quantized along an axis other than its rows';
  if (scales?.length !== 1 || zeros?.length !== 1 || scales[0] !== rows || zeros[0] !== rows)
    return `a weight of ${rows} rows whose scales and zero points are not one per row`;
  return undefined;
}

/** [arity, description] of the XNNPACK context states (their creation checks the ints itself). */
const XNNPACK: ReadonlyMap<string, number> = new Map([
  ['xnnpack.Conv2dOpContext', 8],
  ['xnnpack.LinearOpContext', 4],
  ['xnnpack.TransposeConv2dOpContext', 9],
]);

/** Why the native __setstate__ of custom class `canonical` may fault on `state`, or undefined when it is admitted. */
export function customClassStateProblem(
  canonical: string,
  state: PyVal,
  read: StorageReader | undefined,
): string | undefined {
  const cls = canonical.slice(CUSTOM_CLASS_PREFIX.length);
  const what = `torch's native ${cls}.__setstate__`;
  if (cls === 'quantized.Conv2dPackedParamsBase' || cls === 'quantized.Conv3dPackedParamsBase') {
    const p = convStateProblem(state, cls === 'quantized.Conv2dPackedParamsBase' ? 2 : 3, read);
    return p === undefined
      ? undefined
      : `${what} hands the stride, padding, dilation, output padding and groups it reads from the state (a tensor ` +
          `record in torch's own serialisation) to the conv prepack, which divides by them (a zero kills the ` +
          `process with SIGFPE); this state holds ${p}`;
  }
  if (cls === 'quantized.LinearPackedParamsBase') {
    const p = linearStateProblem(state);
    return p === undefined
      ? undefined
      : `${what} prepacks the state's weight and bias; this state is not the (weight, bias) torch writes: ${p}`;
  }
  const arity = XNNPACK.get(cls);
  if (arity !== undefined) {
    const items = tupleItems(state);
    return items?.length === arity && tensorSize(items[0]!) !== undefined
      ? undefined
      : `${what} builds an XNNPACK operator from the state; this state is not the ${arity}-item tuple torch writes`;
  }
  if (cls === 'rnn.CellParamsBase') {
    const p = cellParamsProblem(state);
    return p === undefined
      ? undefined
      : `${what} picks a deserialiser by the state's type string and builds the RNN cell from its lists; this ` +
          `state holds ${p}`;
  }
  if (cls === 'quantized.EmbeddingPackedParamsBase') {
    const p = embeddingStateProblem(state);
    return p === undefined
      ? undefined
      : `${what} prepacks the state's quantized weight row by row, reading one scale and zero point per row ` +
          `without a bound; this state holds ${p}`;
  }
  return (
    `${what} runs native code on the state, and the analysis has no model of what it reads (torch's quantized ` +
    'convolution, linear and embedding packed parameters, dynamic-quantized RNN cell parameters and XNNPACK ' +
    'contexts are modelled)'
  );
}

/** The rebuild functions torch.jit.load's native unpickler handles itself (a view of a storage, plain or quantized). */
const NATIVE_VIEW_REBUILDS = new Set([...TENSOR_REBUILDS, QTENSOR_REBUILD]);

/** Storage classes whose one stored element (a byte) holds several values of the tensor, by how many. */
const SUB_BYTE_STORAGES: ReadonlyMap<string, bigint> = new Map([
  ['torch.QUInt4x2Storage', 2n],
  ['torch.QUInt2x4Storage', 4n],
]);

/** Whether `canonical` is a tensor rebuild the TorchScript loader performs natively (viewBoundsProblem applies). */
export function isNativeViewRebuild(canonical: string): boolean {
  return NATIVE_VIEW_REBUILDS.has(canonical);
}

/**
 * Why a tensor rebuild `(storage, offset, size, stride, ...)` read by torch.jit.load's native unpickler may reach
 * past its storage, or undefined when every element it views lies inside the storage's declared element count.
 * The native unpickler sets the offset, sizes and strides on the storage with no bounds check (Python's
 * `_rebuild_tensor_v2` has `set_` check them and raise), so a view past the storage reads and writes memory the
 * process does not own on first use. Sizes, strides and offset the analysis cannot read are not proven in bounds.
 */
export function viewBoundsProblem(args: PyVal): string | undefined {
  const it = tupleItems(args);
  if (it === undefined || it.length < 4) return 'a tensor rebuild whose arguments the analysis cannot read';
  const [storage, offset, sizeV, strideV] = it;
  if (typeof storage !== 'object' || storage.k !== K.Pers) return undefined; // not a storage: the load raises
  const pid = tupleItems(storage.pid);
  const numel = pid?.[4];
  if (pid === undefined || numel === undefined || !isInt(numel))
    return 'a tensor rebuild over a storage without an integer element count';
  const size = tupleItems(sizeV!) ?? listInts(sizeV!)?.map((x) => x as PyVal);
  const stride = tupleItems(strideV!) ?? listInts(strideV!)?.map((x) => x as PyVal);
  if (!isInt(offset!) || size === undefined || stride === undefined || !size.every(isInt) || !stride.every(isInt))
    return 'a tensor rebuild whose offset, sizes or strides are not integers the analysis can read';
  if (size.length !== stride.length) return `a tensor rebuild with ${size.length} sizes and ${stride.length} strides`;
  const at = BigInt(offset!);
  // Sub-byte quantized storages count bytes; their tensors index 2 (4-bit) or 4 (2-bit) values per byte.
  const cls = pid[1];
  const clsName =
    typeof cls === 'object' && cls.k === K.Global ? cls.imp.canonical : typeof cls === 'string' ? cls : '';
  const perItem = SUB_BYTE_STORAGES.get(clsName) ?? 1n;
  const count = BigInt(numel) * perItem;
  if (size.some((s) => BigInt(s) < 0n)) return 'a tensor rebuild with a negative size';
  if (size.some((s) => BigInt(s) === 0n)) return at >= 0n ? undefined : `a tensor rebuild at offset ${at}`;
  let lo = at;
  let hi = at;
  for (let i = 0; i < size.length; i++) {
    const reach = (BigInt(size[i]!) - 1n) * BigInt(stride[i]!);
    if (reach < 0n) lo += reach;
    else hi += reach;
  }
  if (lo >= 0n && hi < count) return undefined;
  return (
    `a tensor of sizes (${size.join(', ')}), strides (${stride.join(', ')}) at offset ${at} reaches element ` +
    `${lo < 0n ? lo : hi} of a storage of ${count} elements`
  );
}

/** Elements a stored view may have beyond its storage's count (repeated by strides of 0) before it is reported. */
const MAX_VIEW_ELEMENTS = 1n << 24n;

/**
 * A stored view inside its storage whose strides of 0 (expand) or overlapping strides make more elements than the
 * storage holds, beyond MAX_VIEW_ELEMENTS: the archive pays for the storage, code run at load that reads the view
 * (a copy, a sum, an element-wise operator) does the product of its sizes. Undefined otherwise, or when the
 * arguments are not read (viewBoundsProblem reports those).
 */
export function viewExpansionProblem(args: PyVal): string | undefined {
  const it = tupleItems(args);
  if (it === undefined || it.length < 4) return undefined;
  const [storage, , sizeV] = it;
  if (typeof storage !== 'object' || storage.k !== K.Pers) return undefined;
  const numel = tupleItems(storage.pid)?.[4];
  const size = tupleItems(sizeV!) ?? listInts(sizeV!)?.map((x) => x as PyVal);
  if (numel === undefined || !isInt(numel) || size === undefined || !size.every(isInt)) return undefined;
  if (size.some((s) => BigInt(s) <= 0n)) return undefined;
  const logical = size.reduce((p: bigint, s) => p * BigInt(s), 1n);
  if (logical <= BigInt(numel) * 4n || logical <= MAX_VIEW_ELEMENTS) return undefined;
  return `a view of sizes (${size.join(', ')}): ${logical} elements over a storage of ${numel}`;
}
