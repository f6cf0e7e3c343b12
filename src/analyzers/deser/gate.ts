// Cheap gates in front of the full Python analysis for scans that run only the DESER rules:
// a text test (no loader, transport or media type named at all → nothing to parse), and a look at the parsed tree
// around each loader-like word (weights-only torch.load, json/numpy loads → nothing to analyse).
import type { Node } from 'web-tree-sitter';
import { analyzePythonModuleUnless, type AnalyzeOptions } from '../python/analyze-module.js';
import type { PythonModule } from '../python/module-model.js';
import { SINK_BY_NAME } from './apis.js';

/**
 * Tokens of ALWAYS_TOKENS that make a file worth analysing for what it serves, not for a deserializer that data
 * handed to its functions can reach: serialized media types (a handler's content-type check, SCHEMALESS-ENDPOINT)
 * and Celery's serializer settings (a transport's configuration).
 */
const CONTEXT_TOKEN_LIST: readonly string[] = [
  'accept_content',
  'task_serializer',
  'result_serializer',
  'CELERY_',
  'octet-stream',
  'python-pickle',
  'x-pickle',
  'application/pickle',
  'python-serialize',
  'vnd.python.pickle',
  'x-dill',
  'x-joblib',
  'x-cloudpickle',
  '+pickle',
];

/** Tokens that make a file worth analysing on their own (transports, media types, unpicklers, dynamic imports). */
const ALWAYS_TOKENS: readonly string[] = [
  'recv_pyobj',
  'recv_serialized',
  'multiprocessing',
  'Unpickler',
  'jsonpickle',
  'read_pickle',
  'shelve',
  // Library loaders whose formats are pickles: fastai's Learner, statsmodels' pickles, pandas' HDF5 reads.
  'load_learner',
  'load_pickle',
  // PyTorch Lightning's classmethod (torch.load of the checkpoint), Keras' load_model with safe_mode off.
  'load_from_checkpoint',
  'safe_mode',
  'read_hdf',
  'allow_pickle',
  'import_module',
  '__import__',
  '_deserializer',
  ...CONTEXT_TOKEN_LIST,
  '_object_list',
  'gather_object',
  'init_rpc',
  'SERIALIZER',
  'SlaveService',
  'ClassicService',
];

/**
 * Modules whose loaders are sinks when called as `<module>.load*` (`pickle` covers cloudpickle, _pickle and
 * pickle5, `Pickle` covers cPickle and six.moves.cPickle). numpy is here because `np.load(f, None, True)` passes
 * allow_pickle positionally without naming it.
 */
const LOADER_MODULES: readonly string[] = [
  'pickle',
  'Pickle',
  'dill',
  'joblib',
  'marshal',
  'yaml',
  'torch',
  'numpy',
  // Libraries whose own loaders unpickle a saved object (gensim's SaveLoad.load, statsmodels' load, MLflow's
  // load_model).
  'gensim',
  'statsmodels',
  'mlflow',
  // OpenMMLab's checkpoint loaders (a torch.load of the file or URL named), words of OPENMMLAB_WORDS.
  'mmengine',
  'mmcv',
];

/** The sink names of those modules, as whole words. */
const LOAD_WORDS: ReadonlySet<string> = new Set([
  'load',
  'loads',
  '_load',
  '_loads',
  'load_all',
  'unsafe_load',
  'unsafe_load_all',
  'full_load',
  'full_load_all',
  // torch.hub.load_state_dict_from_url / torch.utils.model_zoo.load_url: a download handed to torch.load.
  'load_state_dict_from_url',
  'load_url',
  // MLflow's flavours: mlflow.<flavour>.load_model unpickles the model.
  'load_model',
  'load_pyfunc',
]);

/**
 * OpenMMLab's checkpoint loaders (`load_checkpoint`, `_load_checkpoint`, ...): load words only in a text naming
 * mmengine or mmcv (projects name their own `load_checkpoint` helpers far more often).
 */
const OPENMMLAB_WORDS: ReadonlySet<string> = new Set([
  'load_checkpoint',
  '_load_checkpoint',
  '_load_checkpoint_with_prefix',
]);

const namesOpenMMLab = (text: string): boolean => text.includes('mmengine') || text.includes('mmcv');

function isIdentChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/** Whole-word occurrences of LOAD_WORDS anywhere in the text (code, strings and comments alike): [start, end). */
function loadWords(text: string, stopAfterFirst: boolean): [number, number][] {
  const out: [number, number][] = [];
  let openMMLab: boolean | undefined;
  for (let i = text.indexOf('load'); i >= 0; i = text.indexOf('load', i + 4)) {
    let a = i;
    while (a > 0 && isIdentChar(text.charCodeAt(a - 1))) a--;
    let b = i + 4;
    while (b < text.length && isIdentChar(text.charCodeAt(b))) b++;
    const word = text.slice(a, b);
    if (LOAD_WORDS.has(word) || (OPENMMLAB_WORDS.has(word) && (openMMLab ??= namesOpenMMLab(text)))) {
      out.push([a, b]);
      if (stopAfterFirst) return out;
    }
    i = b - 4; // continue after this word
  }
  return out;
}

/**
 * ALWAYS_TOKENS as one pattern of literal alternatives: a text without any is passed over once, not once per token
 * (the gate reads every Python file of a scan).
 */
const ALWAYS_PATTERN = new RegExp(ALWAYS_TOKENS.map((t) => t.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('|'));

function hasAlwaysToken(text: string): boolean {
  return ALWAYS_PATTERN.test(text);
}

const CONTEXT_TOKENS: ReadonlySet<string> = new Set(CONTEXT_TOKEN_LIST);

/** Tokens that hold a deserializer only together with another word (see mayHoldDeserializer). */
const DYNAMIC_IMPORT_TOKENS: ReadonlySet<string> = new Set(['import_module', '__import__']);

/**
 * Modules a deserializer is a function of (`pickle` for pickle.loads, `distributed.protocol` for its loads): what a
 * dynamic import must name to return one.
 */
const DESERIALIZER_MODULES: readonly string[] = [
  ...new Set(
    [...SINK_BY_NAME.keys()]
      .filter((q) => /\.loads?$/.test(q))
      .map((q) => q.slice(0, q.lastIndexOf('.')))
      .filter((m) => SINK_BY_NAME.has(`${m}.loads`) || SINK_BY_NAME.has(`${m}.load`)),
  ),
];

/**
 * False when no function of the module can hand data its callers pass in to a deserializer, decided on the raw
 * text: mayHaveDeserSignals without what a module names for what it serves (media types, Celery's settings),
 * `multiprocessing` only with a load word or a receive (`multiprocessing.reduction.loads`, `conn.recv()`; its
 * managers and listeners are transports the module sets up), and a dynamic import only when the text names a
 * deserializer's module (a function returns one only from a literal or constant it names). For a module that a
 * file named alone hands its callers' data to: only a deserializer there can put the file on a path.
 */
export function mayHoldDeserializer(text: string): boolean {
  for (const t of ALWAYS_TOKENS) {
    if (CONTEXT_TOKENS.has(t) || !text.includes(t)) continue;
    if (t === 'multiprocessing') {
      if (text.includes('recv') || loadWords(text, true).length > 0) return true;
    } else if (DYNAMIC_IMPORT_TOKENS.has(t)) {
      if (DESERIALIZER_MODULES.some((m) => text.includes(m))) return true;
    } else return true;
  }
  if (!LOADER_MODULES.some((m) => text.includes(m))) return false;
  return loadWords(text, true).length > 0;
}

/**
 * False when `text` cannot yield any DESER signal, decided on the raw text: every sink, transport and media type
 * is named in the source (imports name the module, calls or aliases name the loader, even `getattr(m, "loads")`).
 * A module that names a loader module but never a whole word `load`/`loads`/... (only `load_state_dict`,
 * `DataLoader`, `load_file`) has no sink. Dynamic imports (`import_module`, `__import__`) always count.
 */
export function mayHaveDeserSignals(text: string): boolean {
  if (hasAlwaysToken(text)) return true;
  if (!LOADER_MODULES.some((m) => text.includes(m))) return false;
  return loadWords(text, true).length > 0;
}

/**
 * Modules whose `load`/`loads` build plain data: json and friends, and numpy (np.load refuses pickles unless
 * allow_pickle is passed, and a file naming `allow_pickle` never reaches this gate).
 */
const DATA_LOAD_MODULES: ReadonlySet<string> = new Set([
  'json',
  'simplejson',
  'ujson',
  'orjson',
  'msgpack',
  'tomllib',
  'tomli',
  'toml',
  'numpy',
]);

/**
 * True when every loader-like word in the file is provably not a DESER sink, looking only at the parse tree
 * around each occurrence:
 * - the name of a call passing a literal `weights_only=True`, at most two positional arguments, no
 *   `pickle_module=` and no `*`/`**` splats: a weights-only torch.load, or a TypeError before anything is read
 *   (no other loader accepts `weights_only`);
 * - `M.load(...)`/`M.loads(...)` where every occurrence of `M` in the file is `import <data module> [as M]`, an
 *   attribute access `M.x`, or text in a comment/string (so `M` is json, numpy... and nothing else).
 * Any other occurrence (another call, an alias, a string, a parse error around a call) sends the file to the
 * full analysis.
 */
export function noDeserSinks(root: Node, text: string): boolean {
  if (hasAlwaysToken(text)) return false;
  const verified = new Map<string, boolean>();
  for (const [a, b] of loadWords(text, false)) {
    const id = root.descendantForIndex(a, b);
    if (id === null || id.type !== 'identifier' || id.startIndex !== a || id.endIndex !== b) return false;
    let fn: Node = id;
    let p = id.parent;
    let receiver: Node | null = null;
    if (p?.type === 'attribute') {
      if (p.childForFieldName('attribute')?.startIndex !== a) return false;
      receiver = p.childForFieldName('object');
      fn = p;
      p = p.parent;
    }
    if (p?.type !== 'call') return false;
    const f = p.childForFieldName('function');
    if (f === null || f.startIndex !== fn.startIndex || f.endIndex !== fn.endIndex) return false;
    const args = p.childForFieldName('arguments');
    if (args?.type === 'argument_list' && weightsOnlyArguments(args)) continue;
    if (receiver?.type !== 'identifier') return false;
    // numpy.load's third positional parameter is allow_pickle; a splat may carry it too.
    if (args?.type !== 'argument_list' || !plainDataArguments(args)) return false;
    const name = receiver.text;
    let ok = verified.get(name);
    if (ok === undefined) {
      ok = boundOnlyToDataModule(root, text, name);
      verified.set(name, ok);
    }
    if (!ok) return false;
  }
  return true;
}

/** Every occurrence of `name` is `import M` / `import M as name` with M a data module, `name.x`, or inert text. */
function boundOnlyToDataModule(root: Node, text: string, name: string): boolean {
  let imported = false;
  for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + name.length)) {
    const end = i + name.length;
    if ((i > 0 && isIdentChar(text.charCodeAt(i - 1))) || (end < text.length && isIdentChar(text.charCodeAt(end))))
      continue;
    const n = root.descendantForIndex(i, end);
    if (n === null) return false;
    if (n.type === 'comment' || n.type === 'string_content') continue;
    if (n.type !== 'identifier' || n.startIndex !== i || n.endIndex !== end) return false;
    const p = n.parent;
    if (p?.type === 'attribute' && p.childForFieldName('object')?.startIndex === i) continue;
    // `import json` / `import json.decoder`: the first identifier of a dotted name directly under the import.
    if (p?.type === 'dotted_name' && p.parent?.type === 'import_statement' && p.firstNamedChild?.startIndex === i) {
      if (!DATA_LOAD_MODULES.has(name)) return false;
      imported = true;
      continue;
    }
    // `import numpy as np`
    if (
      p?.type === 'aliased_import' &&
      p.parent?.type === 'import_statement' &&
      p.childForFieldName('alias')?.startIndex === i
    ) {
      const mod = p.childForFieldName('name')?.text ?? '';
      if (!DATA_LOAD_MODULES.has(mod.split('.')[0]!)) return false;
      imported = true;
      continue;
    }
    return false;
  }
  return imported;
}

/** At most two positional arguments and no `*`/`**` splats. */
function plainDataArguments(args: Node): boolean {
  let positional = 0;
  for (const a of args.namedChildren) {
    if (a === null || a.type === 'comment' || a.type === 'keyword_argument') continue;
    if (a.type === 'list_splat' || a.type === 'dictionary_splat') return false;
    positional++;
  }
  return positional <= 2;
}

function weightsOnlyArguments(args: Node): boolean {
  let positional = 0;
  let weightsOnlyTrue = false;
  for (const a of args.namedChildren) {
    if (a === null || a.type === 'comment') continue;
    if (a.type === 'list_splat' || a.type === 'dictionary_splat') return false;
    if (a.type !== 'keyword_argument') {
      positional++;
      continue;
    }
    const name = a.childForFieldName('name')?.text;
    if (name === 'pickle_module') return false;
    if (name === 'weights_only') weightsOnlyTrue = a.childForFieldName('value')?.type === 'true';
  }
  return weightsOnlyTrue && positional <= 2;
}

/**
 * Parse and analyse a file for the DESER rules only: undefined when the gates prove it cannot yield a DESER
 * signal (then nothing beyond the text test, or the parse and one query, was spent on it).
 */
export async function analyzeForDeser(text: string, opts: AnalyzeOptions = {}): Promise<PythonModule | undefined> {
  if (!mayHaveDeserSignals(text)) return undefined;
  return analyzePythonModuleUnless(text, opts, noDeserSinks);
}
