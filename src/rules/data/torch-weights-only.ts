// What torch.load(weights_only=True) accepts, restated from current PyTorch's torch/_weights_only_unpickler.py
// (facts, not code): its default allowed globals, its blocked modules, its supported opcodes, and its checks on
// BUILD/SETITEM/APPEND targets and persistent ids. A checkpoint outside this set forces consumers onto the
// unsafe loader, which is what TORCH-LOAD-UNTRUSTED reports for artifacts.
import { Op } from '../../formats/pickle/opcodes.js';

/** Modules the weights-only unpickler refuses even when a user allowlists names from them. */
export const WEIGHTS_ONLY_BLOCKED_MODULES: ReadonlySet<string> = new Set(['sys', 'os', 'posix', 'nt']);

/** Exact globals allowed by default (module.name as the weights-only unpickler spells them). */
export const WEIGHTS_ONLY_GLOBALS: ReadonlySet<string> = new Set([
  'collections.OrderedDict',
  'collections.Counter',
  'torch.nn.parameter.Parameter',
  'torch.serialization._get_layout',
  'torch.Size',
  'torch.Tensor',
  'torch.device',
  '_codecs.encode',
  'builtins.bytearray',
  'builtins.set',
  'builtins.complex',
  'torch.per_tensor_affine',
  'torch.per_tensor_symmetric',
  'torch.per_channel_affine',
  'torch.per_channel_symmetric',
  'torch.per_channel_affine_float_qparams',
  'torch._utils._rebuild_parameter',
  'torch._utils._rebuild_parameter_with_state',
  'torch._utils._rebuild_qtensor',
  'torch._utils._rebuild_tensor',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_tensor_v3',
  'torch._utils._rebuild_sparse_tensor',
  'torch._utils._rebuild_meta_tensor_no_storage',
  'torch._utils._rebuild_nested_tensor',
  'torch._utils._rebuild_wrapper_subclass',
  'torch._utils._rebuild_device_tensor_from_numpy',
  'torch._utils._rebuild_device_tensor_from_cpu_tensor',
  'torch._tensor._rebuild_from_type_v2',
]);

/** Names derived from torch at run time: every dtype (`torch.float32`, `torch.uint1`…), storage and tensor class. */
const DTYPE =
  /^torch\.(u?int\d+|float\d*(_e\d+m\d+(fn|fnu|fnuz)?(_x\d+)?)?|bfloat16|half|double|long|int|short|bool|b?complex\d+|cfloat|cdouble|chalf|q(u)?int\d+(x\d+)?|bits\w+)$/;
const STORAGE = /^torch\.((cuda|storage)\.)?[A-Za-z0-9]*Storage$/;
const TENSOR_CLASS = /^torch\.((cuda|sparse)\.)?[A-Za-z0-9]+Tensor$/;

/** The weights-only unpickler's own Python-2 renaming (torch._utils IMPORT_MAPPING/NAME_MAPPING subset). */
const MODULE_MAPPING: Readonly<Record<string, string>> = { __builtin__: 'builtins', copy_reg: 'copyreg' };

/** `module.name` as the weights-only unpickler resolves a GLOBAL. */
export function weightsOnlyName(module: string, name: string): string {
  return `${Object.hasOwn(MODULE_MAPPING, module) ? MODULE_MAPPING[module] : module}.${name}`;
}

export function weightsOnlyAllowed(fullName: string, extra: ReadonlySet<string> | undefined): boolean {
  return (
    WEIGHTS_ONLY_GLOBALS.has(fullName) ||
    DTYPE.test(fullName) ||
    STORAGE.test(fullName) ||
    TENSOR_CLASS.test(fullName) ||
    (extra?.has(fullName) ?? false)
  );
}

/** Opcodes its hand-written load loop implements; anything else raises "Unsupported operand". */
export const WEIGHTS_ONLY_OPCODES: ReadonlySet<number> = new Set([
  Op.GLOBAL,
  Op.NEWOBJ,
  Op.REDUCE,
  Op.BUILD,
  Op.APPEND,
  Op.APPENDS,
  Op.SETITEM,
  Op.SETITEMS,
  Op.MARK,
  Op.TUPLE,
  Op.TUPLE1,
  Op.TUPLE2,
  Op.TUPLE3,
  Op.NONE,
  Op.NEWFALSE,
  Op.NEWTRUE,
  Op.EMPTY_TUPLE,
  Op.EMPTY_LIST,
  Op.EMPTY_DICT,
  Op.EMPTY_SET,
  Op.BININT,
  Op.BININT1,
  Op.BININT2,
  Op.BINFLOAT,
  Op.BINUNICODE,
  Op.SHORT_BINSTRING,
  Op.BINPERSID,
  Op.BINGET,
  Op.LONG_BINGET,
  Op.BINPUT,
  Op.LONG_BINPUT,
  Op.LONG1,
  Op.PROTO,
  Op.STOP,
]);
