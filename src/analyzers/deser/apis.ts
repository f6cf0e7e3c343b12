// Tables for the DESER rules: executable deserializers (sinks), network
// objects and how data is read from them (sources), transforms data survives, and what keeps a value internal.
// Names are fully qualified as the Python analyser resolves them; `X()` is the result of calling X.
import type { TaintKind } from './value.js';
import { pushTo } from '../../core/multimap.js';

/**
 * How a sink reads its input:
 * - `bytes`: a bytes/str object (`pickle.loads`);
 * - `file`: a file-like object (`pickle.load`, `Unpickler`);
 * - `path-or-file`: a path or a file-like object (`torch.load`, `joblib.load`, `numpy.load`, `pandas.read_pickle`);
 * - `path`: a path only (`shelve.open`);
 * - `stream-or-text`: a string, bytes or a stream (`yaml.load`, `jsonpickle.decode`);
 * - `url`: the URL of a file it downloads, then loads (`torch.hub.load_state_dict_from_url`): whoever names the URL
 *   picks the content.
 */
export type SinkMode = 'bytes' | 'file' | 'path-or-file' | 'path' | 'stream-or-text' | 'url';

/** Extra condition that decides whether a call of the API is an executable deserialization. */
export type SinkGuard =
  | 'always'
  | 'torch-weights-only'
  | 'numpy-allow-pickle'
  | 'yaml-loader'
  | 'yaml-always'
  | 'ruamel-typ'
  | 'ruamel-loader'
  | 'keras-safe-mode';

export interface SinkApi {
  qualifiedName: string;
  /** How it is written in messages. */
  display: string;
  /** The serializer family, for messages and details (`pickle`, `dill`, `torch`, `yaml`...). */
  family: string;
  mode: SinkMode;
  /** Position and keyword of the argument carrying the serialized data. */
  position: number;
  keyword: string;
  guard: SinkGuard;
}

function sinks(
  family: string,
  mode: SinkMode,
  keyword: string,
  names: string[],
  guard: SinkGuard = 'always',
): SinkApi[] {
  return names.map((n) => ({
    qualifiedName: n,
    display: n,
    family,
    mode,
    position: 0,
    keyword,
    guard,
  }));
}

/** Every executable deserializer the DESER rules know, by qualified name. */
/**
 * OpenMMLab's checkpoint loaders with the position of `filename`: `CheckpointLoader.load_checkpoint(filename,
 * map_location=None, ...)`, `load_checkpoint(model, filename, ...)`, `_load_checkpoint(filename, ...)`,
 * `_load_checkpoint_with_prefix(prefix, filename, ...)`, defined in `runner.checkpoint`; mmengine's `runner` exports
 * the first two, mmcv 1.x's `runner` all four.
 */
const OPENMMLAB_LOADERS: readonly (readonly [string, number])[] = [
  'mmengine.runner.checkpoint',
  'mmcv.runner.checkpoint',
  'mmcv.runner',
  'mmengine.runner',
].flatMap((mod): (readonly [string, number])[] => [
  [`${mod}.CheckpointLoader.load_checkpoint`, 0],
  [`${mod}.load_checkpoint`, 1],
  ...(mod === 'mmengine.runner'
    ? []
    : ([
        [`${mod}._load_checkpoint`, 0],
        [`${mod}._load_checkpoint_with_prefix`, 1],
      ] as const)),
]);

/** Names of OPENMMLAB_LOADERS: they fetch a URL themselves, as pandas' readers do. */
export const OPENMMLAB_LOADER_NAMES: ReadonlySet<string> = new Set(OPENMMLAB_LOADERS.map(([q]) => q));

export const SINK_APIS: readonly SinkApi[] = [
  ...sinks('pickle', 'bytes', 'data', [
    'pickle.loads',
    'pickle._loads',
    'cPickle.loads',
    'six.moves.cPickle.loads',
    '_pickle.loads',
    'pickle5.loads',
  ]),
  ...sinks('pickle', 'file', 'file', [
    'pickle.load',
    'pickle._load',
    'cPickle.load',
    'six.moves.cPickle.load',
    '_pickle.load',
    'pickle5.load',
    'pickle.Unpickler',
    'pickle._Unpickler',
    'cPickle.Unpickler',
    'six.moves.cPickle.Unpickler',
    '_pickle.Unpickler',
  ]),
  ...sinks('dill', 'bytes', 'str', ['dill.loads', 'dill._dill.loads']),
  ...sinks('dill', 'file', 'file', ['dill.load', 'dill.Unpickler', 'dill._dill.load', 'dill._dill.Unpickler']),
  ...sinks('cloudpickle', 'bytes', 'data', [
    'cloudpickle.loads',
    'cloudpickle.cloudpickle.loads',
    'ray.cloudpickle.loads',
    'joblib.externals.cloudpickle.loads',
    'srsly.cloudpickle.loads',
  ]),
  ...sinks('cloudpickle', 'file', 'file', ['cloudpickle.load', 'ray.cloudpickle.load']),
  // ForkingPickler.loads is pickle.loads; torch.multiprocessing re-exports it with its tensor reductions registered.
  ...sinks('pickle', 'bytes', 'data', [
    'multiprocessing.reduction.ForkingPickler.loads',
    'multiprocessing.reduction.loads',
    'torch.multiprocessing.reductions.ForkingPickler.loads',
    'torch.multiprocessing.ForkingPickler.loads',
  ]),
  // Comm layers whose frames are pickles by design.
  ...sinks('pickle', 'bytes', 'b', ['distributed.protocol.pickle.loads', 'distributed.protocol.loads']),
  ...sinks('joblib', 'path-or-file', 'filename', ['joblib.load', 'sklearn.externals.joblib.load']),
  ...sinks('shelve', 'path', 'filename', ['shelve.open', 'shelve.DbfilenameShelf']),
  ...sinks('marshal', 'bytes', 'bytes', ['marshal.loads']),
  ...sinks('marshal', 'file', 'file', ['marshal.load']),
  ...sinks('jsonpickle', 'stream-or-text', 'string', ['jsonpickle.decode', 'jsonpickle.loads']),
  ...sinks('pandas', 'path-or-file', 'filepath_or_buffer', ['pandas.read_pickle', 'pandas.io.pickle.read_pickle']),
  ...sinks('numpy', 'path-or-file', 'file', ['numpy.load'], 'numpy-allow-pickle'),
  ...sinks('yaml', 'stream-or-text', 'stream', ['yaml.load', 'yaml.load_all'], 'yaml-loader'),
  ...sinks(
    'yaml',
    'stream-or-text',
    'stream',
    ['yaml.unsafe_load', 'yaml.unsafe_load_all', 'yaml.full_load', 'yaml.full_load_all'],
    'yaml-always',
  ),
  ...sinks('torch', 'path-or-file', 'f', ['torch.load', 'torch.serialization.load'], 'torch-weights-only'),
  // Library loaders that unpickle a saved object whole (their formats are pickles, or torch.load without
  // weights_only): fastai's Learner (torch.load of the whole Learner), gensim's SaveLoad (pickle), MLflow's model
  // loaders (cloudpickle or pickle of the flavour's model), statsmodels' results (pickle), pandas' HDF5 reads (object
  // columns and fixed-format frames are pickled).
  ...sinks(
    'fastai',
    'path-or-file',
    'fname',
    ['learner', 'vision.all', 'text.all', 'tabular.all', 'collab', 'basics']
      .map((m) => `fastai.${m}.load_learner`)
      .concat(['fastai.basic_train.load_learner']),
  ),
  ...sinks(
    'gensim',
    'path',
    'fname',
    [
      ...['Word2Vec', 'Doc2Vec', 'FastText', 'KeyedVectors', 'LdaModel', 'LdaMulticore', 'LsiModel', 'TfidfModel'],
      ...['HdpModel', 'Phrases', 'RpModel', 'LogEntropyModel', 'Nmf', 'EnsembleLda', 'AuthorTopicModel'],
    ]
      .map((c) => `gensim.models.${c}.load`)
      .concat([
        'gensim.models.word2vec.Word2Vec.load',
        'gensim.models.doc2vec.Doc2Vec.load',
        'gensim.models.fasttext.FastText.load',
        'gensim.models.keyedvectors.KeyedVectors.load',
        'gensim.models.ldamodel.LdaModel.load',
        'gensim.corpora.Dictionary.load',
        'gensim.corpora.dictionary.Dictionary.load',
        'gensim.utils.SaveLoad.load',
        'gensim.utils.unpickle',
      ]),
  ),
  ...sinks(
    'mlflow',
    'path',
    'model_uri',
    ['pyfunc', 'sklearn', 'pytorch', 'keras', 'xgboost', 'lightgbm', 'statsmodels', 'prophet']
      .map((f) => `mlflow.${f}.load_model`)
      .concat(['mlflow.pyfunc.load_pyfunc']),
  ),
  ...sinks('statsmodels', 'path-or-file', 'fname', [
    'statsmodels.api.load',
    'statsmodels.iolib.smpickle.load_pickle',
    'statsmodels.iolib.api.load_pickle',
  ]),
  ...sinks('pandas', 'path-or-file', 'path_or_buf', ['pandas.read_hdf', 'pandas.io.pytables.read_hdf']),
  // PyTorch Lightning's `load_from_checkpoint`, a classmethod of every LightningModule and LightningDataModule
  // subclass: it torch.loads the checkpoint at `checkpoint_path` (a local path or file object: with the
  // `weights_only` it is given, none passed leaving torch's own default; a remote URL: weights_only=False unless
  // passed), so it is judged as torch.load is. Subclasses in the project reach it through their bases.
  ...sinks(
    'torch',
    'path-or-file',
    'checkpoint_path',
    [
      'lightning.LightningModule',
      'lightning.pytorch.LightningModule',
      'lightning.pytorch.core.LightningModule',
      'lightning.pytorch.core.module.LightningModule',
      'pytorch_lightning.LightningModule',
      'pytorch_lightning.core.LightningModule',
      'pytorch_lightning.core.module.LightningModule',
      'pytorch_lightning.core.lightning.LightningModule',
      'lightning.LightningDataModule',
      'lightning.pytorch.LightningDataModule',
      'lightning.pytorch.core.LightningDataModule',
      'lightning.pytorch.core.datamodule.LightningDataModule',
      'pytorch_lightning.LightningDataModule',
      'pytorch_lightning.core.LightningDataModule',
      'pytorch_lightning.core.datamodule.LightningDataModule',
    ].map((c) => `${c}.load_from_checkpoint`),
    'torch-weights-only',
  ),
  // Keras' `load_model(filepath, custom_objects=None, compile=True, safe_mode=True)`: with `safe_mode=False` a
  // saved Lambda layer's marshalled Python bytecode is rebuilt and run; the default refuses it.
  ...sinks(
    'keras',
    'path',
    'filepath',
    [
      'keras.models.load_model',
      'keras.saving.load_model',
      'keras.src.saving.saving_api.load_model',
      'tensorflow.keras.models.load_model',
      'tensorflow.keras.saving.load_model',
      'tf_keras.models.load_model',
    ],
    'keras-safe-mode',
  ),
  // The hub's URL loaders download the file at `url` and torch.load it (TORCH-LOAD-UNTRUSTED reports the call
  // whatever the URL; these rules only where the URL is not the project's own constant).
  ...sinks(
    'torch-hub',
    'url',
    'url',
    [
      'torch.hub.load_state_dict_from_url',
      'torch.utils.model_zoo.load_url',
      'torchvision.models.utils.load_state_dict_from_url',
      'torchvision._internally_replaced_utils.load_state_dict_from_url',
    ],
    'torch-weights-only',
  ),
  // OpenMMLab's checkpoint loaders (mmengine, and mmcv 1.x before it): `filename` is a local path, handed to
  // torch.load, or a URL (`http(s)://`, `s3://`, `open-mmlab://`, `torchvision://`, ...) whose file is downloaded,
  // then handed to torch.load. They take no weights_only (mmengine passes False, mmcv 1.x torch.load's default).
  ...OPENMMLAB_LOADERS.map(([q, position]): SinkApi => ({
    qualifiedName: q,
    display: q.split('.').slice(-2).join('.'),
    family: 'torch',
    mode: 'path-or-file',
    position,
    keyword: 'filename',
    guard: 'always',
  })),
  // ruamel.yaml: a `YAML(typ=...)` instance's load reads with the constructor its typ picks; only typ='unsafe'
  // builds arbitrary Python objects ('rt', the default, 'safe' and 'base' do not; 'full' is for dumping only).
  ...sinks(
    'yaml',
    'stream-or-text',
    'stream',
    [
      'ruamel.yaml.YAML().load',
      'ruamel.yaml.YAML().load_all',
      'ruamel.yaml.main.YAML().load',
      'ruamel.yaml.main.YAML().load_all',
    ],
    'ruamel-typ',
  ),
  // The legacy module functions (removed in 0.18): without Loader= they warn and use the unsafe loader.
  ...sinks(
    'yaml',
    'stream-or-text',
    'stream',
    ['ruamel.yaml.load', 'ruamel.yaml.load_all', 'ruamel.yaml.main.load', 'ruamel.yaml.main.load_all'],
    'ruamel-loader',
  ),
];

export const SINK_BY_NAME: ReadonlyMap<string, SinkApi> = new Map(SINK_APIS.map((s) => [s.qualifiedName, s]));

const lastPart = (q: string): string => q.slice(q.lastIndexOf('.') + 1);
const classMethodSink = (q: string): boolean => /\.[A-Z]\w*\.\w+$/.test(q) && !q.includes('()');

/**
 * Method names of sinks that are methods of a library class (`LightningModule.load_from_checkpoint`) and of no other
 * sink: a call of one on a project class may be the inherited sink (a name shared with module functions, such as
 * gensim's `load`, is not distinctive enough to send a file's callers to its class).
 */
export const INHERITED_SINK_METHODS: ReadonlySet<string> = new Set(
  SINK_APIS.filter((s) => classMethodSink(s.qualifiedName))
    .map((s) => lastPart(s.qualifiedName))
    .filter((m) => !SINK_APIS.some((s) => !classMethodSink(s.qualifiedName) && lastPart(s.qualifiedName) === m)),
);

/**
 * What a sink family does with the data it is given, for messages. marshal builds values and code objects but calls
 * nothing; it is a sink because CPython documents it as unsafe for untrusted data (crafted input can crash it).
 */
export function sinkEffect(family: string): string {
  return family === 'marshal'
    ? 'marshal rebuilds values and code objects and is not secure against crafted data (it can crash the interpreter)'
    : `${family} reconstructs arbitrary objects and runs the callables the data names`;
}

/** Base classes whose subclasses are unpicklers (constructing one starts the sink). */
export const UNPICKLER_CLASSES: ReadonlySet<string> = new Set(
  SINK_APIS.filter((s) => s.qualifiedName.endsWith('Unpickler')).map((s) => s.qualifiedName),
);

/**
 * Serializers: bytes they return were made here from an object of this process, so unpickling them again (the
 * `pickle.loads(pickle.dumps(x))` deep copy) rebuilds only what was already here.
 */
export const SERIALIZER_CALLS: ReadonlySet<string> = new Set([
  'pickle.dumps',
  'cPickle.dumps',
  '_pickle.dumps',
  'pickle5.dumps',
  'cloudpickle.dumps',
  'ray.cloudpickle.dumps',
  'dill.dumps',
  'marshal.dumps',
  'jsonpickle.encode',
  'jsonpickle.dumps',
  'multiprocessing.reduction.ForkingPickler.dumps',
  'torch.multiprocessing.reductions.ForkingPickler.dumps',
]);

/** Modules and names whose admission by an Unpickler's find_class lets the data run code. */
export const DANGEROUS_GLOBAL_NAMES: ReadonlySet<string> = new Set([
  'os',
  'posix',
  'nt',
  'subprocess',
  'builtins',
  '__builtin__',
  '__builtins__',
  'sys',
  'importlib',
  'pty',
  'socket',
  'shutil',
  'runpy',
  'code',
  'eval',
  'exec',
  'compile',
  'system',
  'popen',
  'getattr',
  '__import__',
  'apply',
]);

/** Which taint shapes reach a sink as serialized data (a network string is only a path for path sinks). */
export const REPORTABLE: Record<SinkMode, ReadonlySet<TaintKind>> = {
  bytes: new Set(['data', 'text', 'message']),
  file: new Set(['data', 'file', 'message', 'upload', 'endpoint', 'response']),
  'path-or-file': new Set(['data', 'file', 'message', 'upload', 'endpoint', 'response']),
  path: new Set(['file']),
  'stream-or-text': new Set(['data', 'text', 'file', 'message', 'upload', 'endpoint', 'response']),
  url: new Set(['data', 'text']),
};

/** PyYAML loaders that construct only plain data. */
export const YAML_SAFE_LOADERS: ReadonlySet<string> = new Set([
  'yaml.SafeLoader',
  'yaml.CSafeLoader',
  'yaml.BaseLoader',
  'yaml.CBaseLoader',
  'yaml.loader.SafeLoader',
  'yaml.loader.BaseLoader',
  'yaml.cyaml.CSafeLoader',
  'yaml.cyaml.CBaseLoader',
]);

/** PyYAML loaders that build arbitrary Python objects (FullLoader: on PyYAML < 5.4 also calls them). */
export const YAML_UNSAFE_LOADERS: ReadonlySet<string> = new Set([
  'yaml.Loader',
  'yaml.UnsafeLoader',
  'yaml.FullLoader',
  'yaml.CLoader',
  'yaml.CUnsafeLoader',
  'yaml.CFullLoader',
  'yaml.loader.Loader',
  'yaml.loader.UnsafeLoader',
  'yaml.loader.FullLoader',
]);

/** ruamel.yaml loaders of its legacy `load(stream, Loader=...)` that construct only plain data. */
export const RUAMEL_SAFE_LOADERS: ReadonlySet<string> = new Set(
  ['SafeLoader', 'BaseLoader', 'RoundTripLoader', 'CSafeLoader', 'CBaseLoader'].flatMap((n) => [
    `ruamel.yaml.${n}`,
    `ruamel.yaml.loader.${n}`,
    `ruamel.yaml.cyaml.${n}`,
  ]),
);

/** ruamel.yaml loaders that build arbitrary Python objects (`Constructor`, the full one). */
export const RUAMEL_UNSAFE_LOADERS: ReadonlySet<string> = new Set(
  ['Loader', 'UnsafeLoader', 'CLoader'].flatMap((n) => [
    `ruamel.yaml.${n}`,
    `ruamel.yaml.loader.${n}`,
    `ruamel.yaml.cyaml.${n}`,
  ]),
);

/** Objects that exist only inside a request and hold it (module globals of the framework). */
export const GLOBAL_REQUESTS: ReadonlyMap<string, string> = new Map([
  ['flask.request', 'Flask request'],
  ['flask.globals.request', 'Flask request'],
  ['quart.request', 'Quart request'],
  ['quart.websocket', 'Quart websocket'],
  ['bottle.request', 'Bottle request'],
]);

/** Module attributes a UI framework fills with what the client sent (read anywhere in a script it serves). */
export const GLOBAL_INPUTS: ReadonlyMap<string, string> = new Map([
  ['streamlit.query_params', 'Streamlit query parameters'],
  // Panel: the page URL's query arguments (bytes values by name) and the synced location's query parameters.
  ['panel.state.session_args', 'Panel query arguments (pn.state.session_args)'],
  ['panel.state.location.query_params', 'Panel location query parameters'],
]);

/** A qualified-name pattern: exact, or prefix + suffix (`zmq.` … `.socket()` covers every context spelling). */
export interface NamePattern {
  exact?: string;
  prefix?: string;
  suffix?: string;
  /** A name shape no prefix/suffix pair states (generated gRPC stubs: `<x>_pb2_grpc.<Name>Stub().<Method>`). */
  re?: RegExp;
}

export function matchesPattern(name: string, p: NamePattern): boolean {
  if (p.exact !== undefined) return name === p.exact;
  if (p.re !== undefined && !p.re.test(name)) return false;
  return (p.prefix === undefined || name.startsWith(p.prefix)) && (p.suffix === undefined || name.endsWith(p.suffix));
}

/**
 * A table of patterns looked up by name, answering as the table's first matching item (in table order), without
 * trying every pattern on every name: exact names in a map, prefixes that end in a dot under each dotted prefix of
 * the name, the other patterns (a regular expression, a prefix ending elsewhere, a suffix alone) tried in order. The
 * network table holds nearly 300 patterns and was tried linearly against every target of every call of a module.
 */
export class PatternTable<T> {
  private readonly exact = new Map<string, number[]>();
  private readonly dotted = new Map<string, number[]>();
  private readonly rest: number[] = [];
  private readonly patterns: NamePattern[];

  constructor(
    readonly items: readonly T[],
    patternOf: (item: T) => NamePattern,
  ) {
    this.patterns = items.map(patternOf);
    this.patterns.forEach((p, i) => {
      if (p.exact !== undefined) pushTo(this.exact, p.exact, i);
      else if (p.re === undefined && p.prefix !== undefined && p.prefix.endsWith('.')) pushTo(this.dotted, p.prefix, i);
      else this.rest.push(i);
    });
  }

  /** The first item (table order) whose pattern matches one of `names` and that `keep` accepts. */
  find(names: readonly string[], keep?: (item: T) => boolean): T | undefined {
    let best = -1;
    const consider = (i: number, name: string): void => {
      if (
        (best < 0 || i < best) &&
        matchesPattern(name, this.patterns[i]!) &&
        (keep === undefined || keep(this.items[i]!))
      )
        best = i;
    };
    for (const name of names) {
      for (const i of this.exact.get(name) ?? []) consider(i, name);
      for (let dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1))
        for (const i of this.dotted.get(name.slice(0, dot + 1)) ?? []) consider(i, name);
      for (const i of this.rest) consider(i, name);
    }
    return best < 0 ? undefined : this.items[best];
  }

  /** Whether any pattern matches one of `names`. */
  has(names: readonly string[]): boolean {
    return this.find(names) !== undefined;
  }
}

/** Calls that create network objects or return network data, with the shape and a label. */
export interface NetworkCall {
  pattern: NamePattern;
  kind: TaintKind;
  label: string;
  /**
   * Openers of URLs that also open local files (`fsspec.open`, `smart_open.open`): the call is a network read
   * when this argument is provably a remote URL (a literal, or a string built at run time whose literal start, with
   * a `scheme://` other than `file://`); a path passed in is the operator's own file, as with `open()`.
   */
  urlArg?: { position: number; keyword: string };
}

/** Methods of Redis clients that return stored values (what any client of the same server may have written). */
const REDIS_READS = [
  'get',
  'mget',
  'getdel',
  'getex',
  'getset',
  'getrange',
  'hget',
  'hmget',
  'hgetall',
  'hvals',
  'lindex',
  'lrange',
  'smembers',
  'srandmember',
  'spop',
  'zrange',
  'zrangebyscore',
  'zrevrange',
  'xrange',
  'xrevrange',
];

/** Methods of memcached clients that return stored values. */
const MEMCACHED_READS = ['get', 'gets', 'get_many', 'get_multi', 'gets_many', 'multi_get'];

export const NETWORK_CALLS: readonly NetworkCall[] = [
  { pattern: { exact: 'socket.socket' }, kind: 'endpoint', label: 'socket' },
  { pattern: { exact: 'socket.create_connection' }, kind: 'endpoint', label: 'socket' },
  { pattern: { exact: 'socket.create_server' }, kind: 'endpoint', label: 'socket' },
  { pattern: { exact: 'socket.fromfd' }, kind: 'endpoint', label: 'socket' },
  { pattern: { exact: 'ssl.wrap_socket' }, kind: 'endpoint', label: 'TLS socket' },
  { pattern: { prefix: 'ssl.', suffix: '.wrap_socket' }, kind: 'endpoint', label: 'TLS socket' },
  { pattern: { prefix: 'zmq.', suffix: '.socket' }, kind: 'endpoint', label: 'ZeroMQ socket' },
  // Contexts too, so `self.ctx.socket(...)` on a context kept in an attribute still yields a socket.
  { pattern: { exact: 'zmq.Context' }, kind: 'endpoint', label: 'ZeroMQ socket' },
  { pattern: { exact: 'zmq.Context.instance' }, kind: 'endpoint', label: 'ZeroMQ socket' },
  { pattern: { exact: 'zmq.asyncio.Context' }, kind: 'endpoint', label: 'ZeroMQ socket' },
  { pattern: { exact: 'zmq.asyncio.Context.instance' }, kind: 'endpoint', label: 'ZeroMQ socket' },
  { pattern: { exact: 'zmq.Socket' }, kind: 'endpoint', label: 'ZeroMQ socket' },
  { pattern: { exact: 'kafka.KafkaConsumer' }, kind: 'endpoint', label: 'Kafka consumer' },
  { pattern: { exact: 'kafka.consumer.KafkaConsumer' }, kind: 'endpoint', label: 'Kafka consumer' },
  { pattern: { exact: 'aiokafka.AIOKafkaConsumer' }, kind: 'endpoint', label: 'Kafka consumer' },
  { pattern: { exact: 'confluent_kafka.Consumer' }, kind: 'endpoint', label: 'Kafka consumer' },
  { pattern: { exact: 'confluent_kafka.DeserializingConsumer' }, kind: 'endpoint', label: 'Kafka consumer' },
  { pattern: { prefix: 'redis.', suffix: '.pubsub' }, kind: 'endpoint', label: 'Redis pub/sub' },
  { pattern: { prefix: 'aioredis.', suffix: '.pubsub' }, kind: 'endpoint', label: 'Redis pub/sub' },
  ...['blpop', 'brpop', 'lpop', 'rpop', 'brpoplpush', 'blmove', 'lmove', 'xread', 'xreadgroup'].flatMap((m) => [
    { pattern: { prefix: 'redis.', suffix: '.' + m }, kind: 'data' as TaintKind, label: 'Redis queue message' },
    { pattern: { prefix: 'aioredis.', suffix: '.' + m }, kind: 'data' as TaintKind, label: 'Redis queue message' },
  ]),
  { pattern: { exact: 'websockets.connect' }, kind: 'endpoint', label: 'websocket' },
  { pattern: { prefix: 'websockets.', suffix: '.connect' }, kind: 'endpoint', label: 'websocket' },
  { pattern: { exact: 'asyncio.open_connection' }, kind: 'endpoint', label: 'asyncio stream' },
  { pattern: { exact: 'asyncio.open_unix_connection' }, kind: 'endpoint', label: 'asyncio stream' },
  { pattern: { exact: 'multiprocessing.connection.Listener' }, kind: 'mplistener', label: 'multiprocessing Listener' },
  { pattern: { exact: 'multiprocessing.connection.Client' }, kind: 'mpconn', label: 'multiprocessing Client' },
  { pattern: { prefix: 'pika.', suffix: '.basic_get' }, kind: 'message', label: 'RabbitMQ message' },
  { pattern: { prefix: 'pika.', suffix: '.consume' }, kind: 'message', label: 'RabbitMQ message' },
  { pattern: { prefix: 'aio_pika.', suffix: '.iterator' }, kind: 'endpoint', label: 'RabbitMQ queue' },
  { pattern: { prefix: 'aio_pika.', suffix: '.get' }, kind: 'message', label: 'RabbitMQ message' },
  { pattern: { prefix: 'nats.', suffix: '.next_msg' }, kind: 'message', label: 'NATS message' },
  { pattern: { exact: 'aiohttp.web.WebSocketResponse' }, kind: 'endpoint', label: 'aiohttp websocket' },
  { pattern: { exact: 'aiohttp.ClientSession().ws_connect' }, kind: 'endpoint', label: 'aiohttp websocket' },
  { pattern: { exact: 'websocket.create_connection' }, kind: 'endpoint', label: 'websocket' },
  { pattern: { exact: 'tornado.websocket.websocket_connect' }, kind: 'endpoint', label: 'Tornado websocket' },
  { pattern: { prefix: 'tornado.tcpclient.TCPClient', suffix: '.connect' }, kind: 'endpoint', label: 'Tornado stream' },
  // torch.distributed key-value stores: values are bytes another rank (or whoever reaches the port) set.
  ...['TCPStore', 'FileStore', 'PrefixStore'].flatMap((s) =>
    ['torch.distributed.', 'torch.distributed.distributed_c10d.', 'torch._C._distributed_c10d.'].map(
      (m): NetworkCall => ({ pattern: { exact: m + s }, kind: 'endpoint', label: `c10d ${s}` }),
    ),
  ),
  // Shared memory filled by other processes (ring buffers between engine processes).
  {
    pattern: { exact: 'multiprocessing.shared_memory.SharedMemory' },
    kind: 'endpoint',
    label: 'shared memory written by another process',
  },
  // HTTP clients: another host's response.
  ...['get', 'post', 'put', 'patch', 'delete', 'head', 'request', 'options'].flatMap((m): NetworkCall[] => [
    { pattern: { exact: `requests.${m}` }, kind: 'response', label: 'HTTP response (requests)' },
    { pattern: { exact: `requests.Session().${m}` }, kind: 'response', label: 'HTTP response (requests)' },
    { pattern: { exact: `requests.sessions.Session().${m}` }, kind: 'response', label: 'HTTP response (requests)' },
    { pattern: { exact: `httpx.${m}` }, kind: 'response', label: 'HTTP response (httpx)' },
    { pattern: { exact: `httpx.Client().${m}` }, kind: 'response', label: 'HTTP response (httpx)' },
    { pattern: { exact: `httpx.AsyncClient().${m}` }, kind: 'response', label: 'HTTP response (httpx)' },
    { pattern: { exact: `aiohttp.ClientSession().${m}` }, kind: 'response', label: 'HTTP response (aiohttp)' },
  ]),
  { pattern: { exact: 'urllib.request.urlopen' }, kind: 'response', label: 'HTTP response (urlopen)' },
  { pattern: { exact: 'urllib2.urlopen' }, kind: 'response', label: 'HTTP response (urlopen)' },
  { pattern: { exact: 'urllib3.PoolManager().request' }, kind: 'response', label: 'HTTP response (urllib3)' },
  { pattern: { exact: 'urllib3.request' }, kind: 'response', label: 'HTTP response (urllib3)' },
  { pattern: { exact: 'aiohttp.request' }, kind: 'response', label: 'HTTP response (aiohttp)' },
  ...['http.client.HTTPConnection', 'http.client.HTTPSConnection', 'httplib.HTTPConnection'].map((c): NetworkCall => ({
    pattern: { exact: `${c}().getresponse` },
    kind: 'response',
    label: 'HTTP response (http.client)',
  })),
  // gRPC client stubs (generated `<x>_pb2_grpc.<Service>Stub`): every method returns the server's reply message.
  { pattern: { re: /_pb2_grpc\.\w*Stub\(\)\.\w+$/ }, kind: 'message', label: 'gRPC stub reply' },
  // Shared caches: any client of the same server may have written the value.
  ...['redis.', 'aioredis.', 'valkey.', 'rediscluster.'].flatMap((prefix) =>
    REDIS_READS.map((m): NetworkCall => ({
      pattern: { prefix, suffix: '.' + m },
      kind: 'data',
      label: 'cache read (Redis)',
    })),
  ),
  ...['pymemcache.', 'memcache.', 'pylibmc.', 'aiomcache.', 'bmemcached.'].flatMap((prefix) =>
    MEMCACHED_READS.map((m): NetworkCall => ({
      pattern: { prefix, suffix: '.' + m },
      kind: 'data',
      label: 'cache read (memcached)',
    })),
  ),
  ...['get', 'get_many'].flatMap((m): NetworkCall[] => [
    { pattern: { exact: `flask_caching.Cache().${m}` }, kind: 'data', label: 'cache read (Flask-Caching backend)' },
    { pattern: { exact: `django.core.cache.cache.${m}` }, kind: 'data', label: 'cache read (Django cache backend)' },
    { pattern: { prefix: 'aiocache.', suffix: '.' + m }, kind: 'data', label: 'cache read (aiocache backend)' },
  ]),
  // Object stores: the object's bytes (boto3's reply holds them under `["Body"]`).
  ...['boto3.client()', 'boto3.session.Session().client()', 'boto3.Session().client()'].map((c): NetworkCall => ({
    pattern: { exact: `${c}.get_object` },
    kind: 'message',
    label: 'object-store read (S3 get_object)',
  })),
  {
    pattern: { prefix: 'boto3.', suffix: '.Object().get' },
    kind: 'message',
    label: 'object-store read (S3 Object.get)',
  },
  // The asyncio S3 clients (aiobotocore sessions, aioboto3): the same reply, its `["Body"]` read with `await`.
  {
    pattern: { prefix: 'aiobotocore.', suffix: '.create_client().get_object' },
    kind: 'message',
    label: 'object-store read (S3 get_object, aiobotocore)',
  },
  {
    pattern: { prefix: 'aioboto3.', suffix: '.client().get_object' },
    kind: 'message',
    label: 'object-store read (S3 get_object, aioboto3)',
  },
  // MinIO: `get_object` returns the HTTP response holding the object (`.read()`, `.data`, `.stream()`).
  { pattern: { exact: 'minio.Minio().get_object' }, kind: 'response', label: 'object-store read (MinIO get_object)' },
  // Managed model endpoints: the endpoint's reply (boto3's reply holds it under `["Body"]`, a stream of events for
  // the streaming form).
  ...['boto3.client()', 'boto3.session.Session().client()', 'boto3.Session().client()'].flatMap((c): NetworkCall[] => [
    { pattern: { exact: `${c}.invoke_endpoint` }, kind: 'message', label: 'model endpoint reply (SageMaker)' },
    {
      pattern: { exact: `${c}.invoke_endpoint_with_response_stream` },
      kind: 'message',
      label: 'model endpoint reply (SageMaker)',
    },
  ]),
  // Queues, streams and tables of the cloud SDKs: what a read returns is what any holder of write access put there (SQS
  // `["Messages"][i]["Body"]`, Kinesis `["Records"][i]["Data"]`, a DynamoDB item's binary attributes).
  ...['boto3.client()', 'boto3.session.Session().client()', 'boto3.Session().client()'].flatMap((c): NetworkCall[] =>
    ['receive_message', 'get_records', 'get_item', 'batch_get_item', 'query', 'scan'].map((m) => ({
      pattern: { exact: `${c}.${m}` },
      kind: 'message',
      label: `queue, stream or table read (${m})`,
    })),
  ),
  ...['boto3.resource()', 'boto3.session.Session().resource()', 'boto3.Session().resource()'].flatMap(
    (c): NetworkCall[] => [
      ...['Queue()', 'get_queue_by_name()'].map((q) => ({
        pattern: { exact: `${c}.${q}.receive_messages` },
        kind: 'message' as const,
        label: 'queue read (SQS receive_messages)',
      })),
      ...['get_item', 'query', 'scan'].map((m) => ({
        pattern: { exact: `${c}.Table().${m}` },
        kind: 'message' as const,
        label: `table read (DynamoDB ${m})`,
      })),
    ],
  ),
  ...['receive_messages', 'peek_messages'].map((m): NetworkCall => ({
    pattern: { prefix: 'azure.servicebus.', suffix: '.' + m },
    kind: 'message',
    label: `queue read (Azure Service Bus ${m})`,
  })),
  {
    pattern: { prefix: 'google.cloud.pubsub', suffix: '.pull' },
    kind: 'message',
    label: 'queue read (Pub/Sub pull)',
  },
  // A SageMaker session's runtime client (`Session().sagemaker_runtime_client`) is the same boto3 client.
  ...['sagemaker.Session()', 'sagemaker.session.Session()'].flatMap((c): NetworkCall[] =>
    ['invoke_endpoint', 'invoke_endpoint_with_response_stream'].map((m) => ({
      pattern: { exact: `${c}.sagemaker_runtime_client.${m}` },
      kind: 'message',
      label: 'model endpoint reply (SageMaker)',
    })),
  ),
  {
    pattern: { prefix: 'sagemaker.', suffix: '.predict' },
    kind: 'data',
    label: 'model endpoint reply (SageMaker Predictor)',
  },

  ...['download_as_bytes', 'download_as_string', 'download_as_text'].map((m): NetworkCall => ({
    pattern: { prefix: 'google.cloud.storage.', suffix: '.' + m },
    kind: 'data',
    label: 'object-store read (Google Cloud Storage)',
  })),
  // `blob.open("rb")`: a file object whose reads stream the blob.
  {
    pattern: { prefix: 'google.cloud.storage.', suffix: '.blob().open' },
    kind: 'endpoint',
    label: 'object-store read (Google Cloud Storage blob.open)',
  },
  {
    pattern: { prefix: 'google.cloud.storage.', suffix: '.Blob().open' },
    kind: 'endpoint',
    label: 'object-store read (Google Cloud Storage blob.open)',
  },
  {
    pattern: { prefix: 'azure.storage.blob.', suffix: '.download_blob' },
    kind: 'endpoint',
    label: 'object-store read (Azure Blob)',
  },
  // UI apps: what a widget returns is what the browser sent (Streamlit's uploaders return UploadedFile objects,
  // read with `.read()`/`.getvalue()`; Panel's FileInput holds the uploaded bytes in `.value`; Chainlit's
  // AskFileMessage answers with files whose `.path` names the uploaded copy).
  ...['file_uploader', 'camera_input', 'audio_input'].map((m): NetworkCall => ({
    pattern: { exact: `streamlit.${m}` },
    kind: 'upload',
    label: `Streamlit ${m} (a file the client uploaded)`,
  })),
  ...['text_input', 'text_area', 'chat_input', 'experimental_get_query_params'].map((m): NetworkCall => ({
    pattern: { exact: `streamlit.${m}` },
    kind: 'text',
    label: `Streamlit ${m} (sent by the client)`,
  })),
  // The same widgets placed in the sidebar (`st.sidebar.text_input(...)`).
  ...['file_uploader', 'camera_input', 'audio_input'].map((m): NetworkCall => ({
    pattern: { exact: `streamlit.sidebar.${m}` },
    kind: 'upload',
    label: `Streamlit sidebar ${m} (a file the client uploaded)`,
  })),
  ...['text_input', 'text_area', 'chat_input'].map((m): NetworkCall => ({
    pattern: { exact: `streamlit.sidebar.${m}` },
    kind: 'text',
    label: `Streamlit sidebar ${m} (sent by the client)`,
  })),
  ...['panel.widgets.FileInput', 'panel.widgets.input.FileInput', 'panel.widgets.FileDropper'].map(
    (exact): NetworkCall => ({ pattern: { exact }, kind: 'endpoint', label: 'Panel FileInput (uploaded bytes)' }),
  ),
  // Panel's free-text widgets: `.value` is what the user typed (Select-like widgets are held to the app's options).
  ...[
    ...['TextInput', 'TextAreaInput', 'PasswordInput'].flatMap((w) => [
      `panel.widgets.${w}`,
      `panel.widgets.input.${w}`,
    ]),
    ...['panel.widgets.CodeEditor', 'panel.widgets.codeeditor.CodeEditor'],
    ...['panel.widgets.TextEditor', 'panel.widgets.texteditor.TextEditor'],
  ].map((exact): NetworkCall => ({
    pattern: { exact },
    kind: 'text',
    label: 'Panel text widget (typed by the client)',
  })),
  {
    pattern: { exact: 'chainlit.AskFileMessage().send' },
    kind: 'upload',
    label: 'Chainlit AskFileMessage answer (files the client uploaded)',
  },
  // URL openers: remote when the path is provably a remote URL.
  ...['fsspec.open', 'smart_open.open', 'smart_open.smart_open', 'smart_open.smart_open_lib.open'].map(
    (exact): NetworkCall => ({
      pattern: { exact },
      kind: 'endpoint',
      label: `remote file (${exact})`,
      urlArg: { position: 0, keyword: exact.startsWith('fsspec') ? 'urlpath' : 'uri' },
    }),
  ),
  ...[
    's3fs.S3FileSystem()',
    'gcsfs.GCSFileSystem()',
    'adlfs.AzureBlobFileSystem()',
    // The Hub's filesystem: paths name files of hub repositories (`datasets/user/x/index.pkl`).
    'huggingface_hub.HfFileSystem()',
    'huggingface_hub.hf_file_system.HfFileSystem()',
  ].flatMap((fs): NetworkCall[] => [
    { pattern: { exact: `${fs}.open` }, kind: 'endpoint', label: `remote file (${fs.split('.')[0]})` },
    { pattern: { exact: `${fs}.cat` }, kind: 'data', label: `remote file (${fs.split('.')[0]})` },
    { pattern: { exact: `${fs}.cat_file` }, kind: 'data', label: `remote file (${fs.split('.')[0]})` },
    { pattern: { exact: `${fs}.read_bytes` }, kind: 'data', label: `remote file (${fs.split('.')[0]})` },
  ]),
  // Objects another worker put in the cluster's object store.
  { pattern: { exact: 'ray.get' }, kind: 'data', label: 'Ray object from another worker' },
  { pattern: { prefix: 'ray.util.queue.Queue()', suffix: '.get' }, kind: 'data', label: 'Ray queue item' },
  // dask distributed comms: frames from the peer.
  ...['distributed.comm.connect', 'distributed.comm.core.connect'].map((exact): NetworkCall => ({
    pattern: { exact },
    kind: 'endpoint',
    label: 'dask comm',
  })),
  // Downloads that return the path of the fetched file.
  ...[
    'huggingface_hub.hf_hub_download',
    'huggingface_hub.file_download.hf_hub_download',
    'huggingface_hub.cached_download',
    'huggingface_hub.snapshot_download',
    'transformers.utils.cached_file',
    'transformers.utils.hub.cached_file',
    'tensorflow.keras.utils.get_file',
    'keras.utils.get_file',
    'wget.download',
    'gdown.download',
    'pooch.retrieve',
    'torchvision.datasets.utils.download_url',
    'huggingface_hub.HfApi().hf_hub_download',
    'huggingface_hub.HfApi().snapshot_download',
    'huggingface_hub.hf_api.HfApi().hf_hub_download',
    'huggingface_hub.hf_api.HfApi().snapshot_download',
    // ModelScope's hub client: the local path of a model or dataset file fetched from the hub.
    'modelscope.snapshot_download',
    'modelscope.hub.snapshot_download.snapshot_download',
    'modelscope.model_file_download',
    'modelscope.hub.file_download.model_file_download',
    'modelscope.dataset_snapshot_download',
    'modelscope.hub.snapshot_download.dataset_snapshot_download',
    'modelscope.hub.file_download.dataset_file_download',
    'timm.models.hub.download_cached_file',
    'timm.models._hub.download_cached_file',
    // Kaggle's hub client: the local folder of a model, dataset or competition files fetched from Kaggle.
    'kagglehub.model_download',
    'kagglehub.dataset_download',
    'kagglehub.competition_download',
    'kagglehub.notebook_output_download',
    // ML artifact stores: the local copy of an object another run or user uploaded to the tracking server.
    'clearml.StorageManager.get_local_copy',
    'clearml.storage.StorageManager.get_local_copy',
    'clearml.storage.manager.StorageManager.get_local_copy',
    'mlflow.artifacts.download_artifacts',
    'mlflow.MlflowClient().download_artifacts',
    'mlflow.tracking.MlflowClient().download_artifacts',
    'mlflow.client.MlflowClient().download_artifacts',
  ].map((exact): NetworkCall => ({
    pattern: { exact },
    kind: 'file',
    label: `file downloaded by \`${exact.split('.').pop()}\``,
  })),
  // A Gradio app called as a remote API: its outputs are what the Space returns, file outputs downloaded to a local
  // path (`Client(space).predict(...)`, or `.submit(...).result()`).
  ...['gradio_client.Client().predict', 'gradio_client.Client().submit().result'].map((exact): NetworkCall => ({
    pattern: { exact },
    kind: 'file',
    label: 'output of a remote Gradio app (gradio_client)',
  })),
];

/** NETWORK_CALLS, looked up by name. */
export const NETWORK_TABLE = new PatternTable(NETWORK_CALLS, (n) => n.pattern);

/**
 * Calls that download a URL into a file the code names (the file's content is then remote data): the position or
 * keyword of the destination argument.
 */
export const DOWNLOAD_TO_FILE: readonly { pattern: NamePattern; position: number; keyword: string; label: string }[] = [
  { pattern: { exact: 'urllib.request.urlretrieve' }, position: 1, keyword: 'filename', label: 'urlretrieve' },
  { pattern: { exact: 'urllib.urlretrieve' }, position: 1, keyword: 'filename', label: 'urlretrieve' },
  { pattern: { exact: 'torch.hub.download_url_to_file' }, position: 1, keyword: 'dst', label: 'download_url_to_file' },
  // First match wins: an Object's download_file takes the file first, a Bucket's second, a client's third.
  {
    pattern: { prefix: 'boto3.', suffix: '.Object().download_file' },
    position: 0,
    keyword: 'Filename',
    label: 'S3 download_file',
  },
  {
    pattern: { prefix: 'boto3.', suffix: '.Bucket().download_file' },
    position: 1,
    keyword: 'Filename',
    label: 'S3 download_file',
  },
  {
    pattern: { prefix: 'boto3.', suffix: '.download_file' },
    position: 2,
    keyword: 'Filename',
    label: 'S3 download_file',
  },
  // The same order for download_fileobj: an Object's takes the file object first, a Bucket's second, a client's third.
  {
    pattern: { prefix: 'boto3.', suffix: '.Object().download_fileobj' },
    position: 0,
    keyword: 'Fileobj',
    label: 'S3 download_fileobj',
  },
  {
    pattern: { prefix: 'boto3.', suffix: '.Bucket().download_fileobj' },
    position: 1,
    keyword: 'Fileobj',
    label: 'S3 download_fileobj',
  },
  {
    pattern: { prefix: 'boto3.', suffix: '.download_fileobj' },
    position: 2,
    keyword: 'Fileobj',
    label: 'S3 download_fileobj',
  },
  { pattern: { prefix: 'fsspec.', suffix: '.get' }, position: 1, keyword: 'lpath', label: 'fsspec get' },
  { pattern: { prefix: 's3fs.', suffix: '.get' }, position: 1, keyword: 'lpath', label: 's3fs get' },
  {
    pattern: { prefix: 'google.cloud.storage.', suffix: '.download_to_filename' },
    position: 0,
    keyword: 'filename',
    label: 'GCS download_to_filename',
  },
  { pattern: { exact: 'wget.download' }, position: 1, keyword: 'out', label: 'wget.download' },
  { pattern: { exact: 'minio.Minio().fget_object' }, position: 2, keyword: 'file_path', label: 'MinIO fget_object' },
  ...['huggingface_hub.HfFileSystem()', 'huggingface_hub.hf_file_system.HfFileSystem()'].flatMap((fs) =>
    ['get_file', 'get', 'download'].map((m) => ({
      pattern: { exact: `${fs}.${m}` },
      position: 1,
      keyword: 'lpath',
      label: `HfFileSystem ${m}`,
    })),
  ),
];

/** DOWNLOAD_TO_FILE, looked up by name. */
export const DOWNLOAD_TABLE = new PatternTable(DOWNLOAD_TO_FILE, (d) => d.pattern);

/**
 * Hub clients that download into a folder the code names (`local_dir=`): every file below that folder holds what
 * the hub served, whatever name the code later reads it by (`snapshot_download(repo, local_dir=d)`, then
 * `open(d + "/model.pkl")`). Keyword-only in huggingface_hub; ModelScope takes it by keyword too.
 */
export const DOWNLOAD_TO_FOLDER: readonly FolderDownload[] = [
  'huggingface_hub.snapshot_download',
  'huggingface_hub.hf_hub_download',
  'huggingface_hub.file_download.hf_hub_download',
  'huggingface_hub.HfApi().snapshot_download',
  'huggingface_hub.HfApi().hf_hub_download',
  'huggingface_hub.hf_api.HfApi().snapshot_download',
  'huggingface_hub.hf_api.HfApi().hf_hub_download',
  'modelscope.snapshot_download',
  'modelscope.hub.snapshot_download.snapshot_download',
  'modelscope.model_file_download',
  'modelscope.hub.file_download.model_file_download',
  'modelscope.dataset_snapshot_download',
  'modelscope.hub.snapshot_download.dataset_snapshot_download',
]
  .map((exact): FolderDownload => ({ pattern: { exact }, keyword: 'local_dir', label: exact.split('.').pop()! }))
  .concat(
    // A git clone of a hub repository (`Repository(local_dir, clone_from=repo_id)`): the folder holds the repo's
    // files. Without `clone_from` the folder is an existing local clone the code manages itself.
    ['huggingface_hub.Repository', 'huggingface_hub.repository.Repository'].map((exact) => ({
      pattern: { exact },
      keyword: 'local_dir',
      position: 0,
      requires: 'clone_from',
      label: 'Repository(clone_from=...)',
    })),
  );

/** A hub client call filling a folder: where the folder is named, and a keyword the call must have to fill it. */
export interface FolderDownload {
  pattern: NamePattern;
  keyword: string;
  position?: number;
  requires?: string;
  label: string;
}

/** DOWNLOAD_TO_FOLDER, looked up by name. */
export const FOLDER_DOWNLOAD_TABLE = new PatternTable(DOWNLOAD_TO_FOLDER, (d) => d.pattern);

/** Last names of DOWNLOAD_TO_FOLDER calls (a cheap test before resolving a call), with the calls they name. */
export const FOLDER_DOWNLOAD_NAMES: ReadonlyMap<string, FolderDownload> = new Map(
  DOWNLOAD_TO_FOLDER.map((d) => [d.pattern.exact!.split('.').pop()!, d]),
);

/**
 * Method names that read network data from an object whose type could not be resolved (`self.sock.recv(n)`),
 * used only in modules that import a networking library. The ones listed are specific to sockets and
 * message transports; generic names like `read` are not.
 */
export const FALLBACK_RECV_METHODS: ReadonlyMap<string, TaintKind> = new Map([
  ['recv', 'data'],
  ['recvfrom', 'data'],
  ['recvmsg', 'data'],
  ['recv_multipart', 'data'],
  ['recv_string', 'text'],
  ['recv_json', 'text'],
]);

/** Modules whose import makes `x.recv()` on an unresolved object a network read. */
export const NETWORK_MODULES: ReadonlySet<string> = new Set([
  'socket',
  'socketserver',
  'ssl',
  'zmq',
  'websockets',
  'asyncio',
  'pynng',
  'nnpy',
  'kafka',
  'aiokafka',
  'confluent_kafka',
  'pika',
  'aio_pika',
  'redis',
  'aioredis',
  'grpc',
  'nats',
]);

/** Methods that return the data of a stream/object they are called on. */
export const READ_METHODS: ReadonlySet<string> = new Set([
  'read',
  'read1',
  'readline',
  'readlines',
  'readall',
  'readexactly',
  'readuntil',
  'recv',
  'recv_bytes',
  'recvfrom',
  'recvmsg',
  'recv_multipart',
  'get_data',
  'getvalue',
  'getbuffer',
  'tobytes',
  'body',
  'get_body',
  'get_payload',
  'value',
  'key',
  'receive_bytes',
  'read_bytes',
  'read_until_close',
  'read_until_regex',
  'iter_content',
  'as_numpy',
]);

/** Methods that return parsed or textual request data. */
export const TEXT_METHODS: ReadonlySet<string> = new Set([
  'json',
  'get_json',
  'text',
  'form',
  'post',
  'recv_string',
  'recv_json',
  'decode',
  'get_argument',
  'get_arguments',
  'get_body_argument',
  'get_body_arguments',
  'get_query_argument',
  'get_query_arguments',
  'getlist',
  'get',
  'items',
  'values',
  'keys',
  'to_dict',
  'dict',
  'model_dump',
  'receive_text',
  'receive_json',
]);

/** Methods that return another network object (a connection from a listener, a file over a socket...). */
export const ENDPOINT_METHODS: ReadonlySet<string> = new Set([
  'accept',
  'makefile',
  'pubsub',
  'iterator',
  'listen',
  'consume',
  'poll',
  'getone',
  'getmany',
  'stream',
  'iter_any',
  'iter_chunked',
  'iter_chunks',
  'iter_bytes',
  'iter_lines',
  'files',
]);

/** Methods that store their argument into the receiver (`chunks.append(data)`, `buf.write(data)`). */
export const MUTATING_METHODS: ReadonlySet<string> = new Set([
  'append',
  'extend',
  'write',
  'writelines',
  'insert',
  'appendleft',
  'put',
  'put_nowait',
  'add',
  'update',
]);

/**
 * Names of receives done by native code bound at run time (an FFI loader sets them in the module's globals, so no
 * statement binds them): `recv`/`receive` between `_` or at a camel-case boundary (`_CAPI_RPCRecvMessage`).
 */
export const NATIVE_RECEIVE =
  /(?:^|_)(?:recv|receive)(?:_|$)|(?:^|_|[a-z0-9]|[A-Z](?=[A-Z][a-z]))(?:Recv|Receive)(?=[A-Z_0-9]|$)/;

/** Methods that read into their first argument (`sock.recv_into(buf)`). */
export const READ_INTO_METHODS: ReadonlySet<string> = new Set([
  'recv_into',
  'recvfrom_into',
  'readinto',
  'readinto1',
  'read_into',
]);

/** Functions through which data keeps its network origin, with the shape of the result. */
export const PROPAGATORS: ReadonlyMap<string, TaintKind | 'same'> = new Map<string, TaintKind | 'same'>([
  ...[
    'base64.b64decode',
    'base64.standard_b64decode',
    'base64.urlsafe_b64decode',
    'base64.b32decode',
    'base64.b16decode',
    'base64.a85decode',
    'base64.b85decode',
    'base64.decodebytes',
    'base64.decodestring',
    'pybase64.b64decode',
    'pybase64.standard_b64decode',
    'pybase64.urlsafe_b64decode',
    'pybase64.b64decode_as_bytearray',
    'binascii.a2b_base64',
    'binascii.unhexlify',
    'binascii.a2b_hex',
    'codecs.decode',
    'zlib.decompress',
    'gzip.decompress',
    'bz2.decompress',
    'lzma.decompress',
    'lz4.frame.decompress',
    'lz4.block.decompress',
    'snappy.decompress',
    'brotli.decompress',
    'blosc.decompress',
    'io.BytesIO',
    'io.BufferedReader',
    'io.BufferedRandom',
    'gzip.GzipFile',
    'gzip.open',
    'bz2.BZ2File',
    'bz2.open',
    'lzma.LZMAFile',
    'lzma.open',
    'builtins.bytes',
    'builtins.bytearray',
    'builtins.memoryview',
    'bytes.fromhex',
    'builtins.bytes.fromhex',
    'builtins.bytearray.fromhex',
    'urllib.parse.unquote_to_bytes',
  ].map((n): [string, TaintKind] => [n, 'data']),
  ...[
    'json.loads',
    'json.load',
    'orjson.loads',
    'ujson.loads',
    'simplejson.loads',
    'msgpack.unpackb',
    'msgpack.loads',
    'msgpack.unpack',
    'urllib.parse.unquote',
    'urllib.parse.unquote_plus',
    'urllib.parse.parse_qs',
    'builtins.str',
    'io.StringIO',
    'os.path.join',
    'os.path.basename',
    'os.path.abspath',
    'os.path.normpath',
    'os.path.realpath',
    'os.path.expanduser',
    'posixpath.join',
    'pathlib.Path',
    'pathlib.PurePath',
    'pathlib.PosixPath',
    'werkzeug.utils.secure_filename',
  ].map((n): [string, TaintKind] => [n, 'text']),
  ...[
    'builtins.list',
    'builtins.tuple',
    'builtins.dict',
    'builtins.iter',
    'builtins.next',
    'builtins.sorted',
    'builtins.reversed',
    // Containers regrouping their arguments' elements (`model_paths, rates = zip(*pairs)`).
    'builtins.zip',
    'builtins.enumerate',
    'builtins.set',
    'builtins.frozenset',
    'itertools.chain',
    'typing.cast',
    'copy.copy',
    'copy.deepcopy',
    'asyncio.wait_for',
    'asyncio.shield',
    // Triton python backend: an input tensor of an inference request.
    'triton_python_backend_utils.get_input_tensor_by_name',
  ].map((n): [string, 'same'] => [n, 'same']),
]);

/** Propagators that reduce a path to a file name (no folder part is left for the caller to choose). */
export const FILE_NAME_ONLY: ReadonlySet<string> = new Set(['os.path.basename', 'werkzeug.utils.secure_filename']);

/** Path joins among the propagators (their parts are judged apart: flow.ts `joinedPath`). */
export const PATH_JOINS: ReadonlySet<string> = new Set(['os.path.join', 'posixpath.join']);

/**
 * Top-level modules whose functions are pure with respect to provenance: the result is internal when the
 * arguments are (paths, environment, config files, compression, encodings).
 */
export const INTERNAL_MODULES: ReadonlySet<string> = new Set([
  'builtins',
  'os',
  'posixpath',
  'ntpath',
  'pathlib',
  'io',
  'gzip',
  'bz2',
  'lzma',
  'zlib',
  'base64',
  'binascii',
  'codecs',
  'json',
  'glob',
  'fnmatch',
  'tempfile',
  'importlib',
  'pkg_resources',
  'sys',
  'argparse',
  'functools',
  'itertools',
  'collections',
  're',
  'string',
  'struct',
  'typing',
  'copy',
  'math',
  'hashlib',
  'hmac',
  'datetime',
  'time',
  'shutil',
  'configparser',
  'tomllib',
  'tomli',
  'dataclasses',
  'enum',
  'operator',
  'contextlib',
  'warnings',
  'logging',
  'uuid',
  'textwrap',
  'platform',
  'yaml',
  'dotenv',
]);

/**
 * Application objects of web frameworks. The object, and what it holds (`app.config[...]`, filled from settings
 * files and the environment), is server configuration, not request data: its value keeps only the provenance of
 * the constructor's arguments. Request data is reached through the frameworks' request objects, never the app.
 */
export const APP_CONSTRUCTORS: ReadonlySet<string> = new Set([
  'flask.Flask',
  'flask.app.Flask',
  'quart.Quart',
  'quart.app.Quart',
  'fastapi.FastAPI',
  'fastapi.applications.FastAPI',
  'starlette.applications.Starlette',
  'sanic.Sanic',
  'sanic.app.Sanic',
  'aiohttp.web.Application',
  'bottle.Bottle',
  'falcon.App',
  'falcon.asgi.App',
  'litestar.Litestar',
]);

/** Proxies that stand for the running application (`current_app.config[...]`). */
export const APP_PROXIES: ReadonlySet<string> = new Set([
  'flask.current_app',
  'flask.globals.current_app',
  'quart.current_app',
]);

/** Methods that store their arguments into the object they are called on (`app.config.update(request.json)`). */
export const APP_MUTATORS: ReadonlySet<string> = new Set([
  ...MUTATING_METHODS,
  'from_mapping',
  'setdefault',
  '__setitem__',
]);

/** Calls whose result comes from another machine or a shared store: never internal. */
export const REMOTE_CALLS: readonly NamePattern[] = [
  { prefix: 'requests.' },
  { prefix: 'httpx.' },
  { prefix: 'urllib.request.' },
  { prefix: 'urllib3.' },
  { prefix: 'aiohttp.ClientSession' },
  { prefix: 'boto3.' },
  { prefix: 'botocore.' },
  { prefix: 'google.cloud.' },
  { prefix: 'azure.storage.' },
  { prefix: 'redis.' },
  { prefix: 'aioredis.' },
  { prefix: 'pymemcache.' },
  { prefix: 'memcache.' },
  { prefix: 'huggingface_hub.' },
  { prefix: 'fsspec.' },
  { prefix: 's3fs.' },
  { prefix: 'gcsfs.' },
  { prefix: 'smart_open.' },
  { prefix: 'torch.hub.' },
  { prefix: 'wget.' },
];

/** REMOTE_CALLS, looked up by name. */
export const REMOTE_TABLE = new PatternTable(REMOTE_CALLS, (p) => p);

/** Media types that announce serialized Python objects or opaque bytes in a request body. */
export const SERIALIZED_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/octet-stream',
  'application/python-pickle',
  'application/x-python-pickle',
  'application/x-pickle',
  'application/pickle',
  'application/x-python-serialize',
  'application/vnd.python.pickle',
  'application/x-dill',
  'application/x-joblib',
  'application/x-cloudpickle',
]);

/** A media type (parameters ignored) announcing serialized objects: the table above, or `application/vnd.*+pickle`. */
export function isSerializedMediaType(value: string): boolean {
  const base = value.trim().toLowerCase().split(';')[0]!.trim();
  return SERIALIZED_MEDIA_TYPES.has(base) || /^application\/(vnd\.|x-)[\w.+-]*\+pickle$/.test(base);
}

/** Callee names (last component) that reconstruct objects from bytes when the callee itself cannot be seen. */
export const RECONSTRUCTION_NAMES: ReadonlySet<string> = new Set([
  'loads',
  'load',
  'deserialize',
  'deserialise',
  'unserialize',
  'decode',
  'unpickle',
  'depickle',
  'unpack',
  'unpackb',
  'from_bytes',
  'frombytes',
  'restore',
  'reconstruct',
  'decode_object',
  'load_object',
  'loads_object',
  'from_serialized',
]);

/** Callees that parse bytes into plain data (a schema or a raw buffer), never into objects. */
export const SAFE_PARSER_PREFIXES: readonly string[] = [
  'json.',
  'orjson.',
  'ujson.',
  'simplejson.',
  'msgpack.',
  'numpy.frombuffer',
  'numpy.fromstring',
  // numpy.load (and loadtxt): when allow_pickle is truthy or unknown it is a sink and decided before; otherwise it
  // reads arrays only.
  'numpy.load',
  'torch.frombuffer',
  'safetensors.',
  'google.protobuf.',
  'pydantic.',
  'PIL.',
  'cv2.',
  'base64.',
  'binascii.',
  'zlib.',
  'gzip.',
  'bz2.',
  'lzma.',
  'codecs.',
  'struct.',
  'yaml.safe_load',
  'tomllib.',
  'csv.',
  'email.',
  'urllib.parse.',
];

/** Thread/executor helpers that call a function with the arguments that follow (or `args=`). */
export interface DeferredCall {
  pattern: NamePattern;
  /** Where the function is: keyword `target`, or a position. */
  fnKeyword?: string;
  fnPosition?: number;
  /** Where its arguments are: the `args=` tuple, or the positional arguments after the function. */
  argsKeyword?: string;
  /** The positional place of that tuple when it is not given by keyword (`pool.apply_async(f, (a,))`). */
  argsPosition?: number;
  argsFromPosition?: number;
  /** The function is called with each element of this positional argument (`pool.map(f, items)`). */
  eachOf?: number;
  /** The function is called with the call's receiver (`fut.add_done_callback(cb)` calls `cb(fut)`). */
  receiverArg?: boolean;
}

export const DEFERRED_CALLS: readonly DeferredCall[] = [
  { pattern: { exact: 'threading.Thread' }, fnKeyword: 'target', argsKeyword: 'args' },
  { pattern: { exact: 'multiprocessing.Process' }, fnKeyword: 'target', argsKeyword: 'args' },
  // A process of a start-method context (`mp.get_context("spawn").Process`) and torch's drop-in module.
  { pattern: { prefix: 'multiprocessing.', suffix: '().Process' }, fnKeyword: 'target', argsKeyword: 'args' },
  { pattern: { exact: 'torch.multiprocessing.Process' }, fnKeyword: 'target', argsKeyword: 'args' },
  { pattern: { exact: 'threading.Timer' }, fnPosition: 1, argsKeyword: 'args', argsPosition: 2 },
  { pattern: { exact: '_thread.start_new_thread' }, fnPosition: 0, argsKeyword: 'args' },
  { pattern: { exact: 'asyncio.to_thread' }, fnPosition: 0, argsFromPosition: 1 },
  { pattern: { exact: 'anyio.to_thread.run_sync' }, fnPosition: 0, argsFromPosition: 1 },
  { pattern: { exact: 'starlette.concurrency.run_in_threadpool' }, fnPosition: 0, argsFromPosition: 1 },
  { pattern: { exact: 'fastapi.concurrency.run_in_threadpool' }, fnPosition: 0, argsFromPosition: 1 },
  { pattern: { suffix: '.submit' }, fnPosition: 0, argsFromPosition: 1 },
  // FastAPI/Starlette `BackgroundTasks.add_task(fn, *args)`: runs `fn(*args)` after the response.
  { pattern: { suffix: '.add_task' }, fnPosition: 0, argsFromPosition: 1 },
  { pattern: { suffix: '.run_in_executor' }, fnPosition: 1, argsFromPosition: 2 },
  { pattern: { suffix: '.apply_async' }, fnPosition: 0, argsKeyword: 'args', argsPosition: 1 },
  { pattern: { prefix: 'multiprocessing.', suffix: '.apply' }, fnPosition: 0, argsKeyword: 'args', argsPosition: 1 },
  // A pool's map family calls the function with each element of the iterable (not `starmap`: elements are tuples).
  ...['map', 'map_async', 'imap', 'imap_unordered'].map((m): DeferredCall => ({
    pattern: { prefix: 'multiprocessing.', suffix: `.${m}` },
    fnPosition: 0,
    eachOf: 1,
  })),
  { pattern: { prefix: 'concurrent.futures.', suffix: '.map' }, fnPosition: 0, eachOf: 1 },
  // A future's completion callback is called with the future (`fut.result()` is what the submitted call returned).
  { pattern: { suffix: '.add_done_callback' }, fnPosition: 0, receiverArg: true },
  // An event loop's scheduled callbacks: `call_soon(cb, *args)`, `call_later(delay, cb, *args)`.
  { pattern: { suffix: '.call_soon' }, fnPosition: 0, argsFromPosition: 1 },
  { pattern: { suffix: '.call_soon_threadsafe' }, fnPosition: 0, argsFromPosition: 1 },
  { pattern: { suffix: '.call_later' }, fnPosition: 1, argsFromPosition: 2 },
  { pattern: { suffix: '.call_at' }, fnPosition: 1, argsFromPosition: 2 },
];

/** Server entry points: evidence that a module serves requests even without a recognised handler. */
export const SERVER_CALLS: readonly NamePattern[] = [
  { exact: 'uvicorn.run' },
  { exact: 'hypercorn.asyncio.serve' },
  { exact: 'waitress.serve' },
  { exact: 'aiohttp.web.run_app' },
  { exact: 'grpc.server' },
  { exact: 'grpc.aio.server' },
  { exact: 'asyncio.start_server' },
  { exact: 'asyncio.start_unix_server' },
  { prefix: 'websockets.', suffix: '.serve' },
  { exact: 'websockets.serve' },
  { prefix: 'http.server.' },
  { prefix: 'socketserver.' },
  { exact: 'wsgiref.simple_server.make_server' },
  { exact: 'werkzeug.serving.run_simple' },
  { prefix: 'flask.Flask().run' },
  { prefix: 'quart.Quart().run' },
  { prefix: 'sanic.Sanic().run' },
  { exact: 'tornado.ioloop.IOLoop.current().start' },
  { prefix: 'ray.serve.' },
  { exact: 'multiprocessing.connection.Listener' },
];

/** SERVER_CALLS, looked up by name. */
export const SERVER_TABLE = new PatternTable(SERVER_CALLS, (p) => p);

/** Celery settings and keywords that name accepted or produced serializers (pickle among them unpickles). */
export const CELERY_SETTINGS: ReadonlySet<string> = new Set([
  'accept_content',
  'task_serializer',
  'result_serializer',
  'result_accept_content',
  'event_serializer',
  'CELERY_ACCEPT_CONTENT',
  'CELERY_TASK_SERIALIZER',
  'CELERY_RESULT_SERIALIZER',
]);
