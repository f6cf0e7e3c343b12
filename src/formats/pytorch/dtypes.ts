// Torch element types as checkpoints name them: the storage classes of persistent ids (torch/storage.py
// `_dtype_to_storage_type_map`, plus `UntypedStorage` for the dtypes saved through `_rebuild_tensor_v3`) and the
// dtype objects (`torch.float32`, …) that `_rebuild_tensor_v3` takes, mapped to safetensors dtypes. A torch dtype
// without a safetensors counterpart (complex, quantized, fnuz float8, bit types) maps to the reason it has none.
import type { SafetensorsDtype } from '../safetensors/dtype.js';

export interface TorchDtype {
  /** torch's name, e.g. `torch.float32`. */
  readonly torch: string;
  /** Bytes per element. */
  readonly itemsize: number;
  /** The safetensors dtype, or undefined when safetensors has none (`unsupported` says why). */
  readonly dtype?: SafetensorsDtype;
  readonly unsupported?: string;
}

function d(torch: string, itemsize: number, dtype: SafetensorsDtype): TorchDtype {
  return { torch, itemsize, dtype };
}
function none(torch: string, itemsize: number, why: string): TorchDtype {
  return { torch, itemsize, unsupported: `${torch} has no safetensors dtype (${why})` };
}

/** Storage class name (without module) → element type. */
const STORAGE_CLASSES: ReadonlyMap<string, TorchDtype> = new Map([
  ['DoubleStorage', d('torch.float64', 8, 'F64')],
  ['FloatStorage', d('torch.float32', 4, 'F32')],
  ['HalfStorage', d('torch.float16', 2, 'F16')],
  ['BFloat16Storage', d('torch.bfloat16', 2, 'BF16')],
  ['LongStorage', d('torch.int64', 8, 'I64')],
  ['IntStorage', d('torch.int32', 4, 'I32')],
  ['ShortStorage', d('torch.int16', 2, 'I16')],
  ['CharStorage', d('torch.int8', 1, 'I8')],
  ['ByteStorage', d('torch.uint8', 1, 'U8')],
  ['BoolStorage', d('torch.bool', 1, 'BOOL')],
  ['ComplexFloatStorage', none('torch.complex64', 8, 'complex')],
  ['ComplexDoubleStorage', none('torch.complex128', 16, 'complex')],
  ['QInt8Storage', none('torch.qint8', 1, 'quantized')],
  ['QUInt8Storage', none('torch.quint8', 1, 'quantized')],
  ['QInt32Storage', none('torch.qint32', 4, 'quantized')],
  ['QUInt4x2Storage', none('torch.quint4x2', 1, 'quantized')],
  ['QUInt2x4Storage', none('torch.quint2x4', 1, 'quantized')],
]);

/** dtype object name (without `torch.`) → element type; aliases included. */
const DTYPES: ReadonlyMap<string, TorchDtype> = new Map([
  ['float64', d('torch.float64', 8, 'F64')],
  ['double', d('torch.float64', 8, 'F64')],
  ['float32', d('torch.float32', 4, 'F32')],
  ['float', d('torch.float32', 4, 'F32')],
  ['float16', d('torch.float16', 2, 'F16')],
  ['half', d('torch.float16', 2, 'F16')],
  ['bfloat16', d('torch.bfloat16', 2, 'BF16')],
  ['int64', d('torch.int64', 8, 'I64')],
  ['long', d('torch.int64', 8, 'I64')],
  ['int32', d('torch.int32', 4, 'I32')],
  ['int', d('torch.int32', 4, 'I32')],
  ['int16', d('torch.int16', 2, 'I16')],
  ['short', d('torch.int16', 2, 'I16')],
  ['int8', d('torch.int8', 1, 'I8')],
  ['uint8', d('torch.uint8', 1, 'U8')],
  ['bool', d('torch.bool', 1, 'BOOL')],
  ['uint16', d('torch.uint16', 2, 'U16')],
  ['uint32', d('torch.uint32', 4, 'U32')],
  ['uint64', d('torch.uint64', 8, 'U64')],
  ['float8_e4m3fn', d('torch.float8_e4m3fn', 1, 'F8_E4M3')],
  ['float8_e5m2', d('torch.float8_e5m2', 1, 'F8_E5M2')],
  ['float8_e4m3fnuz', none('torch.float8_e4m3fnuz', 1, 'safetensors F8_E4M3 is the e4m3fn encoding')],
  ['float8_e5m2fnuz', none('torch.float8_e5m2fnuz', 1, 'safetensors F8_E5M2 has infinities and -0')],
  ['float8_e8m0fnu', none('torch.float8_e8m0fnu', 1, 'an exponent-only scale type')],
  ['float4_e2m1fn_x2', none('torch.float4_e2m1fn_x2', 1, 'two packed 4-bit floats per element')],
  ['bcomplex32', none('torch.bcomplex32', 4, 'complex')],
  ['complex32', none('torch.complex32', 4, 'complex')],
  ['chalf', none('torch.complex32', 4, 'complex')],
  ['complex64', none('torch.complex64', 8, 'complex')],
  ['cfloat', none('torch.complex64', 8, 'complex')],
  ['complex128', none('torch.complex128', 16, 'complex')],
  ['cdouble', none('torch.complex128', 16, 'complex')],
  ['qint8', none('torch.qint8', 1, 'quantized')],
  ['quint8', none('torch.quint8', 1, 'quantized')],
  ['qint32', none('torch.qint32', 4, 'quantized')],
  ['quint4x2', none('torch.quint4x2', 1, 'quantized')],
  ['quint2x4', none('torch.quint2x4', 1, 'quantized')],
  ['bits8', none('torch.bits8', 1, 'bit type')],
  ['bits16', none('torch.bits16', 2, 'bit type')],
  ['bits1x8', none('torch.bits1x8', 1, 'bit type')],
  ['bits2x4', none('torch.bits2x4', 1, 'bit type')],
  ['bits4x2', none('torch.bits4x2', 1, 'bit type')],
]);

/**
 * The element type of a storage class named in a persistent id (`torch.FloatStorage`, `torch.cuda.HalfStorage`).
 * `torch.UntypedStorage` (bytes; the tensor's dtype comes from `_rebuild_tensor_v3`) returns 'untyped'.
 */
export function storageClassDtype(module: string, name: string): TorchDtype | 'untyped' | undefined {
  if (module !== 'torch' && module !== 'torch.cuda') return undefined;
  if (name === 'UntypedStorage' && module === 'torch') return 'untyped';
  return STORAGE_CLASSES.get(name);
}

/** The element type of a torch dtype object imported as `torch.<name>`. */
export function torchDtype(module: string, name: string): TorchDtype | undefined {
  return module === 'torch' ? DTYPES.get(name) : undefined;
}
