#!/usr/bin/python3
"""Derive the operator table for TorchScript code that runs while an archive loads.

Run: /usr/bin/python3 scripts/data/derive-torchscript-ops.py > src/analyzers/python/torch/torchscript-ops.json &&
  npx prettier --write src/analyzers/python/torch/torchscript-ops.json
(Debian python3-torch 1.13). Reads every operator schema the torch build registers
(`torch._C._jit_get_all_schemas()`) and sorts each operator of the namespaces a load may use into:

- denied, with the effect: an argument that names a file (`from_file`, `save` take `str filename`), a remote call
  (`prim::rpc_*`, `aten::to_here`), a call back into the Python interpreter (`prim::PythonOp`);
- allowed: every other operator of those namespaces (tensor arithmetic and constructors, list/str/dict builtins,
  interpreter primitives).

Fails closed: a string-typed argument whose name is not in KNOWN_STRING_ARGUMENTS (every one of them read and found
not to name a path, a host or a program) stops the script, so a torch build with a new operator taking a path
cannot be derived without a decision. Namespaces outside LOAD_NAMESPACES are neither allowed nor denied here.

Also writes `work`: for every allowed operator, the integer arguments that divide or size what the operator does
(`groups`, `stride`, `dilation`, `step`, `kernel_size` … as `divisor`: zero or a negative value is a division by zero
or a bad loop step in native code, e.g. `aten::native_channel_shuffle` with groups=0 dies with SIGFPE under torch
1.13; `size`, `repeats`, `padding`, `output_size` … as `size`: the value is an allocation or a loop count), with the
positions they take across the operator's overloads. `stateFilledByTorch` lists the operators torch's own scripted
modules call at load with such arguments taken from their stored state (the quantized convolution modules' TorchScript
`__setstate__` repacks its weights with the stored stride, padding, dilation and groups): read in
`scripts/fixtures/torchscript-load.py`'s statically quantized model; each must be an allowed operator.

Also writes `division`: every allowed operator whose name matches DIVISION_PATTERN (div, mod, rem, quot: the names
of integer division, remainder and their prims/nvprims variants) or that has an integer overload (two `int` arguments,
an `int` result: the interpreter's integer builtins, whose kernels may divide whatever their name, as `gcd` runs
Euclid's `a % b`), with its class from the reviewed DIVISION_CLASSES: `divides` (divides integers natively whatever
its arguments: INT64_MIN by -1 traps with SIGFPE), `divides-either` (divides one operand by the other in either
order: `gcd(INT64_MIN, -1)` and `gcd(-1, INT64_MIN)` both trap), `rounding-mode`
(divides integers natively only with a `rounding_mode`, otherwise as floats), `float-only` (promotes integers to
floating point or refuses them; scripts/fixtures/torchscript-load-division.py loads each with INT64_MIN and -1 in a
throwaway process and proves it does not trap) or `not-division` (the name only contains the letters: `mode`,
`remove`, `modified_bessel`; or an integer builtin that does not divide: `add`, `__lshift__`, `max` …). An operator
matching the pattern or with an integer overload and no class stops the script.

And `unchecked`: the allowed operators that skip the validation of their checked twins (UNCHECKED_CLASSES, every
name matching UNCHECKED_PATTERN classified or the script stops; and the operators laying a tensor out from the
caller's sizes and strides without a bounds check, LAYOUT_CLASSES, every operator with both classified or the script
stops), and `uncheckedFlags`: operators with a boolean
argument that turns validation off (`unsafe`), with its positions. The load rule reports either at load (the flag
one unless the flag is absent or False): whether native code stays in bounds then depends on tensor values the
archive or the load code chooses.

And `superlinear`: the allowed operators whose work grows faster than their operands, by the name families in
SUPERLINEAR_FAMILIES (matrix products, convolutions, decompositions and solvers, outer and pairwise products): two
16384 x 16384 operands of `aten::mm` are 2^28 elements each and 4.4e12 multiply-adds. The load rule reports such a
call at load unless every tensor operand is provably small or stored in the archive.

And `tensorOut`: the allowed operators every overload of which returns one Tensor. The load rule reads a
repetition-capable operator (`aten::mul`: `[0] * n` prints as `torch.mul([0], n)`) as a list or string repetition
unless its operands are proven not to be sequences, and a call of one of these is such a proof.

And `loadFamilies`: the allowed operators code run at load may call, by reviewed family (LOAD_FAMILIES: construction,
views, elementwise math, reductions, comparisons, checked indexing, products, public layers, metadata, builtins;
LOAD_PRIMS; LOAD_PACKING for quantized weights). An allowlist: the load rule reports a call at load of any other
operator (internal `_` kernels and helpers, backward kernels, observer helpers, samplers and engines, backend kernels,
operators a later torch adds). The script stops on a listed name torch does not register, and when an operator of
stateFilledByTorch is outside the families.

And `windowed`: the operators whose work is their output times a window (pooling with a `kernel_size`, unfold), with
the window and stride arguments: the load rule charges the window per stride whatever the operand's origin.

And `scalarWork`: every operator of the load families with an overload on numbers, strings, lists or dicts only (no
Tensor argument or result), with its reviewed class (SCALAR_WORK): `constant`, `operand` (linear in a string or
container operand), `size` (an int argument sizes the output: it must have a `work` or repetition entry) or
`value-steps` (a native loop over an int argument's value: it must have a `valueSteps` entry with the argument, its
position and the most turns one call makes). The script stops on such an operator without a class. `scalarResult`:
the operators whose result holds no tensor, always or when their arguments hold none (`factorial(int) -> int`,
`add(int, int) -> int`), so that int arithmetic is not read as a broadcasting tensor operator.
"""
import json
import re
import sys

import torch

LOAD_NAMESPACES = ["aten", "prim", "prims", "nvprims", "quantized", "_quantized", "quantization", "sparse",
                   "prepacked", "mkldnn_prepacked", "onnx"]
# Names of str / Optional[str] / List[str] arguments in the namespaces above that select a mode, a dimension name,
# a format string or a string operand: none of them is opened, resolved or executed.
KNOWN_STRING_ARGUMENTS = {
    "dim", "self", "norm", "a", "b", "reduce", "substr", "key", "mode", "separator", "rounding_mode", "driver",
    "padding", "fillchar", "chars", "el", "UPLO", "approximate", "string", "names", "ord", "dim1", "interpolation",
    "s", "ind", "old", "new", "idx", "pad_mode", "outdim", "dim2", "dim0", "indexing", "message", "t", "equation",
    "p", "api_name", "side", "values", "input", "dims", "out_dim", "start_dim", "end_dim", "order", "msg", "cls",
    "l", "item", "attr",
}
FILE_ARGUMENTS = {"filename"}
DENIED_BY_NAME = {
    "prim::rpc_async": "remote procedure call (torch.distributed.rpc): sends the call to another process",
    "prim::rpc_sync": "remote procedure call (torch.distributed.rpc): sends the call to another process",
    "prim::rpc_remote": "remote procedure call (torch.distributed.rpc): sends the call to another process",
    "aten::to_here": "fetches a remote reference's value over RPC",
    "prim::PythonOp": "calls back into the Python interpreter",
    "prim::IgnoredPythonOp": "calls back into the Python interpreter",
}


DIVISOR_ARGUMENTS = {
    "groups", "group", "num_groups", "stride", "strides", "dilation", "step", "steps", "chunks", "split_size",
    "sections", "kernel_size", "divisor_override", "upscale_factor", "downscale_factor", "blocksize", "hop_length",
    "win_length", "n_fft", "bins", "nbins", "outer_length", "in_features_block_size", "out_features_block_size",
}
SIZE_ARGUMENTS = {
    "size", "sizes", "repeats", "padding", "output_size", "output_padding", "pad", "shape", "N", "C", "HxW",
    "window_length", "n", "num_samples", "length", "input_size", "hidden_size", "num_layers", "width", "H", "W",
    "split_sizes", "last_dim_size", "normalized_shape", "num_weights", "embed_dim", "num_heads", "num_head",
    "proj_size", "count",
    # Named otherwise, and still the size of the output or of a loop: one_hot's class count, bincount's minimum
    # length, the FFT signal sizes `s`, a packed sequence's padded length, the sizes backward operators allocate,
    # a Sobol draw's count, a vmap batch size, a quantization search's bin count and element count, mvlgamma's
    # dimension `p` (an arange of p terms per element), upsample's integer scale factor, CUDA-only attention lengths
    # and RNN batch sizes, fbgemm's packed K.
    "num_classes", "minlength", "s", "total_length", "input_sizes", "self_sizes", "bias_sizes", "input_shape",
    "num_generated", "batch_size", "n_bins", "numel", "p", "scale_factor", "max_q", "max_k", "batch_sizes", "K",
    "input_lengths", "target_lengths", "weight_stride0", "offsets", "ndim", "normalized_ndim", "self_num_batch_dims",
    "nnz", "cdim",
}
# Argument names that size the output of one operator only (the same name is an index list elsewhere: `dims` of
# permute and flip): tile's repetition counts, combinations' r, set_'s storage offset (set_ grows the storage to it).
SIZE_BY_OPERATOR = {
    "aten::tile": {"dims"}, "aten::combinations": {"r"}, "aten::set": {"storage_offset"},
    "aten::set_": {"storage_offset"},
}
# Integer arguments of allowed operators that never make the output larger than the operands (a dimension or an index
# into an operand, which torch checks against it; a dtype, layout or mode code; a value such as a fill, a zero point,
# a seed; a count that torch bounds by the operand, such as topk's k or a split's maximum). Every integer argument of
# an operator with a tensor or sequence operand must be in SIZE_ARGUMENTS, DIVISOR_ARGUMENTS, SIZE_BY_OPERATOR or
# here, or the script stops: a new argument that may size the output needs a decision.
NOT_SIZING_ARGUMENTS = {
    "dim", "dims", "dim0", "dim1", "dim2", "dimension", "dimensions", "axis", "axis0", "axis1", "start_dim",
    "end_dim", "source", "destination", "permutation", "broadcast_dimensions", "sparse_dim", "dense_dim", "ch_axis",
    "batch_dim", "out_dim", "level", "dtype", "layout", "memory_format", "reduction", "mode", "normalization",
    "interpolation_mode", "padding_mode", "input_dtype", "output_dtype", "type1", "type2", "cuda_dtype", "cpu_dtype",
    "compressed_indices_dtype", "compute_mode", "mask_type", "impl_index", "index", "idx", "ind", "i", "key",
    "start", "end", "offset", "diagonal", "padding_idx", "ignore_index", "blank", "storage_offset", "indices",
    "start_indices", "limit_indices", "start_index", "limit_index", "k", "shifts", "max", "decimals", "edge_order",
    "expand1", "expand2", "expand3", "sumdim", "unroll_dim", "dims_self", "dims_other", "ellipsis_idx", "path",
    "correction", "quant_min", "quant_max", "zero_point", "output_zero_point", "Y_zero_point_i", "bit_width", "pow",
    "growth_interval", "seed", "stacklevel", "context_id", "device_index", "max_size", "val", "from", "to",
    "self_size", "other_size", "a", "b", "x", "y", "l", "r", "lo", "hi", "el", "item", "self", "other", "input",
    "t", "low", "high", "addends",
}
# Operators whose output size is chosen by the values of a tensor operand (the archive's stored numbers), not only by
# its size: bincount makes max(values)+1 bins whatever its minlength; one_hot without a class count makes
# max(values)+1 classes; a sparse tensor built without a size takes its size from its largest index (densified it is
# that large); a packed sequence's padded length and batch come from its batch_sizes values. Each maps to the argument
# that bounds the output when given as a valid constant (one_hot raises on a value past num_classes, a sparse
# constructor on an index past its size), or None when no argument does. The load rule reports a call of one at
# load unless that argument is a valid constant. The index lookups (index_select, advanced indexing, embedding and
# embedding_bag, and the quantized embedding lookups) make one row per index (per bag): their output is the count of a
# stored index tensor times the width of the rows it selects, two stored sizes multiplied, and no argument bounds it.
VALUE_SIZED = {
    "aten::bincount": None,
    "aten::one_hot": "num_classes",
    "aten::_pad_packed_sequence": None,
    "aten::sparse_coo_tensor": "size",
    "aten::sparse_csr_tensor": "size",
    "aten::sparse_csc_tensor": "size",
    "aten::sparse_bsr_tensor": "size",
    "aten::sparse_bsc_tensor": "size",
    "aten::sparse_compressed_tensor": "size",
    "aten::index_select": None,
    "aten::index": None,
    "aten::embedding": None,
    "aten::embedding_bag": None,
    "aten::_embedding_bag": None,
    "aten::_embedding_bag_forward_only": None,
    "quantized::embedding_byte": None,
    "quantized::embedding_4bit": None,
    "quantized::embedding_bag_byte": None,
    "quantized::embedding_bag_4bit": None,
    "quantized::embedding_bag_2bit_rowwise_offsets": None,
    "quantized::embedding_bag_4bit_rowwise_offsets": None,
    "quantized::embedding_bag_byte_rowwise_offsets": None,
    # One output element per unit of the sum of its repeats' values (a stored repeats tensor of [2**36] asks for
    # 2**36 elements); a constant count is a work argument (repeats, at most 2**12 with the operand it multiplies).
    "aten::repeat_interleave": None,
}
# Operators whose run time per element is set by the value of an operand, not its size: the orthogonal polynomials
# evaluate their recurrence once per unit of the degree `n` (native loops; a stored degree of 10**12 runs for hours).
# A call at load is a finding unless that operand is a constant of at most the load's constant trip count.
VALUE_WORK = {f"aten::special_{name}": "n" for name in (
    "chebyshev_polynomial_t", "chebyshev_polynomial_u", "chebyshev_polynomial_v", "chebyshev_polynomial_w",
    "hermite_polynomial_h", "hermite_polynomial_he", "laguerre_polynomial_l", "legendre_polynomial_p",
    "shifted_chebyshev_polynomial_t", "shifted_chebyshev_polynomial_u", "shifted_chebyshev_polynomial_v",
    "shifted_chebyshev_polynomial_w")}
# The interpreter's operators on numbers, strings, lists and dicts (every overload with neither a Tensor argument nor
# a Tensor result, of an operator code run at load may call), each reviewed against torch 1.13's implementations
# (register_prim_ops.cpp, register_prim_ops_fulljit.cpp, register_special_ops.cpp) for what its native work depends
# on, by the costliest of its overloads. The script stops on such an operator without a class, so an operator a later
# torch adds to the load families needs this review before it is derived:
#   constant      fixed-width arithmetic, a libm function, a table lookup, a type refinement or flag: the same work
#                 whatever the values (`gcd` runs Euclid's loop at most ~92 times on 64-bit ints, `bin`/`hex`/`oct`
#                 write at most 64 digits, `pow` of ints is std::pow on doubles);
#   operand       linear (a sort: n log n) in the size of a string, list or dict operand, which the archive stores or
#                 the load builds and the load rule's string, scan and loop charges read;
#   size          an int argument sizes the output (the `work` section's sizes, or a repetition count): checked as a
#                 size argument at load;
#   value-steps   a native loop runs once per unit of an int argument's value (VALUE_STEPS): charged at load as that
#                 value, or as its type's bound when the code does not fix it.
SCALAR_CONSTANT = [
    "aten::Bool", "aten::Complex", "aten::__and__", "aten::__derive_index", "aten::__is__", "aten::__isnot__",
    "aten::__lshift__", "aten::__not__", "aten::__or__", "aten::__range_length", "aten::__round_to_zero_floordiv",
    "aten::__rshift__", "aten::__xor__", "aten::_unwrap_optional", "aten::acos", "aten::acosh", "aten::angle",
    "aten::asin", "aten::asinh", "aten::atan", "aten::atan2", "aten::atanh", "aten::bin", "aten::can_cast",
    "aten::ceil", "aten::chr", "aten::copysign", "aten::cos", "aten::cosh", "aten::degrees", "aten::div",
    "aten::divmod", "aten::erf", "aten::erfc", "aten::exp", "aten::expm1", "aten::floor", "aten::floordiv",
    "aten::fmod", "aten::frexp", "aten::gamma", "aten::gcd", "aten::has_torch_function", "aten::hex",
    "aten::is_grad_enabled", "aten::is_scripting", "aten::isfinite", "aten::isinf", "aten::isnan", "aten::ldexp",
    "aten::len", "aten::lgamma", "aten::log", "aten::log10", "aten::log1p", "aten::mathremainder", "aten::modf",
    "aten::neg", "aten::oct", "aten::ord", "aten::polar", "aten::pow", "aten::promote_types", "aten::radians",
    "aten::remainder", "aten::result_type", "aten::round", "aten::set_grad_enabled", "aten::sin", "aten::sinh",
    "aten::sqrt", "aten::sub", "aten::tan", "aten::tanh", "prim::EnumName", "prim::EnumValue", "prim::StringIndex",
    "prim::TupleIndex", "prim::TupleUnpack", "prim::Uninitialized", "prim::abs", "prim::id", "prim::type",
    "prim::unchecked_cast", "prim::unchecked_unwrap_optional",
]
SCALAR_OPERAND = [
    "aten::Delete", "aten::Float", "aten::Int", "aten::Size", "aten::__contains__", "aten::__getitem__",
    "aten::_set_item", "aten::add", "aten::add_", "aten::all", "aten::any", "aten::append", "aten::capitalize",
    "aten::clear", "aten::copy", "aten::count", "aten::dequantize", "aten::device", "aten::dict", "aten::endswith",
    "aten::eq", "aten::extend", "aten::find", "aten::format", "aten::ge", "aten::get", "aten::gt", "aten::hash",
    "aten::index", "aten::insert", "aten::isalnum", "aten::isalpha", "aten::isdecimal", "aten::isdigit",
    "aten::isidentifier", "aten::islower", "aten::isnumeric", "aten::isprintable", "aten::isspace", "aten::istitle",
    "aten::isupper", "aten::items", "aten::join", "aten::keys", "aten::le", "aten::list", "aten::lower",
    "aten::lstrip", "aten::lt", "aten::ne", "aten::partition", "aten::percentFormat", "aten::pop", "aten::popitem",
    "aten::remove", "aten::replace", "aten::reverse", "aten::rfind", "aten::rindex", "aten::rpartition",
    "aten::rsplit", "aten::rstrip", "aten::select", "aten::setdefault", "aten::slice", "aten::sort", "aten::sorted",
    "aten::split", "aten::splitlines", "aten::startswith", "aten::str", "aten::strip", "aten::sum", "aten::swapcase",
    "aten::title", "aten::update", "aten::upper", "aten::values", "aten::warn", "prim::Print", "prim::RaiseException",
    "prim::max", "prim::min", "prim::tolist",
]
# The accessors of packed convolution parameters return the few ints the packed object holds.
SCALAR_ACCESSOR = re.compile(r"^quantized::conv(?:_transpose)?[23]d_(?:dilation|groups|output_padding|padding|stride|"
                             r"transpose)$")
SCALAR_OPERAND += ["quantized::conv2d_unpack_sizes", "quantized::make_quantized_cell_params_fp16"]
SCALAR_SIZE = [
    "aten::center", "aten::expandtabs", "aten::ljust", "aten::mul", "aten::mul_", "aten::rjust", "aten::zfill",
    "prim::rangelist",
]
# Operators whose native loop runs once per unit of an int argument's value: the argument, its position, and the most
# turns one call can make whatever the value (the type the implementation reads it as). `math.factorial` multiplies
# 2..n in a C++ loop over its argument taken as a 32-bit int: up to 2^31 - 1 turns, about a second each call.
VALUE_STEPS = {
    "aten::factorial": {"argument": "a", "position": 0, "bound": 2**31 - 1},
}
SCALAR_WORK = {
    **{op: "constant" for op in SCALAR_CONSTANT},
    **{op: "operand" for op in SCALAR_OPERAND},
    **{op: "size" for op in SCALAR_SIZE},
    **{op: "value-steps" for op in VALUE_STEPS},
}
# Types that hold no tensor (the interpreter's numbers, strings, devices and containers of them).
NO_TENSOR_TYPE = re.compile(r"^(?:int|SymInt|float|bool|str|complex|number|Scalar|NoneType|Device|Layout|"
                            r"ScalarType|MemoryFormat|(?:Optional|List|Tuple)\[[^\]]*\])$")


def holds_no_tensor(t: str) -> bool:
    t = t.replace(" ", "")
    if "Tensor" in t or re.search(r"\b(?:t|t1|t2|tVal|Any|AnyEnumType)\b", t) or "__torch__" in t:
        return False
    return NO_TENSOR_TYPE.match(t) is not None or t in ("int[]", "float[]", "bool[]", "str[]")


def scalar_work(schemas, families) -> tuple:
    """(class per operator, unclassified, class errors): every operator of the load families with an overload that
    takes no Tensor and returns none, classified by SCALAR_WORK."""
    listed = {op for ops in families.values() for op in ops}
    scalar = set()
    for s in schemas:
        if s.name not in listed:
            continue
        types = [str(a.type) for a in s.arguments] + [str(r.type) for r in s.returns]
        if any("Tensor" in t for t in types):
            continue
        scalar.add(s.name)
    classes = {op: SCALAR_WORK.get(op, "constant" if SCALAR_ACCESSOR.match(op) else None) for op in sorted(scalar)}
    unknown = sorted(op for op, c in classes.items() if c is None)
    return {op: c for op, c in classes.items() if c is not None}, unknown


def scalar_results(schemas) -> dict:
    """Operator -> 'always' when every overload returns values that hold no tensor (`math.factorial` returns an int),
    'from-scalars' when every overload whose arguments hold no tensor does (`add(int, int)` is an int even though
    `add(Tensor, Tensor)` is a tensor): a call of one is a number, a string or a container of those, never a tensor
    operand that broadcasts."""
    always, scalars = {}, {}
    for s in schemas:
        out = all(holds_no_tensor(str(r.type)) for r in s.returns) and len(s.returns) > 0
        always[s.name] = always.get(s.name, True) and out
        if all(holds_no_tensor(str(a.type)) for a in s.arguments):
            scalars[s.name] = scalars.get(s.name, True) and out
    res = {}
    for op in sorted(always):
        if always[op]:
            res[op] = "always"
        elif scalars.get(op):
            res[op] = "from-scalars"
    return res
INT_TYPES = ("int", "SymInt", "int[", "SymInt[", "Optional[int]", "Optional[SymInt]", "Optional[List[int]]",
             "List[int]", "List[SymInt]", "Optional[List[SymInt]]")
# Producers (operators with no tensor operand that return a tensor, a list or a string) make their output from their
# non-tensor arguments alone: every numeric argument of one sizes the output (a `size` work argument, whatever its
# name: arange's start and end, eye's n and m, linspace's steps, a string's width) unless it is reviewed here as a
# value that does not (a fill value, a distribution's parameters, an index into the operand). Fails closed: an
# argument not listed is a size.
PRODUCER_VALUE_ARGUMENTS = {
    "fill_value", "low", "high", "mean", "std", "base", "alpha", "beta", "d", "offset", "dropout", "dropout_seed",
    "sparse_dim", "dense_dim", "stride", "strides", "idx", "index", "i", "max", "scale", "zero_point", "axis",
    "quant_min", "quant_max", "generator", "t", "self", "a", "b", "x", "el", "elem", "s", "input", "l", "r", "dim",
}
# Per operator: the interval ends of linspace and logspace are values (their `steps` is the count).
PRODUCER_VALUE_BY_OPERATOR = {
    "aten::linspace": {"start", "end"}, "aten::logspace": {"start", "end"},
    "prims::linspace": {"start", "end"}, "prims::logspace": {"start", "end"},
}
# Operators whose producer overloads only read from their list or string operand (slicing, indexing).
PRODUCER_READERS = {"aten::slice", "aten::__getitem__", "prim::StringIndex"}
NUMERIC_TYPES = ("int", "SymInt", "float", "Scalar", "number", "Optional[int]", "Optional[SymInt]", "Optional[float]",
                 "Optional[Scalar]", "Optional[number]", "List[int]", "List[SymInt]", "Optional[List[int]]")
# How a producer's size arguments make its element count when they are constants (default: their product).
SHAPE_FORMULAS = {"aten::arange": "range", "aten::range": "range", "aten::eye": "square"}
# Arguments that size the output even where another overload takes a tensor at the same position
# (`repeat_interleave(self, int repeats)` and `(self, Tensor repeats)`: the output has sum(repeats) rows either way).
SIZE_EVEN_AS_TENSOR = {"repeats"}
STATE_FILLED_BY_TORCH = [
    "quantized::conv1d_prepack", "quantized::conv2d_prepack", "quantized::conv3d_prepack",
    "quantized::conv_transpose1d_prepack", "quantized::conv_transpose2d_prepack",
    "quantized::conv_transpose3d_prepack",
]

DIVISION_PATTERN = re.compile(r"div|mod|rem|quot")
DIVISION_CLASSES = {
    # Integer division, remainder and modulo in native code (SIGFPE on INT64_MIN and -1).
    "aten::__round_to_zero_floordiv": "divides",
    "aten::divmod": "divides",
    "aten::floor_divide": "divides",
    "aten::floor_divide_": "divides",
    "aten::floordiv": "divides",
    "aten::fmod": "divides",
    "aten::fmod_": "divides",
    "aten::remainder": "divides",
    "aten::remainder_": "divides",
    # prims.div truncates integer operands (no rounding mode to read); prims/nvprims fmod and remainder divide too.
    "prims::div": "divides",
    "prims::fmod": "divides",
    "prims::remainder": "divides",
    "nvprims::div": "divides",
    "nvprims::fmod": "divides",
    "nvprims::remainder": "divides",
    # Euclid's algorithm on ints (`math.gcd`, aten::gcd.int): `a % b` with either operand as the divisor.
    "aten::gcd": "divides-either",
    # True division unless a rounding_mode ('trunc', 'floor') is given.
    "aten::div": "rounding-mode",
    "aten::div_": "rounding-mode",
    "aten::divide": "rounding-mode",
    "aten::divide_": "rounding-mode",
    # Promote integers to floating point, or refuse integer tensors (proved by the division fixture generator).
    "aten::true_divide": "float-only",
    "aten::true_divide_": "float-only",
    "aten::_foreach_div": "float-only",
    "aten::_foreach_div_": "float-only",
    "aten::addcdiv": "float-only",
    "aten::addcdiv_": "float-only",
    "aten::_foreach_addcdiv": "float-only",
    "aten::_foreach_addcdiv_": "float-only",
    "aten::kl_div": "float-only",
    "aten::mathremainder": "float-only",
    "aten::modf": "float-only",
    # The letters only.
    "aten::_convolution_mode": "not-division",
    "aten::_remove_batch_dim": "not-division",
    "aten::mode": "not-division",
    "aten::remove": "not-division",
    "aten::special_modified_bessel_i0": "not-division",
    "aten::special_modified_bessel_i1": "not-division",
    "aten::special_modified_bessel_k0": "not-division",
    "aten::special_modified_bessel_k1": "not-division",
    "aten::special_scaled_modified_bessel_k0": "not-division",
    "aten::special_scaled_modified_bessel_k1": "not-division",
    # Integer builtins that do not divide (an integer overload: two ints in, an int out).
    "aten::__and__": "not-division",
    "aten::__lshift__": "not-division",
    "aten::__or__": "not-division",
    "aten::__rshift__": "not-division",
    "aten::__xor__": "not-division",
    "aten::add": "not-division",
    "aten::mul": "not-division",
    "aten::pow": "not-division",
    "aten::promote_types": "not-division",
    "aten::sub": "not-division",
    "prim::max": "not-division",
    "prim::min": "not-division",
}


def integer_builtins(schemas):
    """Operators with an overload of two `int` arguments and an `int` result (the interpreter's integer builtins)."""
    return {s.name for s in schemas
            if [str(a.type) for a in s.arguments] == ["int", "int"] and [str(r.type) for r in s.returns] == ["int"]}

# Name families of operators whose work is superlinear in their operands, matched against the bare operator name.
SUPERLINEAR_FAMILIES = [
    # Matrix and tensor products: (n x k) @ (k x m) is n*k*m multiply-adds from n*k + k*m elements.
    r"^_?(mm|bmm|matmul|addmm|addbmm|baddbmm|_addmm_activation|sparse_mm|sparse_addmm|chain_matmul|einsum|"
    r"tensordot|inner|linear|bilinear|mkldnn_linear|kron|outer|ger|cartesian_prod|combinations|cdist|"
    r"cdist_forward|pdist|pdist_forward)(_|$)",
    r"^(linear|matmul|linear_clamp_run)",  # quantized::linear*, quantized::matmul, prepacked::linear_clamp_run
    # Diagonal matrices and block-diagonal assembly: an n-element operand makes an n x n result.
    r"^(diag|diagflat|diag_embed|block_diag)(_|$)",
    # Covariance and correlation (n variables make an n x n result from n*m products), Vandermonde matrices (an n-element
    # operand makes n x N), the trilinear product behind bilinear.
    r"^(cov|corrcoef|vander|_trilinear)$",
    # Convolutions (every spelling).
    r"conv(?!ert)",
    # Decompositions, inverses, determinants, solvers, matrix functions.
    r"^_?linalg_(?!(diagonal|cross|vecdot|vector_norm|check_errors)$)",
    r"^_?(svd|qr|cholesky|cholesky_solve|cholesky_inverse|cholesky_solve_helper|inverse|det|logdet|slogdet|"
    r"pinverse|lu_with_info|lu_solve|lu_unpack|triangular_solve|geqrf|orgqr|ormqr|symeig|symeig_helper|"
    r"matrix_power|matrix_exp)(_|$)",
]
SUPERLINEAR = re.compile("|".join(f"(?:{f})" for f in SUPERLINEAR_FAMILIES))
# Not work on operands: packing and unpacking weights, and the accessors of packed parameters
# (`quantized::conv2d_stride` returns the stored stride; `quantized::conv2d_transpose` whether it is transposed).
NOT_SUPERLINEAR = re.compile(r"prepack|unpack|reorder|_(stride|padding|dilation|groups|output_padding|transpose)$")


# Operators that skip the checks their checked twins make, by name: `_sparse_coo_tensor_unsafe` and the other sparse
# `_unsafe` constructors take index tensors as they are (an index past the size is a heap write when the tensor is
# densified: torch 1.13 dies with SIGSEGV, proved by scripts/fixtures/torchscript-load-memory.py), and the
# `unsafe_` / `_unsafe_` variants skip autograd's aliasing checks. Every allowed operator whose name matches
# UNCHECKED_PATTERN needs a class here, or the script stops: `unchecked` (reported at load) or `type-refinement`
# (the interpreter's casts of a value whose type was already checked; no memory is touched).
# The index-taking operators (index, index_put_, index_select, index_add_, index_copy_, index_fill_, scatter*,
# gather, take, put_, embedding, embedding_bag) check their indices in torch 1.13 (an index of 10**12 raises
# IndexError or RuntimeError), so they are not in this class.
UNCHECKED_PATTERN = re.compile(r"unsafe|unchecked|with_dims_and_tensors")
UNCHECKED_CLASSES = {
    "aten::_sparse_bsc_tensor_unsafe": "unchecked",
    "aten::_sparse_bsr_tensor_unsafe": "unchecked",
    "aten::_sparse_compressed_tensor_unsafe": "unchecked",
    "aten::_sparse_coo_tensor_unsafe": "unchecked",
    "aten::_sparse_coo_tensor_with_dims_and_tensors": "unchecked",
    "aten::_sparse_csc_tensor_unsafe": "unchecked",
    "aten::_sparse_csr_tensor_unsafe": "unchecked",
    "aten::_unsafe_view": "unchecked",
    "aten::unsafe_chunk": "unchecked",
    "aten::unsafe_split": "unchecked",
    "aten::unsafe_split_with_sizes": "unchecked",
    "prim::unchecked_cast": "type-refinement",
    "prim::unchecked_unwrap_optional": "type-refinement",
}
# Boolean arguments that turn a checked operator's validation off (`segment_reduce(..., unsafe=True)` trusts its
# lengths, `_index_put_impl_(..., unsafe=True)` its indices; `segment_reduce` trusts its offsets even with
# unsafe=False, offsets [0, 10**9] over 4 elements is SIGSEGV in torch 1.13, so it is a `positions` operator too): such an operator is reported at load unless the
# argument is absent or the constant False. Every bool argument of an allowed operator whose name matches
# UNCHECKED_FLAG_PATTERN must be listed here (the argument names that switch a check off) or in CHECK_FLAGS (the
# ones that switch one on), or the script stops.
UNCHECKED_FLAG_PATTERN = re.compile(r"unsafe|check|valid")
UNCHECKED_FLAGS = {"unsafe"}
CHECK_FLAGS = {"check_errors", "mask_check"}


# Operators that lay a tensor out from the caller's sizes and strides (every allowed operator with an int-list argument
# named `size`/`shape` and one named `stride`/`strides`: the family of as_strided, _reshape_alias and set_), by what
# torch 1.13 does with a layout reaching past the storage (size [16], stride [2^24] on a 4-element tensor, run in a
# throwaway process): `unchecked` views the storage with no bounds check (`_reshape_alias` and its copy die with
# SIGSEGV on the first read; reported at load like the other unchecked operators), `checked` raises (as_strided and
# its variants: setStorage's bounds check; prims.as_strided; `_assert_tensor_metadata` only compares), `allocates`
# sizes new memory by the layout's reach (`set_`/`set` grow the storage to it, `empty_strided` allocates it): their
# stride is a size, not a divisor. An operator of the family without a class stops the script.
LAYOUT_SIZE_NAMES = {"size", "shape"}
LAYOUT_STRIDE_NAMES = {"stride", "strides"}
LAYOUT_CLASSES = {
    "aten::_assert_tensor_metadata": "checked",
    "aten::_reshape_alias": "unchecked",
    "aten::_reshape_alias_copy": "unchecked",
    "aten::as_strided": "checked",
    "aten::as_strided_": "checked",
    "aten::as_strided_copy": "checked",
    "aten::as_strided_scatter": "checked",
    "aten::empty_strided": "allocates",
    "aten::new_empty_strided": "allocates",
    "aten::set": "allocates",
    "aten::set_": "allocates",
    "prims::as_strided": "checked",
    "prims::empty_strided": "allocates",
}


# Tensor arguments whose values a kernel uses as positions into other memory (an element index, a row of a lookup
# table, an offset or length into another tensor, a pivot row, a class index): native code trusts them unless the
# operator checks them first. Every Tensor argument of an allowed operator that is not an output (an `out=` or other
# written buffer: `(a!)` in the schema) is classified by name as a position (POSITION_ARGUMENTS) or as values read as
# numbers (VALUE_TENSOR_ARGUMENTS), or the script stops; `target` is a position only for the losses whose target is a
# class index (TARGET_POSITIONS; the regression losses read it as values). An operator taking a position is reported
# at load (`unchecked`, class `positions`) unless every one of its position arguments is in POSITIONS_CHECKED with a
# call giving it an out-of-range value, which `prove_positions` runs in a throwaway process with this torch: the call
# must raise (IndexError, RuntimeError, ValueError), never end by a signal or return.
POSITION_ARGUMENTS = {
    "indices", "index", "sorter", "targets", "offsets", "lengths", "input_lengths", "target_lengths",
    "batch_sizes", "crow_indices", "col_indices", "ccol_indices", "row_indices", "compressed_indices",
    "plain_indices", "compressed_idx", "plain_idx", "offset2bag", "bag_size", "maximum_indices",
    "compressed_indices_mapping", "pivots", "LU_pivots", "mask_indices", "sorted_indices", "unsorted_indices",
    "min_indices", "cum_seq_q", "cum_seq_k", "nested_size", "nested_strides", "tensor_indices_or_sections",
    "start", "is_target",
}
TARGET_POSITIONS = {
    "aten::nll_loss", "aten::nll_loss2d", "aten::nll_loss2d_backward", "aten::nll_loss2d_forward",
    "aten::nll_loss_backward", "aten::nll_loss_forward", "aten::nll_loss_nd", "aten::cross_entropy_loss",
    "aten::multi_margin_loss", "aten::multi_margin_loss_backward", "aten::multilabel_margin_loss",
    "aten::multilabel_margin_loss_backward", "aten::multilabel_margin_loss_forward",
}
VALUE_TENSOR_ARGUMENTS = {
    "self", "other", "weight", "bias", "input", "grad_output", "x", "values", "a", "grad_input", "target", "tensors",
    "n", "qx", "grad", "hx", "qa", "A", "mask", "output", "src", "mean", "B", "running_mean", "running_var",
    "source", "value", "scale", "zero_point", "key", "mat2", "tensor1", "tensor2", "X", "b", "params", "grid",
    "per_sample_weights", "data", "cx", "qb", "log_probs", "mat1", "grad_hy", "W", "b_ih", "b_hh", "min", "max",
    "qkv_bias", "grad_out", "query", "inp", "y", "exponent", "invstd", "grad_cy", "qkv_weight", "proj_weight",
    "proj_bias", "var", "tensor", "found_inf", "w_ih", "w_hh", "x1", "x2", "input2", "t", "save_mean",
    "dropout_state", "LU", "vec2", "info", "the_template", "input_gates", "hidden_gates", "input_bias",
    "hidden_bias", "v", "q", "weight_buf", "batch1", "batch2", "end", "scales", "zero_points", "condition",
    "total_weight", "bins", "workspace", "noise", "U", "vec", "LD", "packed_ih", "packed_hh", "col_offsets_ih",
    "col_offsets_hh", "cy", "observer_on", "fake_quant_on", "running_min", "running_max", "padded", "count",
    "reserve", "theta", "dst", "incr_key", "incr_value", "norm_weight_1", "norm_bias_1", "norm_weight_2",
    "norm_bias_2", "ffn_weight_1", "ffn_bias_1", "ffn_weight_2", "ffn_bias_2", "dx", "boundaries", "LU_data",
    "random_samples", "atol", "rtol", "std", "save_var", "rstd", "sorted_sequence", "elements", "test_elements",
    "z", "inv_scale", "grads", "exp_avgs", "exp_avg_sqs", "max_exp_avg_sqs", "state_steps", "grad_scale",
    "growth_tracker", "attn_mask", "dummy", "grad_w", "saved_v", "saved_g", "saved_norms", "g", "window", "el",
    "primal", "tangent", "vec1", "L", "qtensor", "sign", "logabsdet", "result", "S", "tau", "inputs", "input1",
    "mat", "p", "buffer", "repeats", "save_invstd", "neg_log_likelihood", "log_alpha", "shape", "packed_weight",
    "packed", "col_offsets", "sobolstate", "k", "pred", "list", "grad_y", "z_state", "cell_state_fwd", "i1", "i2",
    "i3", "nt_example", "mean_dy", "mean_dy_xmu", "counts", "weight_arr", "P", "grad_x", "grad_glu", "dgrad_glu",
    "glu", "grad_in", "hist", "bin_edges", "fake_quant_enabled", "diagonals", "alpha", "total", "eigenvalues",
    "eigenvectors", "spacing", "max_values", "Q", "R", "V", "bias_ih", "bias_hh", "tol", "self_or_result", "input3",
    "abs", "angle", "prob", "pos_weight", "gradient", "Vh", "cdist", "prepend", "append",
    "cpu_nested_shape_example", "matrices", "rcond", "reserveSpace", "pdist", "coefficients", "W_prepack",
    "weights", "real", "imag", "qkv", "flat", "sequences", "from", "sparse", "dense", "to_add",
    "save_var_transform", "reservedSpace", "like", "ltm", "quasi", "dual", "grad_weight", "grad_bias", "roots",
    "qtensors", "fweights", "aweights", "mantissa", "inverse", "solution", "residuals", "rank", "singular_values",
    "M", "e", "l", "idx", "outputs", "grad_outputs", "anchor", "positive", "negative", "eigvals", "eigvecs", "ggI",
    "ggW", "ggb", "gO", "grad_tensors", "new_data", "dict", "out",
}
# One call per (operator, position argument) giving that argument an out-of-range value, run by prove_positions.
_T = "torch.zeros(4)"
_BIG = "torch.tensor([10**12])"
POSITIONS_CHECKED = {
    "aten::index": {"indices": f"{_T}[{_BIG}]"},
    "aten::index_put": {"indices": f"{_T}.index_put(({_BIG},), torch.ones(1))"},
    "aten::index_put_": {"indices": f"{_T}.index_put_(({_BIG},), torch.ones(1))"},
    "aten::_index_put_impl": {"indices": f"torch.ops.aten._index_put_impl({_T}, ({_BIG},), torch.ones(1), False, False)"},
    "aten::_index_put_impl_": {"indices": f"torch.ops.aten._index_put_impl_({_T}, ({_BIG},), torch.ones(1), False, False)"},
    "aten::index_select": {"index": f"torch.index_select({_T}, 0, {_BIG})"},
    "aten::index_add": {"index": f"{_T}.index_add(0, {_BIG}, torch.ones(1))"},
    "aten::index_add_": {"index": f"{_T}.index_add_(0, {_BIG}, torch.ones(1))"},
    "aten::index_copy": {"index": f"{_T}.index_copy(0, {_BIG}, torch.ones(1))"},
    "aten::index_copy_": {"index": f"{_T}.index_copy_(0, {_BIG}, torch.ones(1))"},
    "aten::index_fill": {"index": f"{_T}.index_fill(0, {_BIG}, 1.0)"},
    "aten::index_fill_": {"index": f"{_T}.index_fill_(0, {_BIG}, 1.0)"},
    "aten::index_reduce": {"index": f"{_T}.index_reduce(0, {_BIG}, torch.ones(1), 'prod')"},
    "aten::index_reduce_": {"index": f"{_T}.index_reduce_(0, {_BIG}, torch.ones(1), 'prod')"},
    "aten::scatter": {"index": f"{_T}.scatter(0, {_BIG}, torch.ones(1))"},
    "aten::scatter_": {"index": f"{_T}.scatter_(0, {_BIG}, torch.ones(1))"},
    "aten::scatter_add": {"index": f"{_T}.scatter_add(0, {_BIG}, torch.ones(1))"},
    "aten::scatter_add_": {"index": f"{_T}.scatter_add_(0, {_BIG}, torch.ones(1))"},
    "aten::scatter_reduce": {"index": f"{_T}.scatter_reduce(0, {_BIG}, torch.ones(1), 'sum')"},
    "aten::scatter_reduce_": {"index": f"{_T}.scatter_reduce_(0, {_BIG}, torch.ones(1), 'sum')"},
    "aten::gather": {"index": f"torch.gather({_T}, 0, {_BIG})"},
    "aten::take": {"index": f"torch.take({_T}, {_BIG})"},
    "aten::take_along_dim": {"indices": f"torch.take_along_dim({_T}, {_BIG}, 0)"},
    "aten::put": {"index": f"{_T}.put({_BIG}, torch.ones(1))"},
    "aten::put_": {"index": f"{_T}.put_({_BIG}, torch.ones(1))"},
    "aten::embedding": {"indices": f"torch.embedding(torch.zeros(4, 2), {_BIG})"},
    "aten::embedding_bag": {
        "indices": f"torch.embedding_bag(torch.zeros(4, 2), {_BIG}, torch.tensor([0]))",
        "offsets": "torch.embedding_bag(torch.zeros(4, 2), torch.tensor([0, 1]), torch.tensor([0, 10**12]))",
    },
    "aten::_embedding_bag": {
        "indices": f"torch.ops.aten._embedding_bag(torch.zeros(4, 2), {_BIG}, torch.tensor([0]))",
        "offsets": "torch.ops.aten._embedding_bag(torch.zeros(4, 2), torch.tensor([0, 1]), torch.tensor([0, 10**12]))",
    },
    "aten::_embedding_bag_forward_only": {
        "indices": f"torch.ops.aten._embedding_bag_forward_only(torch.zeros(4, 2), {_BIG}, torch.tensor([0]))",
        "offsets": "torch.ops.aten._embedding_bag_forward_only(torch.zeros(4, 2), torch.tensor([0, 1]), "
                   "torch.tensor([0, 10**12]))",
    },
    "aten::sparse_coo_tensor": {"indices": "torch.sparse_coo_tensor(torch.tensor([[10**12]]), torch.ones(1), [4])"},
    "aten::narrow": {"start": f"torch.narrow({_T}, 0, torch.tensor(10**12), 1)"},
    "aten::nll_loss": {"target": "torch._C._nn.nll_loss(torch.zeros(1, 3), torch.tensor([10**12]))"},
    "aten::nll_loss_nd": {"target": "torch._C._nn.nll_loss_nd(torch.zeros(1, 3), torch.tensor([10**12]))"},
    "aten::nll_loss2d": {"target": "torch._C._nn.nll_loss2d(torch.zeros(1, 3, 2, 2), torch.full((1, 2, 2), 10**12))"},
    "aten::cross_entropy_loss": {"target": "torch._C._nn.cross_entropy_loss(torch.zeros(1, 3), torch.tensor([10**12]))"},
    "aten::multi_margin_loss": {"target": "torch._C._nn.multi_margin_loss(torch.zeros(1, 3), torch.tensor([10**12]))"},
    "aten::multilabel_margin_loss": {"target": "torch._C._nn.multilabel_margin_loss(torch.zeros(1, 3), torch.tensor([[10**12, 0, 0]]))"},
}


def position_arguments(schemas) -> tuple:
    """({op: sorted position arguments}, {op: {argument: sorted positions across overloads}}, unknown): the non-output
    Tensor arguments of each operator read as positions, and where its overloads take them."""
    out: dict = {}
    at: dict = {}
    unknown = set()
    for s in schemas:
        for i, a in enumerate(s.arguments):
            if "Tensor" not in str(a.type) or (a.alias_info is not None and a.alias_info.is_write):
                continue
            if a.name in POSITION_ARGUMENTS or (a.name == "target" and s.name in TARGET_POSITIONS):
                out.setdefault(s.name, set()).add(a.name)
                if not a.kwarg_only:
                    at.setdefault(s.name, {}).setdefault(a.name, set()).add(i)
                else:
                    at.setdefault(s.name, {}).setdefault(a.name, set())
            elif a.name not in VALUE_TENSOR_ARGUMENTS:
                unknown.add(f"{s.name}({a.name}: {a.type})")
    return ({op: sorted(v) for op, v in sorted(out.items())},
            {op: {n: sorted(p) for n, p in sorted(args.items())} for op, args in sorted(at.items())}, sorted(unknown))


def prove_positions(positions: dict) -> tuple:
    """(checked ops, failures): runs each POSITIONS_CHECKED call in a throwaway process; an operator counts as checked
    only when a call for every one of its position arguments raised."""
    import subprocess

    proved, failures = set(), []
    for op, calls in sorted(POSITIONS_CHECKED.items()):
        if op not in positions:
            failures.append(f"{op}: listed but takes no position argument")
            continue
        ok = True
        for arg in positions[op]:
            code = calls.get(arg)
            if code is None:
                ok = False
                continue
            r = subprocess.run([sys.executable, "-c", f"import torch\n{code}"], capture_output=True, text=True,
                               timeout=120)
            last = (r.stderr.strip().splitlines() or [""])[-1]
            if r.returncode != 1 or not re.match(r"(IndexError|RuntimeError|ValueError)\b", last):
                failures.append(f"{op}({arg}): exit {r.returncode}: {last[:200]}")
                ok = False
        if ok:
            proved.add(op)
    return proved, failures


def layout_operators(schemas) -> dict | None:
    """{op: class} for the operators taking a caller layout (sizes with strides), failing closed on an unclassified one."""
    found = set()
    for s in schemas:
        names = {a.name for a in s.arguments if "int" in str(a.type) and "[]" in str(a.type) or "List[int]" in str(a.type)}
        if names & LAYOUT_SIZE_NAMES and names & LAYOUT_STRIDE_NAMES:
            found.add(s.name)
    missing = sorted(op for op in found if op not in LAYOUT_CLASSES)
    if missing:
        sys.stderr.write("operators taking sizes and strides without a layout class: " + ", ".join(missing) + "\n")
        return None
    return {op: LAYOUT_CLASSES[op] for op in sorted(found)}


def unchecked_operators(schemas, allowed) -> tuple:
    """({op: class}, {op: [flag argument, positions]}), failing closed on a name or flag nobody classified."""
    names = sorted(op for op in allowed if UNCHECKED_PATTERN.search(op.split("::")[1]))
    missing = [op for op in names if op not in UNCHECKED_CLASSES]
    flags: dict = {}
    unknown = []
    for s in schemas:
        for i, a in enumerate(s.arguments):
            if str(a.type) != "bool" or not UNCHECKED_FLAG_PATTERN.search(a.name):
                continue
            if a.name in UNCHECKED_FLAGS:
                entry = flags.setdefault(s.name, [a.name, []])
                if i not in entry[1]:
                    entry[1].append(i)
            elif a.name not in CHECK_FLAGS:
                unknown.append(f"{s.name}({a.name})")
    if missing or unknown:
        sys.stderr.write("unclassified unchecked operators or flags: " + ", ".join(missing + sorted(set(unknown))) + "\n")
        return None, None
    classes = {op: UNCHECKED_CLASSES[op] for op in names}
    return classes, {op: [n, sorted(p)] for op, (n, p) in sorted(flags.items())}


def is_producer(s) -> bool:
    """No tensor operand (an `out=` tensor is where the result goes), and a tensor, a list or a string out."""
    if any("Tensor" in str(a.type) and not (a.kwarg_only and a.name == "out") for a in s.arguments) or len(s.returns) != 1:
        return False
    r = str(s.returns[0].type)
    return r == "Tensor" or r == "str" or r.startswith("List[")


def repetition_operators(schemas) -> list:
    """Operators with an overload repeating a list or string operand by an int (`[0] * n`, `"ab" * n`)."""
    out = set()
    for s in schemas:
        types = [str(a.type) for a in s.arguments]
        seq = [t for t in types if t == "str" or t.startswith("List[")]
        names = [a.name for a in s.arguments]
        if len(types) == 2 and len(seq) == 1 and "int" in types and "n" in names and is_producer(s):
            out.add(s.name)
    return sorted(out)


def tensor_out_operators(schemas) -> list:
    """Operators every overload of which returns exactly one Tensor: a call of one is never a list or a string (the
    operand a list repetition repeats) and never an int (the count it repeats by)."""
    outs = {}
    for s in schemas:
        ok = len(s.returns) == 1 and str(s.returns[0].type) == "Tensor"
        outs[s.name] = outs.get(s.name, True) and ok
    return sorted(op for op, ok in outs.items() if ok)


def work_arguments(schemas) -> dict:
    """Operator -> {argument name: [kind, sorted positions]} for the divisor and size arguments of its overloads.

    A position is kept only when every overload of the operator that has it takes an integer there: `aten::mul`'s
    `int n` (list repetition) shares its position with tensors and numbers, so a call cannot be told apart by
    position; the name still matches a keyword argument.
    """
    mixed = set()
    for s in schemas:
        for i, a in enumerate(s.arguments):
            if a.kwarg_only and is_producer(s):
                continue  # a keyword-only argument (dtype, device, out) is never at a position
            if not str(a.type).startswith(INT_TYPES) and not (is_producer(s) and str(a.type).startswith(NUMERIC_TYPES)):
                mixed.add((s.name, i))
    out: dict = {}
    for s in schemas:
        for i, a in enumerate(s.arguments):
            t = str(a.type)
            producer_size = (is_producer(s) and t.startswith(NUMERIC_TYPES) and not a.kwarg_only
                             and a.name not in PRODUCER_VALUE_ARGUMENTS and s.name not in PRODUCER_READERS
                             and a.name not in PRODUCER_VALUE_BY_OPERATOR.get(s.name, ()))
            sizing = DIVISOR_ARGUMENTS | SIZE_ARGUMENTS | SIZE_BY_OPERATOR.get(s.name, set())
            if not producer_size and (not t.startswith(INT_TYPES) or a.name not in sizing):
                continue
            if (s.name, i) in mixed and not (a.name in SIZE_EVEN_AS_TENSOR and not is_producer(s)):
                entry = out.setdefault(s.name, {}).setdefault(
                    a.name, ["divisor" if a.name in DIVISOR_ARGUMENTS else "size", []])
                # Another overload takes a tensor, a number or a string there: the load rule checks an argument at
                # such a position, in a call with a number of positional arguments this overload accepts, unless it
                # is proven to be one of those (`mixed`, the third element: [position, fewest, most positionals]).
                positional = [x for x in s.arguments if not x.kwarg_only]
                fewest = sum(1 for x in positional if not x.has_default_value())
                if len(entry) < 3:
                    entry.append([])
                m = [i, fewest, len(positional)]
                if m not in entry[2]:
                    entry[2].append(m)
                continue
            kind = "divisor" if a.name in DIVISOR_ARGUMENTS and a.name not in SIZE_BY_OPERATOR.get(s.name, ()) else "size"
            entry = out.setdefault(s.name, {}).setdefault(a.name, [kind, []])
            if i not in entry[1]:
                entry[1].append(i)
    # Float arguments that scale an output's size by the input's (the upsampling family's scale factors).
    for s in schemas:
        if not FLOAT_SCALE_OPERATORS.search(s.name):
            continue
        for i, a in enumerate(s.arguments):
            if a.name in FLOAT_SCALE_ARGUMENTS and "float" in str(a.type):
                entry = out.setdefault(s.name, {}).setdefault(a.name, ["fscale", []])
                if i not in entry[1]:
                    entry[1].append(i)
    return {op: {n: [e[0], sorted(e[1])] + ([sorted(e[2])] if len(e) > 2 else []) for n, e in sorted(args.items())}
            for op, args in sorted(out.items())}


# The upsampling and interpolation operators' float scale factors: the output holds the input's elements times their
# product (`upsample_nearest1d(x, None, [5e7])` on 6 stored elements allocates 2.4 GB). Kind `fscale`: a constant
# factor list whose product is at most 4,096, or None.
FLOAT_SCALE_OPERATORS = re.compile(r"upsample|interpolate")
FLOAT_SCALE_ARGUMENTS = {"scale_factors", "scale_factor", "scales", "scales_d", "scales_h", "scales_w"}

# The work of every operator on a string operand (its first argument a `str`, `str?` or `str[]`) that takes a second
# string operand, read from the TorchScript
# runtime's implementation of each (register_prim_ops, torch 1.13); the derivation stops on one not listed here.
# - "product": the runtime compares one operand at every position of the other, so the worst case is the product of
#   the two lengths: find, rfind, index and rindex (std::string::find / rfind), count, replace, split, rsplit, partition
#   and rpartition (a find per match), and strip, lstrip and rstrip, which are find_first_not_of / find_last_not_of of
#   the `chars` set: every character of the string is looked up in `chars` (a stored string of 8 Mi characters
#   stripped of a stored set of 2 Mi runs for hours).
# - "linear": one pass over the shorter or both operands: the comparisons (eq, ne, lt, gt, le, ge), add,
#   startswith and endswith (one compare at one position).
# - "sized": the output's size is an int argument the work section bounds; the string operand is one fill character
#   (center, ljust, rjust).
# - "joined": join puts its separator between every two items, an output the product of two lengths (the load rule's
#   product check).
# - "list-scan": a list of strings searched for one (`k in xs`, xs.count(k), xs.index(k), xs.remove(k)) or two lists
#   compared: one comparison per item, each as long as the strings compared (the load rule charges the stored
#   characters).
# - "sorted": a list of strings sorted: n log n comparisons of the strings.
STRING_PAIR_WORK = {
    "find": "product", "rfind": "product", "index": "product", "rindex": "product", "count": "product",
    "replace": "product", "split": "product", "rsplit": "product", "partition": "product", "rpartition": "product",
    "strip": "product", "lstrip": "product", "rstrip": "product",
    "eq": "linear", "ne": "linear", "lt": "linear", "gt": "linear", "le": "linear", "ge": "linear", "add": "linear",
    "startswith": "linear", "endswith": "linear",
    "center": "sized", "ljust": "sized", "rjust": "sized",
    "join": "joined",
    "__contains__": "list-scan", "remove": "list-scan", "count.str": "list-scan", "index.list_str": "list-scan",
    "eq.str_list": "list-scan", "ne.str_list": "list-scan",
}
STRING_TYPES = ("str", "Optional[str]", "List[str]")


def string_pair_work(schemas):
    """aten operator name -> the work classes of its overloads that take two string operands; unclassified overloads."""
    work, unknown = {}, []
    for s in schemas:
        if (not s.name.startswith("aten::") or not s.arguments or str(s.arguments[0].type) not in STRING_TYPES
                or sum(str(a.type) in STRING_TYPES for a in s.arguments) < 2):
            continue
        name = s.name.split("::")[1]
        full = f"{name}.{s.overload_name}" if s.overload_name else name
        cls = STRING_PAIR_WORK.get(full, STRING_PAIR_WORK.get(name))
        if cls is None:
            unknown.append(str(s))
            continue
        work.setdefault(s.name, set()).add(cls)
    return {op: sorted(c) for op, c in sorted(work.items())}, unknown


def string_search_operators(schemas) -> list:
    """aten operators with an overload whose work is the product of its two string operands' lengths."""
    work, _ = string_pair_work(schemas)
    return sorted(op for op, classes in work.items() if "product" in classes)


def unclassified_int_arguments(schemas) -> list:
    """`op(name)` for each integer argument of an operator with an operand that no class covers (fails closed)."""
    known = SIZE_ARGUMENTS | DIVISOR_ARGUMENTS | NOT_SIZING_ARGUMENTS
    out = set()
    for s in schemas:
        if is_producer(s):
            continue  # every numeric argument of a producer is a size unless reviewed in PRODUCER_VALUE_ARGUMENTS
        for a in s.arguments:
            if str(a.type).startswith(INT_TYPES) and a.name not in known and a.name not in SIZE_BY_OPERATOR.get(s.name, ()):
                out.add(f"{s.name}({a.name}: {a.type})")
    return sorted(out)


# The operators code run at load may call: an allowlist of reviewed families, by bare name (the in-place form `name_`
# of a listed name is in its family: it writes into its own operand, whose shape it checks against the result).
# Code that runs while an archive loads (`__setstate__` and what it calls) restores state: it builds and reshapes
# tensors, computes with them elementwise, reduces and compares them, indexes them (the index operators check their
# indices, see UNCHECKED_CLASSES), and uses the interpreter's list, dict and string builtins. Every other operator of
# the allowed namespaces is reported when called at load: the internal `_`-prefixed kernels and helpers (their native
# code trusts what their public wrappers validate: `_cummax_helper` writes one value per input element into output
# operands of any size, `_sobol_engine_draw` indexes its direction table with a stored `dimension`), backward kernels
# (they trust that precomputed operands such as `_pdist_backward`'s `pdist` match the inputs), quantization observer
# and fake-quantize helpers, samplers and engines (`rrelu_with_noise` writes a noise value per input element into
# its `noise` operand), backend kernels (cudnn, miopen, mkldnn, mps, fbgemm, nnpack, thnn, slow_conv), and any
# operator a later torch adds. Listing a name is a decision that its kernel validates its operands' shapes and
# integer arguments (or that the load rule's other checks bound them: work arguments, positions, layouts).
LOAD_FAMILIES = {
    "construction": [
        "tensor", "as_tensor", "scalar_tensor", "empty", "empty_like", "empty_strided", "zeros", "zeros_like",
        "ones", "ones_like", "full", "full_like", "arange", "range", "linspace", "logspace", "eye", "new_empty",
        "new_empty_strided", "new_zeros", "new_ones", "new_full", "clone", "contiguous", "to", "cpu", "detach",
        "copy", "copy_", "complex", "polar", "tril_indices", "triu_indices", "rand", "rand_like", "randn", "randn_like",
        "randint", "randint_like", "randperm", "normal", "uniform", "bernoulli", "zero", "fill", "fill_diagonal_",
        "lift", "lift_fresh", "alias", "type_as", "requires_grad_", "empty_quantized", "quantize_per_tensor",
        "quantize_per_channel", "quantize_per_tensor_dynamic", "dequantize", "int_repr", "to_dense",
        # The checked sparse constructors (torch validates the indices against the size; valueSized bounds it).
        "sparse_coo_tensor", "sparse_csr_tensor", "sparse_csc_tensor", "sparse_bsr_tensor", "sparse_bsc_tensor",
        "sparse_compressed_tensor", "to_sparse", "to_sparse_csr", "to_sparse_csc", "to_sparse_bsr", "to_sparse_bsc",
        "coalesce",
        # In-place resizing reallocates the storage to the sizes given (a size work argument).
        "resize", "resize_as",
    ],
    "view": [
        "view", "view_as", "reshape", "reshape_as", "flatten", "unflatten", "squeeze", "unsqueeze", "permute",
        "transpose", "t", "expand", "expand_as", "narrow", "select", "slice", "chunk", "split", "split_with_sizes",
        "tensor_split", "unbind", "movedim", "moveaxis", "swapaxes", "swapdims", "flip", "fliplr", "flipud", "roll",
        "rot90", "diagonal", "cat", "concat", "concatenate", "stack", "hstack", "vstack", "dstack", "column_stack",
        "row_stack", "atleast_1d", "atleast_2d", "atleast_3d", "broadcast_to", "broadcast_tensors", "repeat", "tile",
        "repeat_interleave", "ravel", "unfold", "as_strided", "mT", "mH", "adjoint", "numpy_T", "matrix_H", "conj",
        "resolve_conj", "resolve_neg", "real", "imag", "view_as_real", "view_as_complex", "dsplit", "hsplit",
        "vsplit", "meshgrid", "pad", "constant_pad_nd", "tril", "triu", "diag", "diag_embed", "diagflat",
        "block_diag", "sum_to_size", "alias_copy", "as_strided_copy", "detach_copy", "diagonal_copy", "expand_copy",
        "narrow_copy", "permute_copy", "select_copy", "slice_copy", "split_copy", "split_with_sizes_copy",
        "squeeze_copy", "t_copy", "transpose_copy", "unbind_copy", "unfold_copy", "unsqueeze_copy", "view_copy",
        "view_as_real_copy", "view_as_complex_copy",
    ],
    "elementwise": [
        "abs", "absolute", "acos", "acosh", "arccos", "arccosh", "asin", "asinh", "arcsin", "arcsinh", "atan",
        "atanh", "arctan", "arctanh", "atan2", "arctan2", "cos", "cosh", "sin", "sinh", "tan", "tanh", "sinc",
        "add", "sub", "subtract", "rsub", "mul", "multiply", "div", "divide", "true_divide", "floor_divide", "fmod",
        "remainder", "pow", "float_power", "square", "sqrt", "rsqrt", "reciprocal", "neg", "negative", "positive",
        "exp", "exp2", "expm1", "log", "log10", "log1p", "log2", "logaddexp", "logaddexp2", "logit", "xlogy",
        "sigmoid", "relu", "relu6", "gelu", "silu", "mish", "elu", "celu", "selu", "leaky_relu", "hardtanh",
        "hardsigmoid", "hardswish", "softplus", "softshrink", "hardshrink", "threshold", "softmax", "log_softmax",
        "clamp", "clamp_min", "clamp_max", "clip", "where", "lerp", "addcmul", "addcdiv", "sign", "sgn", "signbit",
        "round", "floor", "ceil", "trunc", "fix", "frac", "nan_to_num", "maximum", "minimum", "fmax", "fmin",
        "hypot", "copysign", "nextafter", "ldexp", "frexp", "gcd", "lcm", "heaviside", "i0", "erf", "erfc", "erfinv",
        "lgamma", "digamma", "polygamma", "mvlgamma", "igamma", "igammac", "deg2rad", "rad2deg", "degrees", "radians",
        "angle", "conj_physical", "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_left_shift",
        "bitwise_right_shift", "logical_and", "logical_or", "logical_xor", "logical_not", "dropout",
        "feature_dropout", "alpha_dropout", "feature_alpha_dropout",
        # rrelu allocates its own noise for its operand (rrelu_with_noise, which takes a noise operand, is not listed).
        "rrelu",
    ],
    "reduction": [
        "sum", "mean", "prod", "max", "min", "amax", "amin", "aminmax", "argmax", "argmin", "all", "any", "std",
        "var", "std_mean", "var_mean", "norm", "nansum", "nanmean", "median", "nanmedian", "mode", "logsumexp",
        "cumsum", "cumprod", "cummax", "cummin", "logcumsumexp", "count_nonzero", "quantile", "nanquantile",
        "kthvalue", "topk", "sort", "argsort", "msort", "unique_consecutive", "unique_dim", "unique_dim_consecutive",
        "dist", "trace", "diff", "nonzero", "argwhere", "masked_select", "bincount", "histc", "linalg_vector_norm",
        "frobenius_norm", "histogram",
    ],
    # Products of matrices and tensors (their shapes are checked against each other; the load rule charges their
    # superlinear work, see SUPERLINEAR_FAMILIES).
    "product": [
        "mm", "matmul", "bmm", "mv", "dot", "vdot", "outer", "ger", "inner", "tensordot", "kron", "einsum", "addmm",
        "addmv", "addr", "addbmm", "baddbmm", "chain_matmul", "linalg_matmul", "linalg_multi_dot", "linear",
        "bilinear", "cross", "linalg_cross", "linalg_vecdot", "cartesian_prod", "combinations", "pdist", "cdist",
        # A square matrix to an int power by repeated squaring: about 2 log2|n| products (n is a size argument).
        "matrix_power", "linalg_matrix_power",
    ],
    # The public layers of torch.nn.functional: they check their operands' shapes against each other (a window,
    # stride, group or scale from the state is a work argument the load rule bounds).
    "layer": [
        "layer_norm", "group_norm", "batch_norm", "instance_norm", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
        "conv_transpose2d", "conv_transpose3d", "max_pool1d", "max_pool2d", "max_pool3d", "avg_pool1d", "avg_pool2d",
        "avg_pool3d", "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d",
        "adaptive_max_pool2d", "adaptive_max_pool3d", "upsample_nearest1d", "upsample_nearest2d",
        "upsample_nearest3d", "upsample_linear1d", "upsample_bilinear2d", "upsample_bicubic2d",
        "upsample_trilinear3d", "__interpolate", "__upsample", "__upsample_bilinear", "__upsample_nearest",
        "_upsample_nearest_exact1d", "_upsample_nearest_exact2d", "_upsample_nearest_exact3d",
        "_upsample_bilinear2d_aa", "_upsample_bicubic2d_aa",
        "channel_shuffle", "native_channel_shuffle", "pixel_shuffle", "pixel_unshuffle", "prelu", "glu",
        "cosine_similarity", "pairwise_distance",
    ],
    "comparison": [
        "eq", "ne", "lt", "le", "gt", "ge", "equal", "not_equal", "greater", "greater_equal", "less", "less_equal",
        "isclose", "allclose", "isnan", "isinf", "isfinite", "isposinf", "isneginf", "isreal", "isin",
        "is_nonzero", "is_same_size", "can_cast", "promote_types", "result_type",
    ],
    "indexing": [
        "index", "index_select", "gather", "take", "take_along_dim", "index_put", "index_add", "index_copy",
        "index_fill", "index_reduce", "scatter", "scatter_add", "scatter_reduce", "masked_fill", "masked_scatter",
        "put", "embedding", "embedding_bag", "searchsorted", "bucketize", "one_hot", "select_scatter",
        "slice_scatter", "diagonal_scatter", "as_strided_scatter",
    ],
    "metadata": [
        "size", "sym_size", "dim", "numel", "sym_numel", "stride", "sym_stride", "storage_offset",
        "sym_storage_offset", "item", "element_size", "get_device", "device", "dense_dim", "sparse_dim", "output_nr",
        "is_leaf", "retains_grad", "q_scale", "q_zero_point", "q_per_channel_scales", "q_per_channel_zero_points",
        "q_per_channel_axis", "qscheme", "has_torch_function", "is_scripting", "is_grad_enabled", "warn",
        "set_grad_enabled", "_unwrap_optional",
        "Bool", "Int", "Float", "Complex", "Size", "IntImplicit", "FloatImplicit", "ComplexImplicit",
        "ScalarImplicit", "Delete",
    ],
    "builtins": [
        "append", "extend", "insert", "pop", "remove", "clear", "reverse", "len", "list", "dict", "keys", "values",
        "items", "get", "setdefault", "update", "popitem", "count", "sorted", "join", "strip", "lstrip", "rstrip",
        "lower", "upper", "capitalize", "title", "swapcase", "center", "ljust", "rjust", "zfill", "find", "rfind",
        "rindex", "replace", "partition", "rpartition", "rsplit", "splitlines", "startswith", "endswith", "isalnum",
        "isalpha", "isdecimal", "isdigit", "isidentifier", "islower", "isnumeric", "isprintable", "isspace",
        "istitle", "isupper", "format", "percentFormat", "str", "chr", "ord", "hex", "oct", "bin", "hash",
        "expandtabs", "divmod", "floordiv", "mathremainder", "modf", "factorial", "gamma", "__getitem__",
        "__contains__", "__is__", "__isnot__", "__not__", "__and__", "__or__", "__xor__", "__lshift__",
        "__rshift__", "__iand__", "__ior__", "__ixor__", "__ilshift__", "__irshift__", "__range_length",
        "__derive_index", "__round_to_zero_floordiv", "_set_item",
    ],
}
# Name patterns of whole reviewed families (the element tests, the special functions, the polynomial evaluations
# whose degree the load rule bounds).
LOAD_FAMILY_PATTERNS = {
    "metadata": re.compile(r"^is_(?!set_to$|pinned$|distributed$|owner$|vulkan_available$|autocast)\w+$"),
    "elementwise": re.compile(r"^special_\w+$"),
}
# Interpreter primitives code may name (`ops.prim.RaiseException`, the printer's casts, a value's dtype or device).
LOAD_PRIMS = {
    "RaiseException", "Uninitialized", "unchecked_cast", "unchecked_unwrap_optional", "dtype", "device", "layout",
    "data", "requires_grad", "name", "tolist", "min", "max", "abs", "StringIndex", "TupleIndex", "TupleUnpack",
    "NumToTensor", "EnumName", "EnumValue", "rangelist", "id", "type", "grad", "Print", "is_cpu", "is_cuda",
    "is_ipu", "is_meta", "is_mkldnn", "is_mps", "is_nested", "is_ort", "is_quantized", "is_sparse", "is_sparse_csr",
    "is_vulkan", "is_xpu",
}
# Quantized weights: packing a stored weight (torch's quantized modules do it in `__setstate__`, see
# STATE_FILLED_BY_TORCH) and reading a packed weight back.
LOAD_PACKING = re.compile(r"^(\w+_prepack(_fp16)?|\w+_unpack(_fp16|_sizes)?|conv\w*_(stride|padding|dilation|groups|"
                          r"output_padding|transpose)|make_quantized_cell_params(_dynamic|_fp16)?)$")
LOAD_PACKING_NAMESPACES = {"quantized", "sparse", "prepacked"}


def load_families(allowed) -> dict:
    """{family: [operators]}: the allowed operators code run at load may call."""
    names = {name: family for family, listed in LOAD_FAMILIES.items() for name in listed}
    out: dict = {}
    for op in sorted(allowed):
        ns, name = op.split("::")
        family = None
        if ns == "aten":
            family = names.get(name)
            if family is None and name.endswith("_") and not name.endswith("__"):
                family = names.get(name[:-1])
            if family is None:
                family = next((f for f, p in LOAD_FAMILY_PATTERNS.items() if p.search(name)), None)
        elif ns == "prim" and name in LOAD_PRIMS:
            family = "builtins"
        elif ns in LOAD_PACKING_NAMESPACES and LOAD_PACKING.search(name):
            family = "packing"
        if family is not None:
            out.setdefault(family, []).append(op)
    return dict(sorted(out.items()))


# Windowed operators: each output element reads a window of the input, so the work is the output's elements times the
# window's (a pooling of a stored 2e6-element signal with a constant window of 1e6 and stride 1 is 1e12 reads, from
# 8 MB). Operator -> [window argument, stride argument, what an omitted or empty stride means: "window" (pooling
# strides by its window) or null]. Every allowed operator with a `kernel_size` argument whose name is a pooling is
# listed; unfold (a view whose windows a reduction then reads) by name.
WINDOW_OPERATORS = re.compile(r"pool")
WINDOWED_BY_NAME = {"aten::unfold": ["size", "step", None], "aten::unfold_copy": ["size", "step", None]}


def windowed_operators(schemas) -> dict:
    out = dict(WINDOWED_BY_NAME)
    for s in schemas:
        names = {a.name for a in s.arguments}
        if "kernel_size" in names and WINDOW_OPERATORS.search(s.name.split("::")[1]):
            stride = "stride" if "stride" in names else None
            out[s.name] = ["kernel_size", stride, "window" if stride else None]
    return dict(sorted(out.items()))


def main() -> int:
    allowed, denied, unknown = set(), {}, []
    for s in torch._C._jit_get_all_schemas():
        ns = s.name.split("::")[0]
        if ns not in LOAD_NAMESPACES:
            continue
        if s.name in DENIED_BY_NAME:
            denied[s.name] = DENIED_BY_NAME[s.name]
            continue
        for a in s.arguments:
            if str(a.type) not in ("str", "Optional[str]", "List[str]", "Optional[List[str]]"):
                continue
            if a.name in FILE_ARGUMENTS:
                denied[s.name] = f"takes a file path ({a.name}: {a.type}) and opens it"
            elif a.name not in KNOWN_STRING_ARGUMENTS:
                unknown.append(f"{s.name}({a.name}: {a.type})")
        if s.name not in denied:
            allowed.add(s.name)
    if unknown:
        sys.stderr.write("string arguments not reviewed:\n  " + "\n  ".join(sorted(set(unknown))) + "\n")
        return 1
    allowed -= set(denied)
    schemas = [s for s in torch._C._jit_get_all_schemas() if s.name in allowed]
    unclassified_ints = unclassified_int_arguments(schemas)
    if unclassified_ints:
        sys.stderr.write("integer arguments not classified as size, divisor or not sizing:\n  "
                         + "\n  ".join(unclassified_ints) + "\n")
        return 1
    missing_value_sized = [op for op in VALUE_SIZED if op not in allowed]
    if missing_value_sized:
        sys.stderr.write("valueSized operators not allowed: " + ", ".join(missing_value_sized) + "\n")
        return 1
    work = work_arguments(schemas)
    missing = [op for op in STATE_FILLED_BY_TORCH if op not in allowed or op not in work]
    if missing:
        sys.stderr.write("stateFilledByTorch operators not allowed or without work arguments: " + ", ".join(missing) + "\n")
        return 1
    int_builtins = integer_builtins(schemas)
    unclassified = sorted(op for op in allowed
                          if (DIVISION_PATTERN.search(op.split("::")[1]) or op in int_builtins)
                          and op not in DIVISION_CLASSES)
    if unclassified:
        sys.stderr.write("allowed operators named like a division or with an integer overload without a class: "
                         + ", ".join(unclassified) + "\n")
        return 1
    division = {op: c for op, c in sorted(DIVISION_CLASSES.items()) if op in allowed}
    unchecked, unchecked_flags = unchecked_operators(schemas, allowed)
    if unchecked is None:
        return 1
    layouts = layout_operators(schemas)
    if layouts is None:
        return 1
    for op, c in layouts.items():
        if c == "unchecked":
            unchecked[op] = "unchecked"
        elif c == "allocates":
            for name in LAYOUT_STRIDE_NAMES:
                if name in work.get(op, {}):
                    work[op][name][0] = "size"
    _, unknown_strings = string_pair_work(schemas)
    if unknown_strings:
        sys.stderr.write("operators on two strings whose work is not classified (STRING_PAIR_WORK):\n  "
                         + "\n  ".join(unknown_strings) + "\n")
        return 1
    positions, position_at, unknown_tensors = position_arguments(schemas)
    if unknown_tensors:
        sys.stderr.write("Tensor arguments not classified as positions or values:\n  " + "\n  ".join(unknown_tensors)
                         + "\n")
        return 1
    checked_positions, failures = prove_positions(positions)
    if failures:
        sys.stderr.write("position checks not proved:\n  " + "\n  ".join(failures) + "\n")
        return 1
    for op in positions:
        if op not in checked_positions and op not in unchecked:
            unchecked[op] = "positions"
    superlinear = sorted(op for op in allowed if SUPERLINEAR.search(op.split("::")[1])
                         and not NOT_SUPERLINEAR.search(op.split("::")[1]))
    families = load_families(allowed)
    listed = {op for ops in families.values() for op in ops}
    stale = sorted(name for names in LOAD_FAMILIES.values() for name in names
                   if f"aten::{name}" not in allowed and f"aten::{name}" not in denied)
    if stale:
        sys.stderr.write("load families name operators torch does not register: " + ", ".join(stale) + "\n")
        return 1
    unlisted_state = [op for op in STATE_FILLED_BY_TORCH if op not in listed]
    if unlisted_state:
        sys.stderr.write("stateFilledByTorch operators outside the load families: " + ", ".join(unlisted_state) + "\n")
        return 1
    scalar_classes, unclassified = scalar_work(schemas, families)
    if unclassified:
        sys.stderr.write("operators on numbers, strings or lists at load whose work is not reviewed (SCALAR_WORK):\n  "
                         + "\n  ".join(unclassified) + "\n")
        return 1
    repetition = repetition_operators(schemas)
    unbounded = sorted(op for op, c in scalar_classes.items()
                       if (c == "size" and op not in work and op not in repetition)
                       or (c == "value-steps" and op not in VALUE_STEPS))
    if unbounded:
        sys.stderr.write("scalar operators classed as sized by an argument without its entry: " + ", ".join(unbounded)
                         + "\n")
        return 1
    json.dump(
        {
            "source": f"torch {torch.__version__} torch._C._jit_get_all_schemas() (scripts/data/derive-torchscript-ops.py)",
            "namespaces": LOAD_NAMESPACES,
            "denied": dict(sorted(denied.items())),
            "allowed": sorted(allowed),
            "work": work,
            "stateFilledByTorch": STATE_FILLED_BY_TORCH,
            "division": division,
            "superlinear": superlinear,
            "unchecked": {op: c for op, c in sorted(unchecked.items()) if c in ("unchecked", "positions")},
            "positionsChecked": {op: positions[op] for op in sorted(checked_positions)},
            "positionArguments": {op: position_at[op] for op in sorted(position_at)
                                  if unchecked.get(op) == "positions"},
            "stringSearch": string_search_operators(schemas),
            "stringWork": string_pair_work(schemas)[0],
            "uncheckedFlags": unchecked_flags,
            "repetition": repetition_operators(schemas),
            "tensorOut": tensor_out_operators(schemas),
            "valueSized": VALUE_SIZED,
            "valueWork": {op: arg for op, arg in sorted(VALUE_WORK.items()) if op in allowed},
            "shapeFormulas": {op: f for op, f in sorted(SHAPE_FORMULAS.items()) if op in allowed},
            "loadFamilies": families,
            "windowed": windowed_operators(schemas),
            "scalarWork": scalar_classes,
            "valueSteps": {op: v for op, v in sorted(VALUE_STEPS.items()) if op in allowed},
            "scalarResult": scalar_results(schemas),
        },
        sys.stdout,
        indent=0,
    )
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
