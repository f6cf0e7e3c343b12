// Deserializers chosen at run time (DESER sinks the callee's name does not reveal): a parameter whose default or
// whose callers' argument is a sink (`def __init__(self, deserialize=pickle.loads)` then `self.deserialize(msg)`),
// an attribute assigned one, and a dict of codecs picked by a key (`CODECS[request.content_type](body)`), whose
// serialized media-type keys make the endpoint schemaless as well.
import type {
  CallSite,
  ExpressionFact,
  FunctionFact,
  KeywordArgumentFact,
  PythonModule,
} from '../python/module-model.js';
import { NETWORK_TABLE, SINK_BY_NAME, isSerializedMediaType, type NetworkCall, type SinkApi } from './apis.js';
import type { ModuleIndex } from './module-index.js';
import type { SinkMatch } from './sinks.js';

/** A codec table entry that maps a serialized media type to a sink (`"application/x-pickle": pickle.loads`). */
export interface MediaCodec {
  mediaType: string;
  entry: ExpressionFact;
}

export interface DynamicSink extends SinkMatch {
  /** Entries of the codec table whose key is a serialized media type and whose value is this sink. */
  mediaCodecs: MediaCodec[];
}

/** Extra callers of a function the module's own index does not see (other modules), as argument lists. */
export type ForeignArguments = (
  fn: FunctionFact,
) => { positional: ExpressionFact[]; keywords: KeywordArgumentFact[]; skip: number }[];

/** The dict displays another project module binds to a name this one imports (`from formats import LOADERS`). */
export type ImportedTables = (qualifiedNames: readonly string[]) => ExpressionFact[];

const MAX_DEPTH = 3;

/** What a callable expression is when it names something the caller looks for (a sink, a network call). */
type Pick<T> = (e: ExpressionFact) => T | undefined;
interface Found<T> {
  api: T;
  why: string;
  media: MediaCodec[];
}

/** The sink a call reaches through a callable chosen at run time, if any. */
export function dynamicSink(
  call: CallSite,
  idx: ModuleIndex,
  foreign?: ForeignArguments,
  imported?: ImportedTables,
): DynamicSink | undefined {
  const a = call.callee.access;
  if (a === undefined || call.callee.definitionId !== undefined) return undefined;
  const data = call.positional[0] ?? call.keywords[0]?.value;
  const found = chosenCallables(call, idx, foreign, sinkOf, imported);
  const first = found[0];
  if (first === undefined) return undefined;
  return {
    call,
    api: first.api,
    data,
    confidence: 'high',
    note: `the deserializer is chosen at run time: ${first.why} is ${first.api.display}, which ${first.api.family === 'pickle' ? 'reconstructs arbitrary objects and runs the callables the data names' : `rebuilds arbitrary ${first.api.family} objects`}`,
    mediaCodecs: found.flatMap((f) => f.media),
  };
}

/**
 * The callables a call may run when its callee is chosen at run time (a parameter, a local, `self.<attr>`, a dict
 * entry) and `pick` recognises them.
 */
export function chosenCallables<T>(
  call: CallSite,
  idx: ModuleIndex,
  foreign: ForeignArguments | undefined,
  pick: Pick<T>,
  imported?: ImportedTables,
): Found<T>[] {
  const a = call.callee.access;
  const found: Found<T>[] = [];
  if (a === undefined || call.callee.definitionId !== undefined) return found;
  const root = a.root;
  if (root.kind === 'name' && a.steps.length === 0) {
    callablesOfName(root.name, call.scopeId, idx, foreign, found, 0, pick);
  } else if (root.kind === 'name' && a.steps.length === 1 && a.steps[0]!.kind === 'attr') {
    // self.deserialize(msg)
    const m = idx.enclosingMethod(call.scopeId);
    const cls = m !== undefined ? idx.classOf(m) : undefined;
    if (m !== undefined && cls !== undefined && idx.selfName(m) === root.name)
      callablesOfAttribute(cls, a.steps[0]!.name, idx, foreign, found, pick);
  } else if (root.kind === 'name' && a.steps.length === 1 && a.steps[0]!.kind === 'index') {
    // CODECS[content_type](body), the table defined here or imported from another module of the project
    const local = dictOf(root.name, call.scopeId, idx);
    const tables =
      local.length > 0 || imported === undefined || root.resolution !== 'import'
        ? local
        : imported(root.qualifiedNames);
    // A constant key (`LOADERS["json"]`) runs that entry only.
    const step = a.steps[0]!;
    const key = step.kind === 'index' && step.key?.type === 'str' ? step.key.value : undefined;
    for (const e of tables) tableSinks(e, found, `\`${root.name}[...]\``, pick, key);
  } else if (root.kind === 'call' && a.steps.length === 0) {
    // CODECS.get(content_type)(body)
    const inner = idx.mod.calls[root.callId];
    const ia = inner?.callee.access;
    const last = ia?.steps[ia.steps.length - 1];
    if (ia?.root.kind === 'name' && ia.steps.length === 1 && last?.kind === 'attr' && last.name === 'get')
      for (const e of dictOf(ia.root.name, call.scopeId, idx))
        tableSinks(e, found, `\`${ia.root.name}.get(...)\``, pick);
  }
  return found;
}

/** A bare name called: a parameter (default and callers' arguments), or a local bound to a sink or a table entry. */
function callablesOfName<T>(
  name: string,
  scopeId: number,
  idx: ModuleIndex,
  foreign: ForeignArguments | undefined,
  found: Found<T>[],
  depth: number,
  pick: Pick<T>,
): void {
  if (depth > MAX_DEPTH) return;
  const f = idx.fn(scopeId);
  const i = f?.parameters.findIndex((p) => p.name === name) ?? -1;
  if (f !== undefined && i >= 0) {
    parameterSinks(f, i, idx, foreign, found, pick);
    return;
  }
  for (const as of idx.assignedNames.get(scopeId)?.get(name) ?? []) {
    if (as.value === null) continue;
    const v = as.value;
    const s = pick(v);
    if (s !== undefined) found.push({ api: s, why: `\`${name}\` (line ${as.span.line})`, media: [] });
    // codec = CODECS[ct] / CODECS.get(ct)
    const va = v.access;
    if (va?.root.kind === 'name' && va.steps.length === 1 && va.steps[0]!.kind === 'index')
      for (const e of dictOf(va.root.name, scopeId, idx)) tableSinks(e, found, `\`${va.root.name}[...]\``, pick);
    if (va?.root.kind === 'call' && va.steps.length === 0) {
      const inner = idx.mod.calls[va.root.callId];
      const ia = inner?.callee.access;
      const last = ia?.steps[ia.steps.length - 1];
      if (ia?.root.kind === 'name' && ia.steps.length === 1 && last?.kind === 'attr' && last.name === 'get')
        for (const e of dictOf(ia.root.name, scopeId, idx)) tableSinks(e, found, `\`${ia.root.name}.get(...)\``, pick);
    }
  }
}

/** `self.<attr>` assigned in any method of the class: a sink, or a parameter whose default/arguments are sinks. */
function callablesOfAttribute<T>(
  cls: FunctionFact,
  attr: string,
  idx: ModuleIndex,
  foreign: ForeignArguments | undefined,
  found: Found<T>[],
  pick: Pick<T>,
): void {
  for (const { method: m, self, as } of idx.selfAttributeStores(cls, attr)) {
    const s = pick(as.value!);
    if (s !== undefined) {
      found.push({ api: s, why: `\`${self}.${attr}\` (line ${as.span.line})`, media: [] });
      continue;
    }
    const va = as.value!.access;
    if (va?.root.kind === 'name' && va.steps.length === 0)
      callablesOfName(va.root.name, m.id, idx, foreign, found, 1, pick);
  }
  for (const as of idx.assignedNames.get(cls.id)?.get(attr) ?? []) {
    const s = as.value !== null ? pick(as.value) : undefined;
    if (s !== undefined) found.push({ api: s, why: `\`${cls.name}.${attr}\` (line ${as.span.line})`, media: [] });
  }
}

/** Parameter `i` of `f`: its default, and what callers (here and in other modules) pass for it. */
function parameterSinks<T>(
  f: FunctionFact,
  i: number,
  idx: ModuleIndex,
  foreign: ForeignArguments | undefined,
  found: Found<T>[],
  pick: Pick<T>,
): void {
  const p = f.parameters[i]!;
  const d = p.default !== undefined ? pick(p.default) : undefined;
  if (d !== undefined)
    found.push({ api: d, why: `the default of \`${p.name}\` (line ${p.default!.span.line})`, media: [] });
  const args: { positional: ExpressionFact[]; keywords: KeywordArgumentFact[]; skip: number; line: number }[] = [];
  for (const e of idx.callers.get(f.id) ?? [])
    args.push({
      positional: e.positional,
      keywords: [...e.keywords].map(([name, value]) => ({ name, value })),
      skip: e.skip,
      line: e.call.span.line,
    });
  for (const e of foreign?.(f) ?? []) args.push({ ...e, line: 0 });
  for (const e of args) {
    const arg =
      e.keywords.find((k) => k.name === p.name)?.value ??
      (p.kind === 'keyword-only' ? undefined : e.positional[i - e.skip]);
    const s = arg !== undefined ? pick(arg) : undefined;
    if (s !== undefined)
      found.push({
        api: s,
        why: `the \`${p.name}\` passed at ${e.line > 0 ? `line ${e.line}` : 'a call in another module'}`,
        media: [],
      });
  }
}

/** The dict literals a name holds (in the scope or the module). */
function dictOf(name: string, scopeId: number, idx: ModuleIndex): ExpressionFact[] {
  const out: ExpressionFact[] = [];
  for (const sid of scopeId === 0 ? [0] : [scopeId, 0]) {
    for (const as of idx.assignedNames.get(sid)?.get(name) ?? [])
      if (as.value?.dictEntries !== undefined) out.push(as.value);
    if (out.length > 0) break;
  }
  return out;
}

function tableSinks<T>(dict: ExpressionFact, found: Found<T>[], how: string, pick: Pick<T>, key?: string): void {
  let first: T | undefined;
  const media: MediaCodec[] = [];
  // A constant key selects its entry when the table spells that key; otherwise (keys the analysis does not read as
  // text) every entry may be the one called.
  const only = key !== undefined && (dict.dictEntries ?? []).some((e) => e.name === key) ? key : undefined;
  for (const e of dict.dictEntries ?? []) {
    if (only !== undefined && e.name !== only) continue;
    const s = pick(e.value);
    if (s === undefined) continue;
    first ??= s;
    if (isSerializedMediaType(e.name)) media.push({ mediaType: e.name, entry: e.value });
  }
  if (first !== undefined) found.push({ api: first, why: `an entry of the codec table ${how}`, media });
}

/** Whether a module names an executable deserializer as a value anywhere (a default, an assignment, a dict entry). */
export function moduleNamesSinkValues(mod: PythonModule): boolean {
  for (const f of mod.functions)
    for (const p of f.parameters) if (p.default !== undefined && sinkOf(p.default)) return true;
  for (const a of mod.assignments) {
    if (a.value === null) continue;
    if (sinkOf(a.value) !== undefined) return true;
    for (const e of a.value.dictEntries ?? []) if (sinkOf(e.value) !== undefined) return true;
  }
  for (const c of mod.calls) for (const k of c.keywords) if (sinkOf(k.value) !== undefined) return true;
  return false;
}

/** The always-executable sink an expression names as a value (`pickle.loads`, an alias resolved by the analyser). */
function sinkOf(e: ExpressionFact): SinkApi | undefined {
  for (const v of e.values) {
    if (v.kind !== 'qualified') continue;
    const api = SINK_BY_NAME.get(v.partial?.qualifiedName ?? v.name);
    if (api !== undefined && api.guard === 'always' && api.mode !== 'path') return api;
  }
  return undefined;
}

/** The network call an expression names as a value (`requests.get`, `session.post`, an alias the analyser resolved). */
function networkOf(e: ExpressionFact): NetworkCall | undefined {
  for (const v of e.values) {
    if (v.kind !== 'qualified') continue;
    const name = v.partial?.qualifiedName ?? v.name;
    const n = NETWORK_TABLE.find([name], (x) => x.kind !== 'file');
    if (n !== undefined) return n;
  }
  return undefined;
}

/**
 * The network call a call reaches through a callable chosen at run time (`METHODS[verb](url)`,
 * `def fetch(url, get=requests.get)`, a client function passed by a caller in this or another module).
 */
export function dynamicNetworkCall(
  call: CallSite,
  idx: ModuleIndex,
  foreign?: ForeignArguments,
): NetworkCall | undefined {
  const first = chosenCallables(call, idx, foreign, networkOf)[0];
  if (first === undefined) return undefined;
  return { ...first.api, label: `${first.api.label}, the client function chosen at run time (${first.why})` };
}
