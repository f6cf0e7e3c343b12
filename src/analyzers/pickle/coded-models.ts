// The admitted callables whose effect model is code of the VM rather than a derived record (callable-effects.ts):
// what each returns, what it calls, what work its arguments buy, what files or native code it reaches, and the check
// that restricts the stream's call of it. The allowlist invariant (test/analyzers/pickle/allowlist-invariant.test.ts)
// takes an admitted callable as modelled when it has a derived record, a derived class record, is a stored reference
// only, or is listed here; every admitted native function must have a restriction (its role, its argument checks, or
// the `restriction` given here). Read from the libraries' source (torch 1.13's torch/_utils.py, torch/_tensor.py,
// torch/jit/_pickle.py, torch/serialization.py; numpy's and pandas' Cython unpickle functions; scikit-learn's
// _loss.pyx and newObj), and from torch's pinned sources for names of newer releases (torch-allowlist.json
// release_sources).

import { SKLEARN_CY_LOSSES } from './names.js';

/** One admitted callable's effect model, as the VM code implements it. */
export interface CodedModel {
  /** What a call returns. */
  readonly returns: string;
  /** What it calls with the stream's values ('nothing of the stream's': only the library's own code). */
  readonly calls: string;
  /** Work or memory its arguments choose, and where the VM charges it ('none': bounded by the stream's bytes). */
  readonly work: string;
  /** Files, processes or native code it reaches with the stream's values. */
  readonly reaches: string;
  /** For a native function, or one whose arguments reach native code: the check the VM makes of each call. */
  readonly restriction?: string;
  /** A value the library pickles by name (not callable): torch dtypes of newer releases. */
  readonly value?: true;
}

const TENSOR_FROM_STORAGE: CodedModel = {
  returns: 'a tensor viewing a storage the loader rebuilt (persistent_load), or a storage-less tensor',
  calls: "nothing of the stream's: torch's tensor constructors and set_ on the storage argument",
  work: "none: set_ checks that the size and strides lie inside the storage, whose bytes are the archive's",
  reaches: 'torch native code with the storage; no file (storages come from the archive or _load_from_bytes)',
};

const JIT_PASS_THROUGH: CodedModel = {
  returns: 'its first argument (the TorchScript pickler wraps lists and tensor ids so that the JIT can type them)',
  calls: 'nothing',
  work: 'none',
  reaches: 'nothing',
};

const CYTHON_UNPICKLE: CodedModel = {
  returns: 'an instance of argument 0 made by its __new__ (Cython __pyx_unpickle_<Class>(type, checksum, state))',
  calls: "argument 0's __new__ (the class must be the one the function is named for: Cython checks the checksum)",
  work: 'none',
  reaches: "the class's native __setstate_cython__, which reads the state's items by position",
  restriction:
    'vm.ts cythonState and native-states.ts: the state must have the item count and kinds the library writes ' +
    '(a short or mistyped state is NATIVE_STATE: the native reader does not check it)',
};

const NEW_OBJ: CodedModel = {
  returns: 'obj.__new__(obj): an instance of the class given as argument 0 (scikit-learn Cython modules newObj)',
  calls: "argument 0's __new__ only",
  work: 'none',
  reaches: 'the native __cinit__ of argument 0 (no arguments)',
  restriction:
    'instance-class.ts RECONSTRUCTORS and native-new.ts: argument 0 names the class made; a native class its ' +
    'library only writes by calling it is NATIVE_NEW',
};

const NEWER_DTYPE: CodedModel = {
  returns: 'itself: a torch.dtype singleton pickled by name',
  calls: 'nothing (a torch.dtype is not callable)',
  work: 'none',
  reaches: 'nothing',
  value: true,
};

/** numpy 2's StringDType function (numpy-strings.ts), at numpy 2's home and the numpy.core spelling. */
const STRING_DTYPE: CodedModel = {
  returns: 'StringDType(coerce=coerce[, na_object=na_object]): a dtype (numpy/_core/_internal.py, numpy >= 2.0)',
  calls: "bool(coerce), na_object != na_object and str(na_object); on an array's items: == with na_object, str()",
  work: "none: the items are the stream's, each converted once",
  reaches: 'numpy native code: the dtype reads packed string records, which only its own setitem writes',
  restriction:
    'numpy-strings.ts: a bool or int coerce, a na_object of None, a number, a str or pandas.NA; the dtype only in an ' +
    "ndarray's (or joblib array wrapper's) state, the array's items plain values, no items given to it afterwards",
};

/** The coded models, by canonical name. */
export const CODED_MODELS: ReadonlyMap<string, CodedModel> = new Map<string, CodedModel>([
  ['numpy._core._internal._convert_to_stringdtype_kwargs', STRING_DTYPE],
  ['numpy.core._internal._convert_to_stringdtype_kwargs', STRING_DTYPE],
  [
    'torch._tensor._rebuild_from_type',
    {
      returns: 'func(*args), as a subclass `type` of it unless type is torch.Tensor; its __dict__ set to `dict`',
      calls:
        'argument 0 with the items of argument 2 (effect-checks.ts checkCallThrough: the callee is judged as called)',
      work: "what the callee's call costs (charged by that call)",
      reaches: 'what the callee reaches',
      restriction: 'the callee call is checked as a call of it (its role, hooks and argument checks apply)',
    },
  ],
  [
    'torch._tensor._rebuild_from_type_v2',
    {
      returns: 'func(*args), as new_type, with its state applied by __setstate__ or setattr per key',
      calls:
        "argument 0 with the items of argument 2 (checkCallThrough), new_type's __setstate__ or the state's items() " +
        '(vm.ts torchRebuild)',
      work: "what the callee's call costs; the state is the stream's",
      reaches: "what the callee and new_type's __setstate__ reach",
      restriction: 'the callee call is checked as a call of it; the state is applied as a BUILD of new_type',
    },
  ],
  ['torch._utils._rebuild_tensor', TENSOR_FROM_STORAGE],
  ['torch._utils._rebuild_tensor_v2', TENSOR_FROM_STORAGE],
  ['torch._utils._rebuild_tensor_v3', TENSOR_FROM_STORAGE],
  [
    'torch._utils._rebuild_parameter',
    {
      returns: 'torch.nn.Parameter(data, requires_grad) with _backward_hooks set to argument 2',
      calls: 'torch.nn.Parameter.__new__ with the data tensor (no stream callable)',
      work: 'none',
      reaches: 'nothing beyond the tensor it wraps (the hooks are stored, not called, by the load)',
    },
  ],
  [
    'torch._utils._rebuild_parameter_with_state',
    {
      returns: 'a Parameter of data with every key of argument 3 set by setattr (newer torch releases)',
      calls: 'setattr per key of the state (vm.ts torchRebuild applies the state as a BUILD: planted names are seen)',
      work: 'none',
      reaches: 'what the setattr of each state key reaches (judged as a BUILD of the Parameter)',
    },
  ],
  [
    'torch._utils._rebuild_qtensor',
    {
      returns: 'a quantized tensor of the storage',
      calls: 'torch._empty_affine_quantized / _empty_per_channel_affine_quantized, then set_ on the storage',
      work:
        "an empty quantized tensor of `size` before set_ points it at the storage: the elements the storage's " +
        'persistent id does not back are charged as an allocation (argument-work.ts)',
      reaches: 'torch native code with the storage and quantizer parameters',
    },
  ],
  [
    'torch._utils._rebuild_sparse_tensor',
    {
      returns: 'torch._sparse_coo_tensor_unsafe(indices, values, size), queued for validation by torch.load',
      calls: "nothing of the stream's",
      work: 'none: the tensors are the archive’s',
      reaches: 'torch native code (validated at the end of torch.load, not of pickle.load)',
    },
  ],
  [
    'torch._utils._rebuild_sparse_csr_tensor',
    {
      returns: 'torch._sparse_csr_tensor_unsafe(crow, col, values, size), queued for validation by torch.load',
      calls: "nothing of the stream's",
      work: 'none',
      reaches: 'torch native code (validated at the end of torch.load)',
    },
  ],
  [
    'torch._utils._rebuild_device_tensor_from_numpy',
    {
      returns: 'torch.from_numpy(data).to(dtype, device) with requires_grad set',
      calls: "nothing of the stream's (the array's own buffer is read)",
      work: "a copy of the array's bytes (bounded by what the stream wrote: numpy's allocation is charged)",
      reaches: 'torch native code with the array',
    },
  ],
  [
    'torch._utils._rebuild_device_tensor_from_cpu_tensor',
    {
      returns: 'the cpu tensor argument moved to a device (newer torch releases)',
      calls: "nothing of the stream's",
      work: 'a copy of a tensor the stream rebuilt',
      reaches: 'torch native code',
    },
  ],
  [
    'torch._utils._rebuild_meta_tensor_no_storage',
    {
      returns: 'torch.empty_strided(size, stride, dtype, device="meta"): a tensor with no memory',
      calls: 'nothing',
      work: 'none: a meta tensor allocates nothing',
      reaches: 'nothing',
    },
  ],
  [
    'torch._utils._rebuild_wrapper_subclass',
    {
      returns: 'torch.Tensor._make_wrapper_subclass(cls, size, ...): an instance of argument 0 without storage',
      calls: "nothing of the stream's: the class is allocated, its __init__ and __new__ are not run",
      work: 'none: a wrapper subclass allocates no data',
      reaches: 'torch native code (it refuses a class that is not a Tensor subclass)',
    },
  ],
  [
    'torch._utils._rebuild_xla_tensor',
    {
      returns: 'torch.from_numpy(data).to(dtype, device) (torch_xla tensors)',
      calls: "nothing of the stream's",
      work: "a copy of the array's bytes",
      reaches: 'torch native code with the array',
    },
  ],
  [
    'torch._utils._rebuild_mps_tensor',
    {
      returns: 'a tensor of the storage on the mps device (newer torch releases)',
      calls: "nothing of the stream's",
      work: 'none',
      reaches: 'torch native code with the storage',
    },
  ],
  [
    'torch._utils._rebuild_nested_tensor',
    {
      returns: 'a nested tensor of a buffer tensor and its sizes and strides tensors (newer torch releases)',
      calls: "nothing of the stream's",
      work: 'none',
      reaches: 'torch native code with the tensors',
    },
  ],
  ['torch.jit._pickle.build_boollist', JIT_PASS_THROUGH],
  ['torch.jit._pickle.build_doublelist', JIT_PASS_THROUGH],
  ['torch.jit._pickle.build_intlist', JIT_PASS_THROUGH],
  ['torch.jit._pickle.build_tensorlist', JIT_PASS_THROUGH],
  ['torch.jit._pickle.restore_type_tag', JIT_PASS_THROUGH],
  [
    'torch.jit._pickle.build_tensor_from_id',
    { returns: 'its argument when it is an int, else None', calls: 'nothing', work: 'none', reaches: 'nothing' },
  ],
  [
    'torch.nn.backends.thnn._get_thnn_function_backend',
    {
      returns: 'the backend singleton (torch 0.x) or None; it takes no argument',
      calls: 'nothing',
      work: 'none',
      reaches: 'nothing',
    },
  ],
  [
    'torch.serialization._get_layout',
    {
      returns: "the torch.layout named by argument 0 (a lookup in torch's own table; an unknown name raises)",
      calls: 'nothing (the name is hashed: a str)',
      work: 'none',
      reaches: 'nothing',
    },
  ],
  ...[
    'bits16',
    'bits1x8',
    'bits2x4',
    'bits4x2',
    'bits8',
    'float8_e4m3fn',
    'float8_e5m2',
    // torch 2.1 - 2.14 (torch 2.14's weights-only allowlist: torch/storage.py _new_dtypes and the sub-byte integers)
    'float8_e5m2fnuz',
    'float8_e4m3fnuz',
    'float8_e8m0fnu',
    'float4_e2m1fn_x2',
    'bcomplex32',
    'uint16',
    'uint32',
    'uint64',
    ...[1, 2, 3, 4, 5, 6, 7].flatMap((x) => [`uint${x}`, `int${x}`]),
  ].map((n) => [`torch.${n}`, NEWER_DTYPE] as [string, CodedModel]),
  ...SKLEARN_CY_LOSSES.map((c) => [`sklearn._loss._loss.__pyx_unpickle_${c}`, CYTHON_UNPICKLE] as [string, CodedModel]),
  ['numpy.random.bit_generator.__pyx_unpickle_SeedSequence', CYTHON_UNPICKLE],
  ['pandas._libs.interval.__pyx_unpickle_IntervalMixin', CYTHON_UNPICKLE],
  ['pandas._libs.arrays.__pyx_unpickle_NDArrayBacked', CYTHON_UNPICKLE],
  ...[
    'sklearn.metrics._dist_metrics.newObj',
    'sklearn.neighbors._ball_tree.newObj',
    'sklearn.neighbors._kd_tree.newObj',
    'sklearn.neighbors._dist_metrics.newObj',
    'sklearn.neighbors.ball_tree.newObj',
    'sklearn.neighbors.dist_metrics.newObj',
    'sklearn.neighbors.kd_tree.newObj',
  ].map((n) => [n, NEW_OBJ] as [string, CodedModel]),
  [
    'pandas._libs.internals._unpickle_block',
    {
      returns: 'new_block(values, placement, ndim): a block of the values array',
      calls: "nothing of the stream's (the values are an array the stream rebuilt)",
      work: 'none',
      reaches: 'pandas native code with the array and placement',
      restriction:
        'its Cython signature: placement is converted with int() or taken as a slice/array (pandas 1.5.3: an ' +
        "object raises TypeError); the values' own hooks are those of the array class the stream rebuilt",
    },
  ],
  [
    'pandas._libs.tslibs.nattype.__nat_unpickle',
    {
      returns: 'NaT',
      calls: 'nothing',
      work: 'none',
      reaches: 'nothing',
      restriction: 'it ignores its arguments (pandas 1.5.3: __nat_unpickle(*args) returns NaT)',
    },
  ],
  [
    'pandas._libs.tslibs.timedeltas._timedelta_unpickle',
    {
      returns: 'a Timedelta of the int value and reso',
      calls: 'nothing',
      work: 'none',
      reaches: 'nothing',
      restriction: 'its Cython signature types the value as int64 (any other value is a TypeError)',
    },
  ],
  [
    'pandas._libs.tslibs.timestamps._unpickle_timestamp',
    {
      returns: 'a Timestamp of the value, freq, tz and reso',
      calls: "the tz object's methods (localisation)",
      work: 'none',
      reaches: "a tz text 'dateutil/<path>' opens a zone file",
      restriction: 'call-hooks.ts pandasTzTextProblem: a str tz in its arguments is reported as the open it makes',
    },
  ],
  [
    'codecs.encode',
    {
      returns: 'obj encoded by the codec named by argument 1',
      calls: 'the codec registry, which imports encodings.<name> for a codec it has not loaded',
      work: 'the encoded bytes (bounded by the stream’s text)',
      reaches: 'an import of encodings.<name>',
      restriction: 'effect-checks.ts checkCodec: a codec pickles are not written with is reported as that import',
    },
  ],
]);
