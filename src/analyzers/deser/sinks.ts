// Which calls are executable deserializations (DESER sinks, RULES.md): pickle/dill/cloudpickle/marshal/shelve/
// jsonpickle/joblib/pandas.read_pickle always; torch.load unless provably weights-only (the TORCH assessment);
// numpy.load only with allow_pickle truthy; yaml.load with a non-safe Loader; Unpickler subclasses.
import { argumentFor, effectiveArguments, truthOutcomes } from '../python/call-arguments.js';
import type { Confidence } from '../python/code-signal.js';
import type { CallSite, ExpressionFact, FunctionFact } from '../python/module-model.js';
import {
  DANGEROUS_GLOBAL_NAMES,
  SINK_BY_NAME,
  sinkEffect,
  UNPICKLER_CLASSES,
  RUAMEL_SAFE_LOADERS,
  RUAMEL_UNSAFE_LOADERS,
  YAML_SAFE_LOADERS,
  YAML_UNSAFE_LOADERS,
  type SinkApi,
} from './apis.js';
import type { ModuleIndex } from './module-index.js';
import { assessTorchLoad, torchLoadApi } from '../python/torch/torch-load-rule.js';
import type { TorchLoadApi } from '../python/torch/torch-apis.js';

export interface SinkMatch {
  call: CallSite;
  api: SinkApi;
  /** The argument that carries the serialized data; undefined when it cannot be located (`*args`). */
  data: ExpressionFact | undefined;
  confidence: Confidence;
  /** Why this call deserializes executable content, e.g. `weights_only is not passed`. */
  note: string;
  /** A local Unpickler subclass that overrides find_class (an allowlist attempt). */
  restrictedBy?: string;
}

/** The sink a call is, if it is one (and not provably in a safe mode). */
export function matchSink(call: CallSite, idx: ModuleIndex): SinkMatch | undefined {
  if (call.callee.definitionId === undefined && !idx.targets(call).some((t) => SINK_BY_NAME.has(t))) return undefined;
  for (const t of idx.callTargets(call)) {
    const api = SINK_BY_NAME.get(t.qualifiedName);
    if (api === undefined) continue;
    const args = effectiveArguments(call, t.partial);
    const data = argumentFor(args, api.keyword, api.position);
    const verdict = judge(api, call, args, idx);
    if (verdict === undefined) continue;
    const conf: Confidence =
      t.confidenceCap === 'medium' && verdict.confidence === 'high' ? 'medium' : verdict.confidence;
    return { call, api, data, confidence: conf, note: verdict.note };
  }
  // A subclass of pickle.Unpickler (or dill's) being constructed, defined here or in another module.
  const defId = call.callee.definitionId;
  let cls = defId !== undefined ? idx.fn(defId) : undefined;
  let owner = idx;
  if (cls === undefined && idx.link !== undefined && call.callee.qualifiedName !== null) {
    const far = idx.link.resolveClass(call.callee.qualifiedName);
    if (far !== undefined) [cls, owner] = [far.fn, far.idx];
  }
  if (cls?.kind === 'class') {
    const base = unpicklerBase(cls, owner, 0);
    if (base !== undefined) {
      const api = SINK_BY_NAME.get(base.api)!;
      const restricted = base.findClass;
      const admits = restricted !== undefined ? findClassAdmits(owner, base.findClassFn!) : undefined;
      return {
        call,
        api,
        data: call.positional[0] ?? call.keywords.find((k) => k.name === 'file')?.value,
        confidence: restricted !== undefined && admits === undefined ? 'medium' : 'high',
        note:
          admits !== undefined
            ? `\`${cls.name}\` subclasses ${base.api}, and its find_class (in \`${restricted}\`) ${admits}`
            : restricted !== undefined
              ? `\`${cls.name}\` subclasses ${base.api} and overrides find_class in \`${restricted}\`; allowlists in ` +
                'find_class have been bypassed repeatedly, and the data still decides which allowed callables run'
              : `\`${cls.name}\` subclasses ${base.api} without restricting find_class`,
        ...(restricted !== undefined && admits === undefined ? { restrictedBy: restricted } : {}),
      };
    }
  }
  return undefined;
}

/** At most this many stores of one attribute are read to decide what it defaults to. */
const MAX_ATTRIBUTE_STORES = 16;

/**
 * Whether `e` is `<self>.<attr>` in a method, and a method of the same class stores into that attribute either a
 * truthy literal or one of its own parameters whose default is one (`def __init__(self, allow_pickle=True):
 * self.allow_pickle = allow_pickle`): the value is then True whenever the caller keeps the default.
 */
function selfAttributeDefaultsTrue(e: ExpressionFact, call: CallSite, idx: ModuleIndex): boolean {
  const a = e.access;
  if (a === undefined || a.root.kind !== 'name' || a.steps.length !== 1 || a.steps[0]!.kind !== 'attr') return false;
  const method = call.enclosingFunction !== null ? idx.fn(call.enclosingFunction.id) : undefined;
  if (method === undefined || idx.selfName(method) !== a.root.name) return false;
  const cls = idx.classOf(method);
  if (cls === undefined) return false;
  const step = a.steps[0]!;
  if (step.kind !== 'attr') return false;
  const stores = idx.selfAttributeStores(cls, step.name);
  for (const st of stores.slice(0, MAX_ATTRIBUTE_STORES)) {
    const v = st.as.value;
    if (v === null) continue;
    if (truthOutcomes(v).true) return true;
    if (v.nodeType !== 'identifier') continue;
    const p = st.method.parameters.find((x) => x.name === v.text);
    if (p?.default !== undefined && truthOutcomes(p.default).true) return true;
  }
  return false;
}

/**
 * A library method that hands its file to torch.load with the `weights_only` it is given, by keyword
 * (`LightningModule.load_from_checkpoint(checkpoint_path, ..., weights_only=None)`): judged as torch.load.
 */
function torchLoadWrapper(api: SinkApi): TorchLoadApi {
  return {
    qualifiedName: api.qualifiedName,
    display: api.display.split('.').slice(-2).join('.'),
    hasWeightsOnly: true,
    defaultNote: "without weights_only it keeps torch.load's default (False before PyTorch 2.6)",
    reason: 'passes the checkpoint to torch.load with the weights_only it is given',
  };
}

interface Verdict {
  confidence: Confidence;
  note: string;
}

function judge(
  api: SinkApi,
  call: CallSite,
  args: ReturnType<typeof effectiveArguments>,
  idx: ModuleIndex,
): Verdict | undefined {
  switch (api.guard) {
    case 'always':
      return {
        confidence: 'high',
        note: sinkEffect(api.family),
      };
    case 'torch-weights-only': {
      const tapi = torchLoadApi(api.qualifiedName) ?? (api.family === 'torch' ? torchLoadWrapper(api) : undefined);
      if (tapi === undefined) return undefined;
      const a = assessTorchLoad(tapi, args);
      if (a.safe) return undefined;
      const why =
        a.state === 'false'
          ? 'weights_only is False'
          : a.state === 'missing'
            ? 'weights_only=True is not passed (the default was False before PyTorch 2.6)'
            : a.state === 'kwargs'
              ? 'weights_only may come from unresolved **kwargs'
              : a.state === 'true'
                ? 'pickle_module is passed'
                : 'weights_only cannot be proven True';
      const loads =
        api.mode === 'url'
          ? `${api.display} downloads the checkpoint at the URL and unpickles it`
          : 'torch.load unpickles the checkpoint';
      return { confidence: a.confidence, note: `${loads}: ${why}` };
    }
    case 'numpy-allow-pickle': {
      // numpy.load(file, mmap_mode=None, allow_pickle=False, ...): allow_pickle is the third positional parameter.
      const ap = argumentFor(args, 'allow_pickle', 2);
      if (ap === undefined) {
        if (!args.unresolvedKwargs && !args.unresolvedStarArgs) return undefined; // default False since NumPy 1.16.3
        return { confidence: 'medium', note: 'numpy.load with unresolved *args/**kwargs may pass allow_pickle=True' };
      }
      const o = truthOutcomes(ap);
      if (!o.true && !o.unknown) return undefined;
      if (o.unknown && !o.true && selfAttributeDefaultsTrue(ap, call, idx)) {
        return {
          confidence: 'high',
          note: `numpy.load(allow_pickle=${ap.text}) unpickles object arrays: the attribute is True unless the caller passes False`,
        };
      }
      return {
        confidence: o.true && !o.unknown ? 'high' : 'medium',
        note: `numpy.load(allow_pickle=${ap.text}) unpickles object arrays`,
      };
    }
    case 'yaml-always':
      return api.qualifiedName.includes('full_load')
        ? {
            confidence: 'medium',
            note: 'yaml.full_load uses FullLoader, which builds Python objects (and could call them before PyYAML 5.4)',
          }
        : { confidence: 'high', note: `${api.display} constructs arbitrary Python objects` };
    case 'yaml-loader': {
      const loader = argumentFor(args, 'Loader', 1);
      if (loader === undefined) {
        return {
          confidence: 'medium',
          note: `${api.display} without Loader= (PyYAML < 5.1 used the unsafe Loader, 5.1–5.4 FullLoader)`,
        };
      }
      let unsafe = false;
      let unknown = false;
      for (const v of loader.values) {
        if (v.kind === 'qualified') {
          if (YAML_SAFE_LOADERS.has(v.name)) continue;
          if (YAML_UNSAFE_LOADERS.has(v.name)) unsafe = true;
          else unknown = true;
        } else if (v.kind === 'definition') {
          const cls = idx.fn(v.functionId);
          if (cls === undefined || !derivesFrom(cls, YAML_SAFE_LOADERS, idx, 0)) unknown = true;
        } else unknown = true;
      }
      if (!unsafe && !unknown) return undefined;
      return {
        confidence: unsafe ? 'high' : 'medium',
        note: `${api.display}(Loader=${loader.text}) ${unsafe ? 'constructs arbitrary Python objects' : 'uses a loader that is not provably safe'}`,
      };
    }
    case 'keras-safe-mode': {
      // load_model(filepath, custom_objects=None, compile=True, safe_mode=True): safe_mode is the fourth parameter.
      const sm = argumentFor(args, 'safe_mode', 3);
      if (sm === undefined) {
        if (!args.unresolvedKwargs && !args.unresolvedStarArgs) return undefined; // safe by default
        return { confidence: 'medium', note: `${api.display} with unresolved *args/**kwargs may pass safe_mode=False` };
      }
      const o = truthOutcomes(sm);
      if (!o.false && !o.unknown) return undefined;
      return {
        confidence: o.false && !o.unknown && !o.true ? 'high' : 'medium',
        note: `${api.display}(safe_mode=${sm.text}) rebuilds Lambda layers from the marshalled Python bytecode the file holds`,
      };
    }
    case 'ruamel-typ':
      return ruamelTyp(api, call, idx);
    case 'ruamel-loader': {
      const loader = argumentFor(args, 'Loader', 1);
      if (loader === undefined)
        return {
          confidence: 'high',
          note: `${api.display} without Loader= uses ruamel.yaml's unsafe Loader, which constructs arbitrary Python objects`,
        };
      let unsafe = false;
      let unknown = false;
      for (const v of loader.values) {
        if (v.kind === 'qualified' && RUAMEL_SAFE_LOADERS.has(v.name)) continue;
        if (v.kind === 'qualified' && RUAMEL_UNSAFE_LOADERS.has(v.name)) unsafe = true;
        else unknown = true;
      }
      if (!unsafe && !unknown) return undefined;
      return {
        confidence: unsafe ? 'high' : 'medium',
        note: `${api.display}(Loader=${loader.text}) ${unsafe ? 'constructs arbitrary Python objects' : 'uses a loader that is not provably safe'}`,
      };
    }
  }
  void call;
  return undefined;
}

/**
 * ruamel.yaml's `YAML(typ=...)`: the constructor follows typ (a string or a list of them): 'unsafe' builds arbitrary
 * Python objects; 'rt' (the default), 'safe' and 'base' do not, and a 'full' instance refuses to load. The
 * receiver's constructions are found in the function, the module or the class's `self` attribute; none found, or
 * none unsafe or unknown: not a sink.
 */
function ruamelTyp(api: SinkApi, call: CallSite, idx: ModuleIndex): Verdict | undefined {
  let unsafe: string | undefined;
  let unknown: string | undefined;
  for (const c of idx.receiverConstructions(call)) {
    if (!idx.targets(c).some((t) => t === 'ruamel.yaml.YAML' || t === 'ruamel.yaml.main.YAML')) continue;
    const typ = c.keywords.find((k) => k.name === 'typ')?.value;
    if (typ === undefined) {
      if (c.hasStarStarKwargs) unknown ??= c.text;
      continue;
    }
    const names = ruamelTypNames(typ, idx);
    if (names === undefined) unknown ??= c.text;
    else if (names.includes('unsafe') && !names.some((n) => n === 'rt' || n === 'safe' || n === 'base'))
      unsafe ??= c.text;
  }
  if (unsafe !== undefined)
    return {
      confidence: 'high',
      note: `\`${unsafe}\` loads with ruamel.yaml's unsafe constructor, which builds arbitrary Python objects`,
    };
  if (unknown !== undefined)
    return { confidence: 'medium', note: `\`${unknown}\` is a ruamel.yaml loader whose typ is not provably safe` };
  void api;
  return undefined;
}

/** The typ names an argument may be: literal strings, or a list/tuple of them; undefined when not literal. */
function ruamelTypNames(e: ExpressionFact, idx: ModuleIndex): string[] | undefined {
  const lit = idx.literalStrings(e);
  if (lit.length > 0) return lit;
  if (e.elements !== undefined && e.elements.length > 0) {
    const parts = e.elements.map((o) => idx.literalStrings(o));
    return parts.every((p) => p.length > 0) ? parts.flat() : undefined;
  }
  return undefined;
}

function derivesFrom(cls: FunctionFact, names: ReadonlySet<string>, idx: ModuleIndex, depth: number): boolean {
  if (depth > 5) return false;
  for (const b of cls.bases) {
    for (const v of b.values) {
      if (v.kind === 'qualified' && names.has(v.name)) return true;
      if (v.kind === 'definition') {
        const base = idx.fn(v.functionId);
        if (base?.kind === 'class' && base.id !== cls.id && derivesFrom(base, names, idx, depth + 1)) return true;
      }
    }
  }
  return false;
}

/** The unpickler API a local class derives from, and which class in the chain overrides find_class. */
function unpicklerBase(
  cls: FunctionFact,
  idx: ModuleIndex,
  depth: number,
): { api: string; findClass?: string; findClassFn?: FunctionFact } | undefined {
  if (depth > 5) return undefined;
  const fc = idx.methods.get(cls.id)?.get('find_class');
  const own = fc !== undefined ? { findClass: cls.name, findClassFn: fc } : {};
  for (const b of cls.bases) {
    for (const v of b.values) {
      if (v.kind === 'qualified' && UNPICKLER_CLASSES.has(v.name)) return { api: v.name, ...own };
      if (v.kind === 'definition') {
        const base = idx.fn(v.functionId);
        if (base?.kind !== 'class' || base.id === cls.id) continue;
        const r = unpicklerBase(base, idx, depth + 1);
        if (r !== undefined) return fc !== undefined && r.findClass === undefined ? { ...r, ...own } : r;
      }
    }
  }
  return undefined;
}

/**
 * How an overriding find_class still admits code execution, if it visibly does: it names a dangerous module or
 * callable (`os`, `builtins`, `eval`...) in its body, or it hands every name to the base find_class without ever
 * raising an error.
 */
function findClassAdmits(idx: ModuleIndex, fc: FunctionFact): string | undefined {
  const { startIndex, endIndex } = fc.span;
  const named = idx.mod.strings.find(
    (s) =>
      s.value !== null &&
      !s.isDocstring &&
      s.span.startIndex >= startIndex &&
      s.span.endIndex <= endIndex &&
      DANGEROUS_GLOBAL_NAMES.has(s.value.split('.')[0]!),
  );
  if (named !== undefined)
    return `admits \`${named.value}\` (line ${named.span.line}), which lets the data call code of its choosing`;
  let delegates = false;
  let refuses = false;
  for (const c of idx.mod.calls) {
    if (c.span.startIndex < startIndex || c.span.endIndex > endIndex) continue;
    const last = c.callee.raw.slice(c.callee.raw.lastIndexOf('.') + 1);
    if (last === 'find_class') delegates = true;
    if (/(Error|Exception|Denied|Forbidden)$/.test(last)) refuses = true;
  }
  return delegates && !refuses
    ? 'passes every name on to the base find_class without refusing any, so it restricts nothing'
    : undefined;
}
