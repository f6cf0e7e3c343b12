// How a pickle import name becomes the object Python actually imports: CPython's protocol<3 fix_imports
// mapping (_compat_pickle, applied inside find_class), module aliases that are the same module at run time
// (posix/nt → os, __builtin__ → builtins, _pickle → pickle, …), and dotted-name splitting.
import compat from './data/compat-pickle.json' with { type: 'json' };
import publicHomes from './data/public-homes.json' with { type: 'json' };
import { lazyJson } from '../../core/lazy-json.js';
import { Memo2 } from '../../core/memo2.js';

/** The mapping, parsed on the first name resolved (the CLI bundle keeps its text unparsed: scripts/bundle.mjs). */
const compatTable = lazyJson<typeof compat>(compat);

/** find_class's protocol<3 renaming, exactly as the C unpickler applies it (pair first, then module). */
export function applyFixImports(module: string, name: string): { module: string; name: string } {
  const { import_mapping: IMPORT_MAPPING, name_mapping: NAME_MAPPING } = compatTable() as {
    import_mapping: Record<string, string>;
    name_mapping: Record<string, string>;
  };
  const pair = NAME_MAPPING[module + '.' + name];
  if (pair !== undefined && Object.hasOwn(NAME_MAPPING, module + '.' + name)) {
    const dot = pair.lastIndexOf('.');
    return { module: pair.slice(0, dot), name: pair.slice(dot + 1) };
  }
  if (Object.hasOwn(IMPORT_MAPPING, module)) return { module: IMPORT_MAPPING[module]!, name };
  return { module, name };
}

/**
 * Modules that are another module under a different name at run time. Classification treats them as
 * the canonical module (an alias must never dodge a rule written for the canonical name).
 */
export const MODULE_ALIASES: Readonly<Record<string, string>> = {
  posix: 'os',
  nt: 'os',
  posixpath: 'os.path',
  ntpath: 'os.path',
  __builtin__: 'builtins',
  __builtins__: 'builtins',
  copy_reg: 'copyreg',
  _pickle: 'pickle',
  cPickle: 'pickle',
  _compat_pickle: 'pickle',
  _operator: 'operator',
  _io: 'io',
  _functools: 'functools',
  _collections: 'collections',
  _socket: 'socket',
  _ssl: 'ssl',
  _thread: 'threading',
  thread: 'threading',
  _signal: 'signal',
  _codecs: 'codecs',
  _sqlite3: 'sqlite3',
  _ctypes: 'ctypes',
  _winapi: 'subprocess',
  _subprocess: 'subprocess',
  commands: 'subprocess',
  _frozen_importlib: 'importlib',
  _frozen_importlib_external: 'importlib',
  _imp: 'importlib',
  _bz2: 'bz2',
  _lzma: 'lzma',
  _datetime: 'datetime',
  _decimal: 'decimal',
  _pydecimal: 'decimal',
  _pydatetime: 'datetime',
  _collections_abc: 'collections.abc',
  _weakref: 'weakref',
  _asyncio: 'asyncio',
  _multiprocessing: 'multiprocessing',
  _posixshmem: 'multiprocessing',
  _xxsubinterpreters: '_interpreters',
  _xxinterpchannels: '_interpreters',
};

/**
 * Public names a release gives its classes by setting their __module__ (pandas 3.0's `pandas.DataFrame`,
 * `pandas.arrays.StringArray`...): the same class object as the defining name, which classification uses so that the
 * defining class's admission, effect model and identity checks apply (derived: scripts/data/derive-public-homes.py).
 */
let publicHomesMap: ReadonlyMap<string, string> | undefined;
const publicHomesTable = lazyJson<typeof publicHomes>(publicHomes);
const PUBLIC_HOMES = (): ReadonlyMap<string, string> =>
  (publicHomesMap ??= new Map(
    Object.entries(publicHomesTable().names as Record<string, { class: string }>).map(([k, v]) => [k, v.class]),
  ));

/** The Cython loss classes scikit-learn's sklearn._loss._loss defines (its pickled loss objects). */
export const SKLEARN_CY_LOSSES: readonly string[] = [
  'CyAbsoluteError',
  'CyHalfBinomialLoss',
  'CyHalfGammaLoss',
  'CyHalfMultinomialLoss',
  'CyHalfPoissonLoss',
  'CyHalfSquaredError',
  'CyHalfTweedieLoss',
  'CyHalfTweedieLossIdentity',
  'CyLossFunction',
  'CyPinballLoss',
];

/**
 * Names one numpy release pickled for functions every other release pickles under their defining module: numpy 1.16.0
 * moved multiarray's C functions into the extension module numpy.core._multiarray_umath, so pickles of that release
 * name scalar() and _reconstruct() there; 1.16.1 set both functions' __module__ back to numpy.core.multiarray
 * (numpy/core/multiarray.py at v1.16.1, 685b9ace06f1dc50e2698099d7a2b6a241379318; absent at v1.16.0,
 * 971e2e89d08deeae0139d3011d15646fdac13c92). Every numpy since defines both names for the same objects, so the old
 * name is read as the function, with its admission and every check written for it.
 */
const RELEASE_NAMES: ReadonlyMap<string, string> = new Map([
  ['numpy.core._multiarray_umath.scalar', 'numpy.core.multiarray.scalar'],
  ['numpy.core._multiarray_umath._reconstruct', 'numpy.core.multiarray._reconstruct'],
  // scikit-learn's meson builds gave the Cython loss classes of sklearn._loss._loss the __module__ '_loss' (their
  // build tree lacked the package's __init__.py files; set right by scikit-learn PR #33770), so pickles of those
  // releases name them _loss.<class>: the same extension types, read with their admission and checks. Their Cython
  // unpickle functions carry the same module name: a class without its own __reduce__ in that release is written as
  // `_loss.__pyx_unpickle_<class>(_loss.<class>, checksum, state)` (scikit-learn 1.6.1's CyHalfMultinomialLoss), the
  // others as a call of the class. Importing the extension registers it in sys.modules as '_loss' (Cython's module
  // init), so find_class reaches the same objects.
  // pandas' missing-value singleton: pandas 3 gives NAType the __module__ 'pandas', so pickle writes pd.NA as
  // `pandas.NA` (earlier releases wrote `pandas._libs.missing.NA`). Every release since 1.0 exports the same object as
  // pandas.NA, so find_class reaches the same singleton.
  ['pandas.NA', 'pandas._libs.missing.NA'],
  // CPython 3.13 defines pathlib's classes in the private module pathlib._local (the package's __init__ re-exports
  // them), so its pickles of paths name `pathlib._local.PosixPath` and the like: the same classes, rebuilt by the same
  // call of the class with the path's parts, read with pathlib's admission and checks. Earlier interpreters have no
  // such module and refuse the name.
  ...['PurePath', 'PurePosixPath', 'PureWindowsPath', 'Path', 'PosixPath', 'WindowsPath'].map((c): [string, string] => [
    `pathlib._local.${c}`,
    `pathlib.${c}`,
  ]),
  ...SKLEARN_CY_LOSSES.flatMap((c): [string, string][] => [
    [`_loss.${c}`, `sklearn._loss._loss.${c}`],
    [`_loss.__pyx_unpickle_${c}`, `sklearn._loss._loss.__pyx_unpickle_${c}`],
  ]),
]);

/** The canonical dotted module: aliases resolved on the first component (`posix.path` → `os.path`). */
export function canonicalModule(module: string): string {
  const direct = MODULE_ALIASES[module];
  if (direct !== undefined && Object.hasOwn(MODULE_ALIASES, module)) return direct;
  const dot = module.indexOf('.');
  if (dot > 0) {
    const head = module.slice(0, dot);
    if (Object.hasOwn(MODULE_ALIASES, head)) return MODULE_ALIASES[head]! + module.slice(dot);
  }
  return module;
}

/** A resolved import: what the stream says, what find_class imports, and the canonical form rules match. */
export interface ImportName {
  /** As written in the stream. */
  readonly module: string;
  readonly name: string;
  /** After find_class's fix_imports mapping (protocol < 3). */
  readonly importedModule: string;
  readonly importedName: string;
  /** Canonical `module.name` used for classification (aliases resolved). */
  readonly canonical: string;
  readonly canonicalModule: string;
}

/**
 * Resolved names remembered per (fix_imports applied, module, name): a stream names the same few classes in object
 * after object and file after file. Bounded (names come from scanned streams).
 */
const resolvedNames = new Memo2<string, string, ImportName>(25_000);
const resolvedFixed = new Memo2<string, string, ImportName>(25_000);
const resolveProtocol3 = (module: string, name: string): ImportName => Object.freeze(resolveFresh(module, name, 3));
const resolveProtocol2 = (module: string, name: string): ImportName => Object.freeze(resolveFresh(module, name, 2));

export function resolveImportName(module: string, name: string, protocol: number): ImportName {
  return protocol < 3
    ? resolvedFixed.remember(module, name, resolveProtocol2)
    : resolvedNames.remember(module, name, resolveProtocol3);
}

function resolveFresh(module: string, name: string, protocol: number): ImportName {
  const mapped = protocol < 3 ? applyFixImports(module, name) : { module, name };
  // Classification also applies the mapping at protocol >= 3: the mapping only renames, so applying it
  // can never hide a module, and a stream may change protocol mid-way.
  const forClass = applyFixImports(mapped.module, mapped.name);
  const cm = canonicalModule(forClass.module);
  const home = PUBLIC_HOMES().get(cm + '.' + forClass.name) ?? RELEASE_NAMES.get(cm + '.' + forClass.name);
  return {
    module,
    name,
    importedModule: mapped.module,
    importedName: mapped.name,
    canonical: home ?? cm + '.' + forClass.name,
    canonicalModule: home === undefined ? cm : home.slice(0, home.lastIndexOf('.')),
  };
}
