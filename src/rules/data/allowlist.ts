// The trusted ML allowlist: exact `module.name` pairs (canonical names, aliases resolved) that real framework
// output references and whose unpickling only rebuilds data. Every entry carries the reason it is safe.
// Checked only after the dangerous table: an allowlist entry can never mask a dangerous import.
import torchList from './torch-allowlist.json' with { type: 'json' };
import sklearnList from './sklearn-allowlist.json' with { type: 'json' };

export interface AllowEntry {
  readonly reason: string;
  /** Where the entry comes from: 'core', 'torch' (derived from PyTorch), 'sklearn' (derived), 'policy'. */
  readonly source: string;
}

const CORE: Record<string, string> = {
  // Python data types and the pickler's own reconstruction helpers.
  'builtins.set': 'set constructor',
  'builtins.frozenset': 'frozenset constructor',
  'builtins.complex': 'complex number constructor',
  'builtins.bytearray': 'bytearray constructor',
  'builtins.bytes': 'bytes constructor',
  'builtins.slice': 'slice constructor',
  'builtins.object': 'base class named by copyreg._reconstructor',
  'builtins.range': 'range constructor',
  'builtins.int': 'int constructor',
  'builtins.float': 'float constructor',
  'builtins.str': 'str constructor',
  'builtins.list': 'list constructor',
  'builtins.dict': 'dict constructor',
  'builtins.tuple': 'tuple constructor',
  'builtins.bool': 'bool constructor',
  'builtins.Ellipsis': 'the Ellipsis singleton',
  'builtins.NotImplemented': 'the NotImplemented singleton',
  'codecs.encode': '_codecs.encode(str, "latin1"): how protocol < 3 pickles bytes',
  'copyreg._reconstructor':
    'protocol 0/1 object reconstruction: base.__new__ + base.__init__ of a separately imported class',
  'copyreg.__newobj__': 'cls.__new__(cls, *args) of a separately imported class',
  'copyreg.__newobj_ex__': 'cls.__new__(cls, *args, **kwargs) of a separately imported class',
  'copyreg._reduce_ex': 'default reduction helper',
  'collections.OrderedDict': 'ordered dict (state_dict container)',
  'collections.defaultdict': 'dict with a default factory (the factory is a separately imported name)',
  'collections.Counter': 'counting dict',
  'collections.deque': 'double-ended queue',
  'datetime.datetime': 'date/time value',
  'datetime.date': 'date value',
  'datetime.time': 'time value',
  'datetime.timedelta': 'duration value',
  'datetime.timezone': 'time zone value',
  'decimal.Decimal': 'decimal value',
  'fractions.Fraction': 'rational value',
  'uuid.UUID': 'UUID value',
  'uuid.SafeUUID': 'UUID safety enum',
  'argparse.Namespace': 'attribute bag for training arguments',
  'types.SimpleNamespace': 'attribute bag',
  'io.BytesIO': 'in-memory bytes buffer (no file access)',
  'pathlib.PosixPath': 'path value; constructing it touches no file',
  'pathlib.WindowsPath': 'path value; constructing it touches no file',
  'pathlib.PurePosixPath': 'path value',
  'pathlib.PureWindowsPath': 'path value',
  'pathlib.Path': 'path value; constructing it touches no file',
  're._compile': 'compiles a regular expression (no code execution)',
  'enum.Enum': 'enum base',
  // NumPy array and scalar reconstruction.
  'numpy.core.multiarray._reconstruct': 'ndarray reconstruction (numpy < 2)',
  'numpy._core.multiarray._reconstruct': 'ndarray reconstruction (numpy >= 2)',
  'numpy.core.multiarray.scalar': 'numpy scalar reconstruction (numpy < 2)',
  'numpy._core.multiarray.scalar': 'numpy scalar reconstruction (numpy >= 2)',
  'numpy.core.numeric._frombuffer': 'ndarray from a protocol-5 buffer (numpy < 2)',
  'numpy._core.numeric._frombuffer': 'ndarray from a protocol-5 buffer (numpy >= 2)',
  'numpy.ndarray': 'ndarray class',
  'numpy.dtype': 'dtype descriptor',
  'numpy.ma.core._mareconstruct': 'masked array reconstruction',
  'numpy.ma.core.MaskedArray': 'masked array class',
  'numpy.matrixlib.defmatrix.matrix': 'matrix class',
  'numpy.core.records.recarray': 'record array class',
  'numpy.random._pickle.__randomstate_ctor': 'RandomState constructor by bit-generator name (fixed table)',
  'numpy.random._pickle.__generator_ctor': 'Generator constructor by bit-generator name (fixed table)',
  'numpy.random._pickle.__bit_generator_ctor': 'bit generator constructor by name (fixed table)',
  'numpy.random.mtrand.RandomState': 'random state class',
  'numpy.random._generator.Generator': 'random generator class',
  'numpy.random._mt19937.MT19937': 'bit generator class',
  'numpy.random._pcg64.PCG64': 'bit generator class',
  'numpy.random._philox.Philox': 'bit generator class',
  'numpy.random._sfc64.SFC64': 'bit generator class',
  'numpy.random.bit_generator.SeedSequence': 'seed sequence',
  'numpy.mean': 'pure reduction function stored as an estimator attribute (FeatureAgglomeration.pooling_func)',
  'numpy.core._multiarray_umath.log1p': 'numpy ufunc stored as a transformer function (pure math)',
  'numpy.core._multiarray_umath.expm1': 'numpy ufunc stored as a transformer function (pure math)',
  'numpy._core._multiarray_umath.log1p': 'numpy ufunc stored as a transformer function (pure math)',
  'numpy._core._multiarray_umath.expm1': 'numpy ufunc stored as a transformer function (pure math)',
  // Plain scikit-learn functions that fitted estimators store as attributes; calling them only computes.
  'sklearn.metrics._scorer._passthrough_scorer': 'default scorer stored by search estimators; calls estimator.score',
  'sklearn.feature_selection._univariate_selection.f_classif': 'ANOVA F-value statistic stored as score_func',
  'sklearn.cluster._kmeans._kmeans_single_lloyd': 'k-means iteration function stored by BisectingKMeans',
  'scipy.interpolate._bsplines.BSpline': 'spline value object (SplineTransformer)',
  'scipy.stats._distn_infrastructure.rv_continuous_frozen': 'frozen distribution held by randomized search',
  'scipy.stats._continuous_distns.uniform_gen': 'distribution object held by randomized search',
  'scipy.stats._continuous_distns.reciprocal_gen': 'distribution object held by randomized search',
  // TorchScript pickler helpers (data.pkl, constants.pkl and *.debug_pkl of torch.jit.save archives).
  'torch.jit._pickle.build_intlist': 'TorchScript pickler helper: returns its list argument typed as List[int]',
  'torch.jit._pickle.build_doublelist': 'TorchScript pickler helper: returns its list argument typed as List[float]',
  'torch.jit._pickle.build_boollist': 'TorchScript pickler helper: returns its list argument typed as List[bool]',
  'torch.jit._pickle.build_tensorlist': 'TorchScript pickler helper: returns its list argument typed as List[Tensor]',
  'torch.jit._pickle.build_tensor_from_id': 'TorchScript pickler helper: looks up a tensor by index in the archive',
  'torch.jit._pickle.restore_type_tag': 'TorchScript pickler helper: returns its value with a type tag',
  // joblib's inline array header (array bytes follow in the file; handled by the joblib reader).
  'joblib.numpy_pickle.NumpyArrayWrapper': 'joblib array header; the array bytes follow it in the file',
  'sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper': 'joblib array header (sklearn-vendored joblib)',
  // scipy sparse containers held by fitted estimators (e.g. TF-IDF).
  'scipy.sparse._csr.csr_matrix': 'sparse matrix container',
  'scipy.sparse._csc.csc_matrix': 'sparse matrix container',
  'scipy.sparse._coo.coo_matrix': 'sparse matrix container',
  'scipy.sparse._lil.lil_matrix': 'sparse matrix container',
  'scipy.sparse._dok.dok_matrix': 'sparse matrix container',
  'scipy.sparse._dia.dia_matrix': 'sparse matrix container',
  'scipy.sparse._bsr.bsr_matrix': 'sparse matrix container',
  'scipy.sparse.csr.csr_matrix': 'sparse matrix container (older scipy)',
  'scipy.sparse.csc.csc_matrix': 'sparse matrix container (older scipy)',
  'scipy.sparse.coo.coo_matrix': 'sparse matrix container (older scipy)',
};

/** NumPy scalar types, pickled by reference as dtype/scalar arguments. */
const NUMPY_SCALARS = [
  'bool_',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'float16',
  'float32',
  'float64',
  'longdouble',
  'complex64',
  'complex128',
  'clongdouble',
  'str_',
  'bytes_',
  'void',
  'datetime64',
  'timedelta64',
  'object_',
  'intc',
  'uintc',
  'int_',
  'uint',
  'longlong',
  'ulonglong',
  'half',
  'single',
  'double',
];

/**
 * NumPy's abstract scalar types: pickled by reference when an estimator keeps a dtype selector
 * (`make_column_selector(dtype_include=np.number)`); they cannot be instantiated.
 */
const NUMPY_ABSTRACT_SCALARS = [
  'generic',
  'number',
  'integer',
  'signedinteger',
  'unsignedinteger',
  'inexact',
  'floating',
  'complexfloating',
  'flexible',
  'character',
];

function load(): Map<string, AllowEntry> {
  const m = new Map<string, AllowEntry>();
  for (const t of NUMPY_SCALARS) m.set('numpy.' + t, { reason: 'numpy scalar type', source: 'core' });
  for (const t of NUMPY_ABSTRACT_SCALARS) {
    m.set('numpy.' + t, { reason: 'abstract numpy scalar type (a dtype selector; not instantiable)', source: 'core' });
  }
  for (const [k, reason] of Object.entries(CORE)) m.set(k, { reason, source: 'core' });
  for (const [k, reason] of Object.entries(torchList.entries as Record<string, string>)) {
    if (!m.has(k)) m.set(k, { reason, source: 'torch' });
  }
  for (const [k, reason] of Object.entries(sklearnList.entries as Record<string, string>)) {
    if (!m.has(k)) m.set(k, { reason, source: 'sklearn' });
  }
  return m;
}

/** The built-in allowlist (policy extensions are layered per scan, never mutating this map). */
export const ML_ALLOWLIST: ReadonlyMap<string, AllowEntry> = load();
