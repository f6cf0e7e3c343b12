// Operator (`torch.ops.<ns>`) and custom-class (`torch.classes.<ns>`) namespaces that PyTorch itself registers,
// and well-known ecosystem namespaces. Anything else needs a native library someone loaded: TORCH-SCRIPT-CUSTOM-OP.
// Sources: torch 1.13 measured with `torch._C._jit_get_all_schemas()` / `_jit_get_custom_class_schemas()`
// (Debian /usr/bin/python3), and TORCH_LIBRARY / torch.library.Library registrations in PyTorch 2.x sources.

export interface NamespaceEntry {
  readonly namespace: string;
  readonly reason: string;
}

const MEASURED = 'measured in torch 1.13 (_jit_get_all_schemas)';
const SOURCE_2X = 'registered inside PyTorch 2.x itself';

/** Operator namespaces registered by the torch package itself. */
export const BUILTIN_OP_NAMESPACES: readonly NamespaceEntry[] = [
  { namespace: 'aten', reason: `ATen core tensor operators (native_functions.yaml); ${MEASURED}` },
  {
    namespace: 'prim',
    reason: `TorchScript interpreter primitives (prim::Constant, prim::RaiseException); ${MEASURED}`,
  },
  { namespace: 'prims', reason: `primTorch primitives (torch/_prims); ${MEASURED}` },
  { namespace: 'nvprims', reason: `nvFuser primitives (torch/_prims/nvfuser_prims.py, 1.13–2.1); ${MEASURED}` },
  { namespace: 'quantized', reason: `quantized kernels and weight prepacking (ATen/native/quantized); ${MEASURED}` },
  { namespace: '_quantized', reason: `internal quantized kernels (ATen/native/quantized); ${MEASURED}` },
  { namespace: 'quantization', reason: `bfloat16 quantization helpers; ${MEASURED}` },
  {
    namespace: 'quantized_decomposed',
    reason: `decomposed quantize/dequantize ops (torch/ao/quantization/fx/_decomposed.py); ${SOURCE_2X}`,
  },
  { namespace: 'sparse', reason: `sparse quantized linear kernels; ${MEASURED}` },
  { namespace: 'prepacked', reason: `XNNPACK prepacked conv/linear ops (ATen/native/xnnpack); ${MEASURED}` },
  { namespace: 'mkldnn_prepacked', reason: `oneDNN prepacked conv ops; ${MEASURED}` },
  { namespace: 'mkldnn', reason: `oneDNN fused ops and op contexts (ATen/native/mkldnn); ${SOURCE_2X}` },
  { namespace: 'mkl', reason: `MKL packed linear (ATen/native/mkldnn/Linear.cpp); ${SOURCE_2X}` },
  { namespace: 'onednn', reason: `oneDNN quantized pointwise ops (ATen/native/quantized/cpu/qconv.cpp); ${SOURCE_2X}` },
  { namespace: 'vulkan_prepack', reason: `Vulkan mobile backend prepacking (ATen/native/vulkan); ${SOURCE_2X}` },
  { namespace: 'metal_prepack', reason: `Metal mobile backend prepacking (ATen/native/metal); ${SOURCE_2X}` },
  { namespace: 'profiler', reason: `record_function profiler hooks; ${MEASURED}` },
  { namespace: 'static_runtime', reason: `Static Runtime fused ops (torch/csrc/jit/runtime/static); ${MEASURED}` },
  { namespace: 'onnx', reason: `ONNX export helper ops in the JIT (onnx::Shape, onnx::Reshape); ${MEASURED}` },
  { namespace: '_test', reason: `JIT self-test ops compiled into libtorch; ${MEASURED}` },
  { namespace: 'c10d', reason: `distributed collectives (torch/csrc/distributed/c10d); ${MEASURED}` },
  { namespace: '_c10d_functional', reason: `functional collectives (c10d/Functional.cpp); ${SOURCE_2X}` },
  {
    namespace: '_c10d_functional_autograd',
    reason: `autograd-aware functional collectives (c10d/Functional.cpp); ${SOURCE_2X}`,
  },
  { namespace: 'c10d_functional', reason: `legacy functional collectives (torch.distributed); ${SOURCE_2X}` },
  { namespace: '_dtensor', reason: `DTensor communication ops (c10d/Functional.cpp); ${SOURCE_2X}` },
  { namespace: 'symm_mem', reason: `symmetric-memory collectives (c10d/symm_mem); ${SOURCE_2X}` },
  { namespace: 'fsdp', reason: `FSDP2 copy-in/split ops (torch/distributed/fsdp); ${SOURCE_2X}` },
  {
    namespace: 'higher_order',
    reason: `higher-order operators (torch._higher_order_ops: cond, while_loop); ${SOURCE_2X}`,
  },
  {
    namespace: 'inductor',
    reason: `TorchInductor runtime helpers (_alloc_from_pool, _reinterpret_tensor); ${SOURCE_2X}`,
  },
  { namespace: 'rngprims', reason: `philox RNG primitives (torch/_prims/rng_prims.py); ${SOURCE_2X}` },
  { namespace: 'debugprims', reason: `debug primitives (torch/_prims/debug_prims.py); ${SOURCE_2X}` },
];

/** Custom-class namespaces (`torch.classes.<ns>.<Class>`) registered by the torch package itself. */
export const BUILTIN_CLASS_NAMESPACES: readonly NamespaceEntry[] = [
  {
    namespace: 'quantized',
    reason: 'LinearPackedParamsBase, Conv2d/Conv3dPackedParamsBase, EmbeddingPackedParamsBase (measured in torch 1.13)',
  },
  { namespace: 'sparse', reason: 'sparse LinearPackedParamsBase (measured in torch 1.13)' },
  {
    namespace: 'xnnpack',
    reason: 'LinearOpContext, Conv2dOpContext, TransposeConv2dOpContext (measured in torch 1.13)',
  },
  { namespace: 'mkldnn', reason: 'ConvOpContext (measured in torch 1.13)' },
  { namespace: 'onednn', reason: 'oneDNN ConvOpContext (PyTorch 2.x)' },
  { namespace: 'rnn', reason: 'CellParamsBase for quantized RNNs (measured in torch 1.13)' },
  { namespace: 'c10d', reason: 'ProcessGroup, Work, ReduceOp, Store (measured in torch 1.13)' },
  { namespace: 'dist_rpc', reason: 'WorkerInfo (measured in torch 1.13)' },
  { namespace: 'profiling', reason: 'TorchScript profiler records (measured in torch 1.13)' },
  { namespace: 'backendutils', reason: 'BackendDebugInfo for delegated backends (measured in torch 1.13)' },
  { namespace: '_nnapi', reason: 'Android NNAPI Compilation (measured in torch 1.13)' },
  { namespace: 'cuda', reason: 'CUDA Stream and Event (torch/csrc/jit/cuda, PyTorch 2.x)' },
];

/**
 * Namespaces of widely used PyTorch-organisation extension packages. They are still native code loaded from
 * outside torch, so they are reported, with low confidence and the package named.
 */
export const ECOSYSTEM_OP_NAMESPACES: readonly (NamespaceEntry & { readonly package: string })[] = [
  { namespace: 'torchvision', package: 'torchvision', reason: 'torchvision C++ ops (nms, roi_align, deform_conv2d)' },
  { namespace: 'image', package: 'torchvision', reason: 'torchvision.io image codecs (read_file, decode_jpeg)' },
  { namespace: 'torchaudio', package: 'torchaudio', reason: 'torchaudio C++ ops (sox, rnnt_loss, forced_align)' },
  { namespace: 'torchtext', package: 'torchtext', reason: 'torchtext C++ tokenizers and vocab' },
  { namespace: 'fbgemm', package: 'fbgemm_gpu', reason: 'FBGEMM GPU kernels (fbgemm_gpu package)' },
];

const opSet = new Set(BUILTIN_OP_NAMESPACES.map((e) => e.namespace));
const classSet = new Set(BUILTIN_CLASS_NAMESPACES.map((e) => e.namespace));

export function isBuiltinOpNamespace(ns: string): boolean {
  return opSet.has(ns);
}

export function isBuiltinClassNamespace(ns: string): boolean {
  return classSet.has(ns);
}

export function ecosystemPackage(ns: string): string | undefined {
  return ECOSYSTEM_OP_NAMESPACES.find((e) => e.namespace === ns)?.package;
}
