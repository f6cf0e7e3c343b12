// Tables of the APIs the TORCH code rules look for, as data with a reason each: checkpoint loaders and their
// weights-only parameters, torch.hub entry points, native-library loaders, and what a hubconf.py must not run.
// Signatures checked against torch 1.13 (`inspect.signature`) and the PyTorch 2.x docs summarised in landscape.md §5.

export interface TorchLoadApi {
  readonly qualifiedName: string;
  /** How messages name the API. */
  readonly display: string;
  /** False when the API has no weights-only mode at all. */
  readonly hasWeightsOnly: boolean;
  /** Positional index of `weights_only`, when it is not keyword-only. */
  readonly weightsOnlyPosition?: number;
  /** Positional index of `pickle_module`, when the API has one. */
  readonly pickleModulePosition?: number;
  /** What happens when weights_only is not passed. */
  readonly defaultNote: string;
  readonly reason: string;
}

const TORCH_LOAD_DEFAULT =
  'PyTorch before 2.6 defaults to weights_only=False; 2.6+ defaults to True unless pickle_module is passed or ' +
  'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 is set';
const HUB_URL_DEFAULT =
  'it defaults to weights_only=False (and older releases such as 1.13 have no weights_only parameter at all)';

export const TORCH_LOAD_APIS: readonly TorchLoadApi[] = [
  {
    qualifiedName: 'torch.load',
    display: 'torch.load',
    hasWeightsOnly: true,
    pickleModulePosition: 2,
    defaultNote: TORCH_LOAD_DEFAULT,
    reason: 'unpickles the checkpoint; only weights_only=True restricts it to tensors and allowlisted types',
  },
  {
    qualifiedName: 'torch.serialization.load',
    display: 'torch.serialization.load',
    hasWeightsOnly: true,
    pickleModulePosition: 2,
    defaultNote: TORCH_LOAD_DEFAULT,
    reason: 'the same function as torch.load (`torch.serialization.load is torch.load`)',
  },
  {
    qualifiedName: 'torch.hub.load_state_dict_from_url',
    display: 'torch.hub.load_state_dict_from_url',
    hasWeightsOnly: true,
    weightsOnlyPosition: 6,
    defaultNote: HUB_URL_DEFAULT,
    reason: 'downloads a checkpoint and passes it to torch.load with its own weights_only default',
  },
  {
    qualifiedName: 'torch.utils.model_zoo.load_url',
    display: 'torch.utils.model_zoo.load_url',
    hasWeightsOnly: true,
    weightsOnlyPosition: 6,
    defaultNote: HUB_URL_DEFAULT,
    reason: 'an alias of torch.hub.load_state_dict_from_url (`model_zoo.load_url is load_state_dict_from_url`)',
  },
  {
    qualifiedName: 'torchvision.models.utils.load_state_dict_from_url',
    display: 'load_state_dict_from_url',
    hasWeightsOnly: true,
    weightsOnlyPosition: 6,
    defaultNote: HUB_URL_DEFAULT,
    reason: 'older torchvision re-exports torch.hub.load_state_dict_from_url here',
  },
  {
    qualifiedName: 'torchvision._internally_replaced_utils.load_state_dict_from_url',
    display: 'load_state_dict_from_url',
    hasWeightsOnly: true,
    weightsOnlyPosition: 6,
    defaultNote: HUB_URL_DEFAULT,
    reason: 'torchvision re-exports torch.hub.load_state_dict_from_url here',
  },
  {
    qualifiedName: 'torch.package.PackageImporter().load_pickle',
    display: 'torch.package PackageImporter.load_pickle',
    hasWeightsOnly: false,
    defaultNote: 'it has no weights-only mode',
    reason: 'unpickles an object from a torch.package archive with the package importer',
  },
  {
    qualifiedName: 'torch.package.package_importer.PackageImporter().load_pickle',
    display: 'torch.package PackageImporter.load_pickle',
    hasWeightsOnly: false,
    defaultNote: 'it has no weights-only mode',
    reason: 'unpickles an object from a torch.package archive with the package importer',
  },
];

export interface TorchHubApi {
  readonly qualifiedName: string;
  /** Name of the repository parameter (positional index 0). */
  readonly repoParameter: 'repo_or_dir' | 'github';
  readonly trustRepoPosition?: number;
  readonly skipValidationPosition?: number;
  /** Only hub.load takes `source=` ('github' | 'local'). */
  readonly acceptsSource: boolean;
}

/** torch 1.13 signatures: load(repo_or_dir, model, *args, source, trust_repo, force_reload, verbose, skip_validation, **kwargs); list(github, force_reload, skip_validation, trust_repo); help(github, model, force_reload, skip_validation, trust_repo). */
export const TORCH_HUB_APIS: readonly TorchHubApi[] = [
  { qualifiedName: 'torch.hub.load', repoParameter: 'repo_or_dir', acceptsSource: true },
  {
    qualifiedName: 'torch.hub.list',
    repoParameter: 'github',
    skipValidationPosition: 2,
    trustRepoPosition: 3,
    acceptsSource: false,
  },
  {
    qualifiedName: 'torch.hub.help',
    repoParameter: 'github',
    skipValidationPosition: 3,
    trustRepoPosition: 4,
    acceptsSource: false,
  },
];

export interface LibraryLoadApi {
  readonly qualifiedName: string;
  readonly confidence: 'high' | 'medium' | 'low';
  /** True for generic native loaders (ctypes, cffi) whose confidence drops in files that never import torch. */
  readonly generic: boolean;
  readonly reason: string;
}

export const LIBRARY_LOAD_APIS: readonly LibraryLoadApi[] = [
  {
    qualifiedName: 'torch.ops.load_library',
    confidence: 'high',
    generic: false,
    reason: 'dlopens a shared library whose static initialisers register custom operators',
  },
  {
    qualifiedName: 'torch.classes.load_library',
    confidence: 'high',
    generic: false,
    reason: 'dlopens a shared library whose static initialisers register custom classes',
  },
  {
    qualifiedName: 'torch.ops.import_module',
    confidence: 'medium',
    generic: false,
    reason: 'imports a Python extension module that registers operators',
  },
  {
    qualifiedName: 'torch.utils.cpp_extension.load',
    confidence: 'high',
    generic: false,
    reason: 'compiles C++/CUDA sources at run time and loads the resulting extension',
  },
  {
    qualifiedName: 'torch.utils.cpp_extension.load_inline',
    confidence: 'high',
    generic: false,
    reason: 'compiles inline C++/CUDA source at run time and loads the resulting extension',
  },
  { qualifiedName: 'ctypes.CDLL', confidence: 'medium', generic: true, reason: 'dlopens a shared library' },
  { qualifiedName: 'ctypes.PyDLL', confidence: 'medium', generic: true, reason: 'dlopens a shared library' },
  { qualifiedName: 'ctypes.WinDLL', confidence: 'medium', generic: true, reason: 'loads a DLL' },
  { qualifiedName: 'ctypes.OleDLL', confidence: 'medium', generic: true, reason: 'loads a DLL' },
  { qualifiedName: 'ctypes.cdll.LoadLibrary', confidence: 'medium', generic: true, reason: 'dlopens a shared library' },
  {
    qualifiedName: 'ctypes.pydll.LoadLibrary',
    confidence: 'medium',
    generic: true,
    reason: 'dlopens a shared library',
  },
  { qualifiedName: 'ctypes.windll.LoadLibrary', confidence: 'medium', generic: true, reason: 'loads a DLL' },
  { qualifiedName: 'ctypes.oledll.LoadLibrary', confidence: 'medium', generic: true, reason: 'loads a DLL' },
  { qualifiedName: '_ctypes.dlopen', confidence: 'medium', generic: true, reason: 'dlopens a shared library' },
  { qualifiedName: 'cffi.FFI().dlopen', confidence: 'medium', generic: true, reason: 'dlopens a shared library' },
  {
    qualifiedName: 'ctypes.util.find_library',
    confidence: 'low',
    generic: true,
    reason: 'looks up a shared library by name (usually before loading it)',
  },
];

/** `ctypes.cdll.<lib>` and friends load `<lib>` on attribute access (ctypes.LibraryLoader). */
export const CTYPES_LIBRARY_LOADERS: readonly string[] = [
  'ctypes.cdll',
  'ctypes.pydll',
  'ctypes.windll',
  'ctypes.oledll',
];

export type HubconfCategory = 'process' | 'code' | 'dynamic-import' | 'download' | 'pip-install';

export interface HubconfDangerousApi {
  /** Exact qualified name, or a prefix when it ends with `.` (e.g. `requests.Session().`). */
  readonly pattern: string;
  readonly category: HubconfCategory;
  readonly what: string;
}

const PROCESS = (pattern: string): HubconfDangerousApi => ({ pattern, category: 'process', what: 'starts a process' });
const DOWNLOAD = (pattern: string): HubconfDangerousApi => ({
  pattern,
  category: 'download',
  what: 'downloads content from the network',
});

/** What a hubconf.py should not run when torch.hub imports it or calls an entrypoint. */
export const HUBCONF_DANGEROUS_APIS: readonly HubconfDangerousApi[] = [
  ...['Popen', 'run', 'call', 'check_call', 'check_output', 'getoutput', 'getstatusoutput'].map((n) =>
    PROCESS('subprocess.' + n),
  ),
  ...[
    'system',
    'popen',
    'posix_spawn',
    'posix_spawnp',
    'startfile',
    ...['l', 'le', 'lp', 'lpe', 'v', 've', 'vp', 'vpe'].flatMap((s) => ['exec' + s, 'spawn' + s]),
  ].map((n) => PROCESS('os.' + n)),
  PROCESS('pty.spawn'),
  PROCESS('commands.getoutput'),
  PROCESS('commands.getstatusoutput'),
  PROCESS('asyncio.create_subprocess_exec'),
  PROCESS('asyncio.create_subprocess_shell'),
  { pattern: 'builtins.exec', category: 'code', what: 'executes dynamically built Python code (exec)' },
  { pattern: 'builtins.eval', category: 'code', what: 'evaluates dynamically built Python code (eval)' },
  { pattern: 'builtins.compile', category: 'code', what: 'compiles dynamically built Python code (compile)' },
  { pattern: 'runpy.run_path', category: 'code', what: 'runs a Python file (runpy)' },
  { pattern: 'runpy.run_module', category: 'code', what: 'runs a Python module (runpy)' },
  { pattern: 'imp.load_source', category: 'code', what: 'loads Python source from a path (imp)' },
  { pattern: 'builtins.__import__', category: 'dynamic-import', what: 'imports a module chosen at run time' },
  { pattern: 'importlib.import_module', category: 'dynamic-import', what: 'imports a module chosen at run time' },
  { pattern: 'importlib.__import__', category: 'dynamic-import', what: 'imports a module chosen at run time' },
  ...[
    'urllib.request.urlopen',
    'urllib.request.urlretrieve',
    'urllib.urlopen',
    'urllib.urlretrieve',
    'urllib2.urlopen',
    'requests.get',
    'requests.post',
    'requests.put',
    'requests.patch',
    'requests.request',
    'requests.Session().',
    'requests.session().',
    'httpx.get',
    'httpx.post',
    'httpx.request',
    'httpx.stream',
    'httpx.Client().',
    'httpx.AsyncClient().',
    'urllib3.PoolManager().',
    'wget.download',
    'gdown.download',
    'torch.hub.download_url_to_file',
    'torch.hub._download_url_to_file',
  ].map(DOWNLOAD),
  { pattern: 'pip.main', category: 'pip-install', what: 'runs pip' },
  { pattern: 'pip._internal.main', category: 'pip-install', what: 'runs pip' },
  { pattern: 'pip._internal.cli.main.main', category: 'pip-install', what: 'runs pip' },
];

export function matchesPattern(qualifiedName: string, pattern: string): boolean {
  return pattern.endsWith('.') ? qualifiedName.startsWith(pattern) : qualifiedName === pattern;
}
