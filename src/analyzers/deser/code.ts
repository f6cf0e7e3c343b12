// DESER code rules over analysed Python facts (the DESER family of the rules): one signal per sink call, the
// most specific rule winning — NETWORK-INPUT (proven flow from a network source) > SCHEMALESS-ENDPOINT (an
// endpoint declaring serialized bodies hands them to unseen object reconstruction) > UNSAFE-LOADER (an
// executable deserializer in serving code whose input is not provably internal); PICKLE-TRANSPORT for transports
// that unpickle implicitly. Raw signals, sorted by position.
import { signalAt, type CodeSignal, type Confidence, type FlowStep } from '../python/code-signal.js';
import type { FunctionFact, PythonModule, SourceSpan } from '../python/module-model.js';
import {
  CELERY_SETTINGS,
  INHERITED_SINK_METHODS,
  REPORTABLE,
  SINK_BY_NAME,
  UNPICKLER_CLASSES,
  isSerializedMediaType,
} from './apis.js';
import { DeserFlow, type SinkHit } from './flow.js';
import { shortText, type Entries, type ServingEvidence } from './handlers.js';
import { calleeLastName, ModuleIndex } from './module-index.js';
import { detectTransports } from './transport.js';
import { hopText, type FlowCut, type Origin, type Value } from './value.js';
import { DeserProject, type ProjectInput } from './project.js';
import { LibraryApis, libraryLoader } from './library-api.js';
import { moduleNamesSinkValues } from './dynamic-sinks.js';
import type { DynamicSink } from './dynamic-sinks.js';
import { callTargets } from '../python/torch/torch-call-targets.js';

export type { DeserCodeRuleId } from '../python/code-signal.js';

export { mayHaveDeserSignals } from './gate.js';

const CONF: Record<Confidence, number> = { high: 2, medium: 1, low: 0 };
const minConf = (a: Confidence, b: Confidence): Confidence => (CONF[a] <= CONF[b] ? a : b);

/** Run the DESER detectors over one analysed file. */
export function detectDeserSignals(mod: PythonModule): CodeSignal[] {
  const media = mediaTypeStrings(mod);
  if (media.length === 0 && !hasCandidates(mod) && !moduleNamesSinkValues(mod)) return [];
  // A project of one module: the same index (methods through typed receivers, run-time chosen callables).
  const project = new DeserProject([{ file: '', relPath: 'module.py', mod }]);
  const u = project.units[0]!;
  return moduleSignals(u.flow, u.entries, media);
}

/**
 * A deserializer call no signal decided whose data the flow's own bound cut short (a chain of callers deeper than
 * the evaluator goes, or its steps spent): its verdict is not proven, so the caller reports it.
 */
export interface CutSink {
  /** The module's scanned path, as the project names it. */
  file: string;
  line: number;
  column: number;
  /** The deserializer, e.g. `pickle.loads`. */
  sink: string;
  cut: FlowCut;
}

/**
 * Run the DESER detectors over every module of a project (modules scanned together): values cross files through
 * calls, returns, registrations and class attributes. Signals by the module's scanned path; deserializer calls
 * left undecided by a cut-short value are added to `cut` when given.
 */
export function detectProjectSignals(project: DeserProject, cut?: CutSink[]): Map<string, CodeSignal[]> {
  const out = new Map<string, CodeSignal[]>();
  const library = new LibraryApis(project);
  project.library = library;
  for (const u of project.units) {
    project.checkpoint();
    const media = mediaTypeStrings(u.mod);
    const signals = moduleSignals(u.flow, u.entries, media, library, cut);
    if (signals.length > 0) out.set(u.file, signals);
  }
  return out;
}

/**
 * The signals of one module of a project analysed as a project of its own (at its place: `relPath` decides its
 * package): what its own code decides, whatever the other modules do. For a module whose deserializer calls the
 * whole-program analysis left undecided.
 */
export function detectModuleAlone(input: ProjectInput, isPackageDir?: (relDir: string) => boolean): CodeSignal[] {
  const project = new DeserProject([input], [input.relPath], isPackageDir);
  return detectProjectSignals(project).get(input.file) ?? [];
}

function moduleSignals(
  flow: DeserFlow,
  entries: Entries,
  media: MediaString[],
  library?: LibraryApis,
  cut?: CutSink[],
): CodeSignal[] {
  const idx = flow.idx;
  const mod = idx.mod;
  const file = flow.file;
  const result = flow.run({ reconstruction: media.length > 0 });
  const transports = detectTransports(idx, result.transports, flow);
  const serving: ServingEvidence[] = [...entries.serving];
  for (const t of transports.slice(0, 1)) serving.push({ line: t.span.line, what: `${t.transport} receiver` });
  const needsServing = result.sinks.some(
    (h) => h.value.taint === null || !REPORTABLE[h.sink.api.mode].has(h.value.taint.kind),
  );
  if (serving.length === 0 && needsServing) {
    for (const o of flow.serverReads().slice(0, 1)) serving.push({ line: o.line, what: `network read \`${o.text}\`` });
  }
  serving.sort((a, b) => a.line - b.line);

  const signals: CodeSignal[] = [];
  const decided = new Set<number>();

  // Deserializers handed to a transport as callables: the payload goes straight into them.
  for (const s of entries.implicitSinks) {
    decided.add(s.call.id);
    const line = s.arg.span.line;
    signals.push(
      signalAt(
        'DESER-NETWORK-INPUT',
        s.arg.span,
        s.call.text,
        `${s.transport} payloads (\`${shortText(s.call.text, 60)}\`, line ${s.call.span.line}) are passed to ` +
          `${s.api.display} (line ${line}) for every message: ${s.api.family} rebuilds arbitrary objects from ` +
          'network bytes and runs the callables they name.',
        'high',
        {
          sourceLine: s.call.span.line,
          sinkLine: line,
          source: shortText(s.call.text),
          sourceLabel: s.transport,
          sink: s.api.qualifiedName,
          family: s.api.family,
          implicit: true,
        },
      ),
    );
  }

  const byCall = new Map<number, SinkHit>();
  for (const h of result.sinks) if (!byCall.has(h.sink.call.id)) byCall.set(h.sink.call.id, h);
  let hmacIn: Set<number> | undefined;
  for (const h of byCall.values()) {
    hmacIn ??= h.value.taint !== null ? hmacScopes(mod) : undefined;
    if (decided.has(h.sink.call.id)) continue;
    const s =
      networkInput(h, flow, hmacIn ?? EMPTY_SET) ??
      unsafeLoader(h, serving, flow) ??
      (serving.length === 0 && library !== undefined ? libraryLoad(h, library) : undefined) ??
      commandLineLoad(h, file);
    if (s !== undefined) {
      decided.add(h.sink.call.id);
      signals.push(s);
    }
    // A codec table keyed by media type routes serialized bodies to the sink: the endpoint is schemaless too.
    const codecs = 'mediaCodecs' in h.sink ? (h.sink as DynamicSink).mediaCodecs : [];
    if (s?.ruleId === 'DESER-NETWORK-INPUT' && h.value.taint !== null) {
      for (const m of codecs) {
        signals.push(
          signalAt(
            'DESER-SCHEMALESS-ENDPOINT',
            m.entry.span,
            m.entry.text,
            `Bodies sent as \`${m.mediaType}\` are routed to ${h.sink.api.display} by this codec table, and the ` +
              `table is picked for ${sourcePhrase(h.value.taint.origin, file)} at line ${h.sink.call.span.line}: the ` +
              'endpoint accepts serialized objects instead of parsing a schema.',
            'high',
            {
              mediaType: m.mediaType,
              sink: h.sink.api.qualifiedName,
              sinkLine: h.sink.call.span.line,
              sourceLine: h.value.taint.origin.line,
            },
          ),
        );
      }
    }
  }

  for (const r of result.reconstructions) {
    if (decided.has(r.call.id) || r.value.taint === null) continue;
    const o = r.value.taint.origin;
    const m = mediaFor([o.functionId, r.call.scopeId], media, mod, idx);
    if (m === undefined) continue;
    decided.add(r.call.id);
    const callee = calleeLastName(r.call);
    signals.push(
      signalAt(
        'DESER-SCHEMALESS-ENDPOINT',
        r.call.span,
        r.call.text,
        `This endpoint accepts \`${m.value}\` bodies (line ${m.line}) and hands ${sourcePhrase(o, file)} to ` +
          `\`${shortText(r.call.callee.raw, 60)}(...)\` (line ${r.call.span.line}), which rebuilds objects in code ` +
          'this scan cannot see instead of parsing a schema.',
        minConf(r.value.taint.confidence, 'medium'),
        {
          sourceLine: o.line,
          sinkLine: r.call.span.line,
          source: o.text,
          sourceLabel: o.label,
          mediaType: m.value,
          mediaTypeLine: m.line,
          callee: callee,
          ...(o.via.length > 0 ? { via: o.via.map((h) => hopText(h, file)) } : {}),
        },
        flowSteps(o, r.call, file, idx),
      ),
    );
  }

  for (const t of transports) {
    signals.push(signalAt('DESER-PICKLE-TRANSPORT', t.span, t.snippet, t.message, t.confidence, t.details));
  }
  if (result.truncated) {
    for (const s of signals) s.details.analysisTruncated = true;
    for (const h of byCall.values()) {
      const c = h.value.untrusted?.cut;
      if (c === undefined || decided.has(h.sink.call.id)) continue;
      const sp = h.sink.call.span;
      cut?.push({ file, line: sp.line, column: sp.column, sink: h.sink.api.qualifiedName, cut: c });
    }
  }
  return signals.sort((a, b) => a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId));
}

/**
 * Whether the module contains anything a DESER rule reports on: a deserializer call (or a local Unpickler /
 * manager subclass), a deserializer slot of a transport, recv_pyobj, multiprocessing connections or managers,
 * Celery serializer settings. Most library and test modules have none and cost nothing more.
 */
function hasCandidates(mod: PythonModule): boolean {
  const special = localSpecialClasses(mod);
  const star = mod.starImports;
  for (const c of mod.calls) {
    for (const v of c.callee.values) {
      if (v.kind !== 'qualified') continue;
      const t = v.partial?.qualifiedName ?? v.name;
      if (SINK_BY_NAME.has(t) || TRANSPORT_PREFIXES.some((p) => t.startsWith(p))) return true;
    }
    if (c.callee.starImportModules !== undefined && star.length > 0) return true;
    if (c.callee.definitionId !== undefined && special.has(c.callee.definitionId)) return true;
    const a = c.callee.access;
    const last = a?.steps[a.steps.length - 1];
    if (last?.kind === 'attr' && (last.name === 'recv_pyobj' || INHERITED_SINK_METHODS.has(last.name))) return true;
    for (const k of c.keywords) if (DESERIALIZER_SLOTS.has(k.name) || CELERY_SETTINGS.has(k.name)) return true;
  }
  for (const a of mod.assignments) {
    for (const t of a.targets) {
      const name = t.kind === 'name' ? t.name : t.kind === 'attribute' ? t.text.slice(t.text.lastIndexOf('.') + 1) : '';
      if (CELERY_SETTINGS.has(name)) return true;
    }
  }
  return false;
}

const TRANSPORT_PREFIXES: readonly string[] = [
  'multiprocessing.connection.',
  'multiprocessing.managers.',
  'torch.distributed.',
];
const DESERIALIZER_SLOTS: ReadonlySet<string> = new Set([
  'value_deserializer',
  'key_deserializer',
  'request_deserializer',
  'response_deserializer',
  'deserialize',
]);

/** Local classes deriving (through local bases) from an unpickler or a multiprocessing manager. */
function localSpecialClasses(mod: PythonModule): Set<number> {
  const out = new Set<number>();
  const isSpecial = (id: number, depth: number): boolean => {
    const f = mod.functions[id];
    if (f === undefined || f.kind !== 'class' || depth > 5) return false;
    for (const b of f.bases) {
      for (const v of b.values) {
        if (v.kind === 'qualified' && (UNPICKLER_CLASSES.has(v.name) || v.name.startsWith('multiprocessing.managers.')))
          return true;
        if (v.kind === 'definition' && v.functionId !== id && isSpecial(v.functionId, depth + 1)) return true;
      }
    }
    return false;
  };
  for (const f of mod.functions) if (f.kind === 'class' && f.bases.length > 0 && isSpecial(f.id, 0)) out.add(f.id);
  return out;
}

const EMPTY_SET: ReadonlySet<number> = new Set();

function sourcePhrase(o: Origin, file: string): string {
  return o.file === file
    ? `\`${o.text}\` (line ${o.line}, ${o.label})`
    : `\`${o.text}\` (${o.file}:${o.line}, ${o.label})`;
}

/** The evidence path: the source, each hop, the sink call. */
function flowSteps(
  o: Origin,
  sink: { span: { line: number }; text: string; scopeId: number },
  file: string,
  idx: ModuleIndex,
): FlowStep[] {
  return [
    { role: 'source', file: o.file, line: o.line, fn: o.fn, text: o.text },
    ...o.via.map((h): FlowStep => ({ role: 'hop', file: h.file, line: h.line, fn: h.fn, text: h.what })),
    {
      role: 'sink',
      file,
      line: sink.span.line,
      fn: idx.fn(sink.scopeId)?.qualifiedName ?? '<module>',
      text: shortText(sink.text),
    },
  ];
}

function networkInput(h: SinkHit, flow: DeserFlow, hmacIn: ReadonlySet<number>): CodeSignal | undefined {
  const t = h.value.taint;
  const api = h.sink.api;
  if (t === null || !REPORTABLE[api.mode].has(t.kind)) return undefined;
  const call = h.sink.call;
  const o = t.origin;
  const file = flow.file;
  const local = o.file === file;
  const via = o.via.length > 0 ? `, through ${o.via.map((x) => hopText(x, file)).join(' → ')},` : '';
  const signed = hmacIn.has(call.scopeId) || (local && hmacIn.has(o.functionId));
  let confidence = minConf(t.confidence, h.sink.confidence);
  if (signed) confidence = minConf(confidence, 'medium');
  const handler = local ? flow.idx.mod.functions[o.functionId] : undefined;
  const message =
    `${sourcePhrase(o, file)}${via} reaches ${api.display}(...) (line ${call.span.line}): ${h.sink.note}. ` +
    'Bytes from the network decide which objects are built and which callables run.' +
    (signed
      ? ' An HMAC/signature check is present in this code path; a leaked or reused key still means code execution.'
      : '') +
    (h.sink.restrictedBy !== undefined ? ` (Restricted by \`${h.sink.restrictedBy}\`.)` : '');
  return signalAt(
    'DESER-NETWORK-INPUT',
    call.span,
    call.text,
    message,
    confidence,
    {
      sourceLine: o.line,
      sinkLine: call.span.line,
      source: o.text,
      sourceLabel: o.label,
      sink: api.qualifiedName,
      family: api.family,
      taintKind: t.kind,
      ...(!local ? { sourceFile: o.file, sourceFunction: o.fn } : {}),
      ...(handler !== undefined && handler.kind !== 'module' ? { sourceFunction: handler.qualifiedName } : {}),
      ...(o.via.length > 0 ? { via: o.via.map((x) => hopText(x, file)) } : {}),
      ...(h.sink.restrictedBy !== undefined ? { restrictedBy: h.sink.restrictedBy } : {}),
      ...(signed ? { integrityCheck: true } : {}),
    },
    flowSteps(o, call, file, flow.idx),
  );
}

/** What a library's public API offers instead of an executable loader of its caller's file or bytes. */
export const LIBRARY_API_FIX =
  'Offer a safe format for what callers pass (safetensors, JSON or another schema-checked format) or a ' +
  'weights-only mode (torch.load(weights_only=True), numpy allow_pickle=False); keep executable loading behind an ' +
  'explicit opt-in that documents that it runs code from the file.';

/** A public function of a library (no serving code) whose caller's path or bytes reach an executable loader. */
function libraryLoad(h: SinkHit, library: LibraryApis): CodeSignal | undefined {
  const u = h.value.untrusted;
  if (h.value.taint !== null || u === null || u.strong || u.param === undefined) return undefined;
  const api = h.sink.api;
  if (!libraryLoader(api, h.sink.confidence, true)) return undefined;
  const lib = library.of(u.param);
  if (lib === undefined) return undefined;
  const call = h.sink.call;
  const what = api.mode === 'bytes' ? 'bytes' : api.mode === 'url' ? 'URL' : 'file';
  return {
    ...signalAt(
      'DESER-UNSAFE-LOADER',
      call.span,
      call.text,
      `${api.display}(...) at line ${call.span.line}: ${h.sink.note}. The library's public API \`${lib.qualifiedName}\` ` +
        `hands it the ${what} its caller names in \`${lib.parameter}\`: users pass such APIs files they downloaded, ` +
        'and loading one runs whatever code it carries.',
      'medium',
      {
        sinkLine: call.span.line,
        sink: api.qualifiedName,
        family: api.family,
        libraryApi: lib.qualifiedName,
        parameter: lib.parameter,
        inputProvenance: u.reason,
      },
    ),
    severity: 'MEDIUM',
    fixHint: LIBRARY_API_FIX,
  };
}

/** An executable loader of the file (or bytes) a command-line argument names: whoever runs the script picks it. */
function commandLineLoad(h: SinkHit, file: string): CodeSignal | undefined {
  const u = h.value.untrusted;
  if (h.value.taint !== null || u === null || u.cli === undefined) return undefined;
  const api = h.sink.api;
  if (!libraryLoader(api, h.sink.confidence, false)) return undefined;
  const call = h.sink.call;
  const what = api.mode === 'bytes' ? 'bytes' : api.mode === 'url' ? 'URL' : 'file';
  const where = u.cli.file === file || u.cli.file === '' ? `line ${u.cli.line}` : `${u.cli.file}:${u.cli.line}`;
  if (u.cli.task !== undefined) return brokerTaskLoad(h, u.cli.task, where, u.reason);
  return {
    ...signalAt(
      'DESER-UNSAFE-LOADER',
      call.span,
      call.text,
      `${api.display}(...) at line ${call.span.line}: ${h.sink.note}. It loads the ${what} a command-line argument ` +
        `names (${u.reason}, ${where}): people run such scripts on files they were sent or downloaded, and loading ` +
        'one runs whatever code it carries.',
      'medium',
      {
        sinkLine: call.span.line,
        sink: api.qualifiedName,
        family: api.family,
        commandLine: u.cli.text,
        commandLineAt: where,
        inputProvenance: u.reason,
      },
    ),
    severity: 'MEDIUM',
    fixHint: COMMAND_LINE_FIX,
  };
}

/**
 * An executable loader of what an argument of a Celery task carries, the task queued by no code of the project:
 * whoever can publish to the broker picks the arguments.
 */
function brokerTaskLoad(h: SinkHit, task: string, where: string, reason: string): CodeSignal {
  const api = h.sink.api;
  const call = h.sink.call;
  const what = api.mode === 'bytes' ? 'bytes' : api.mode === 'url' ? 'URL' : 'file';
  return {
    ...signalAt(
      'DESER-UNSAFE-LOADER',
      call.span,
      call.text,
      `${api.display}(...) at line ${call.span.line}: ${h.sink.note}. It loads the ${what} an argument of the Celery ` +
        `task \`${task}\` gives (${reason}, ${where}), and no code of the project queues that task: its arguments ` +
        'are whatever a client of the broker publishes, and loading them runs whatever code they carry.',
      'medium',
      {
        sinkLine: call.span.line,
        sink: api.qualifiedName,
        family: api.family,
        celeryTask: task,
        taskAt: where,
        inputProvenance: reason,
      },
    ),
    severity: 'MEDIUM',
    fixHint: BROKER_TASK_FIX,
  };
}

/** What a task offers instead of an executable loader of its arguments. */
export const BROKER_TASK_FIX =
  'Pass task arguments in a safe format (JSON with a schema, safetensors for tensors) and keep executable formats ' +
  'out of what the task accepts; restrict who may publish to the broker (credentials, TLS, a private network), and ' +
  'sign task messages (Celery message signing) when publishers are not all trusted.';

/** What a script offers instead of an executable loader of the file its command line names. */
export const COMMAND_LINE_FIX =
  'Read what the command line names in a safe format (safetensors, JSON or another schema-checked format) or in a ' +
  'weights-only mode (torch.load(weights_only=True), numpy allow_pickle=False); keep executable loading behind an ' +
  'explicit option that says the file runs code, and check a pinned hash or signature before loading it.';

function unsafeLoader(h: SinkHit, serving: readonly ServingEvidence[], flow: DeserFlow): CodeSignal | undefined {
  const file = flow.file;
  const v: Value = h.value;
  const t = v.taint;
  // Network data of a shape the loader does not read as serialized bytes (a path a client chose), or the file such a
  // path names, reached the call from serving code in another module: that code is the serving evidence, wherever
  // the loader lives.
  const chosen = t?.origin ?? v.untrusted?.chosenBy;
  const foreign = serving.length === 0 && chosen !== undefined && chosen.file !== file ? chosen : undefined;
  const ev: ServingEvidence | undefined =
    serving[0] ??
    (foreign !== undefined ? { line: foreign.line, what: `${foreign.label} in ${foreign.file}` } : undefined);
  if (ev === undefined) return undefined;
  if (t === null && v.untrusted === null) return undefined;
  // A command-line argument is the command-line rule's, whether or not the module serves.
  if (t === null && v.untrusted?.cli !== undefined) return undefined;
  // A file named by a digest (a cache entry the code's own hash chose) is none the client named.
  if (t === null && v.untrusted?.digest === true) return undefined;
  const call = h.sink.call;
  const api = h.sink.api;
  const strong = t !== null || (v.untrusted?.strong ?? false);
  const input =
    t !== null
      ? `its ${api.mode === 'bytes' ? 'input' : api.mode === 'url' ? 'URL' : 'path'} is derived from ${sourcePhrase(t.origin, file)}`
      : `its input is ${v.untrusted!.reason}, which cannot be proven internal`;
  const via =
    foreign !== undefined && foreign.via.length > 0
      ? `, through ${foreign.via.map((x) => hopText(x, file)).join(' → ')}`
      : '';
  const message =
    serving.length > 0
      ? `${api.display}(...) at line ${call.span.line}: ${h.sink.note}. It runs in serving code ` +
        `(${ev.what}, line ${ev.line}) and ${input}.`
      : `${api.display}(...) at line ${call.span.line}: ${h.sink.note}. Serving code in another module hands it ` +
        `${t !== null ? '' : 'the file named by '}${sourcePhrase(foreign!, file)}${via}: a client of that code ` +
        'chooses what it loads.';
  return signalAt(
    'DESER-UNSAFE-LOADER',
    call.span,
    call.text,
    message,
    minConf(strong ? 'high' : 'medium', h.sink.confidence),
    {
      sinkLine: call.span.line,
      sink: api.qualifiedName,
      family: api.family,
      servingEvidence: ev.what,
      servingLine: ev.line,
      ...(foreign !== undefined ? { servingFile: foreign.file, source: foreign.text, sourceLine: foreign.line } : {}),
      inputProvenance: t !== null ? `network (${t.kind})` : v.untrusted!.reason,
      ...(t !== null ? { sourceLine: t.origin.line, source: t.origin.text } : {}),
    },
    foreign !== undefined ? flowSteps(foreign, call, file, flow.idx) : undefined,
  );
}

interface MediaString {
  value: string;
  line: number;
  startIndex: number;
  endIndex: number;
  scopeId: number;
}

function mediaTypeStrings(mod: PythonModule): MediaString[] {
  const out: MediaString[] = [];
  for (const s of mod.strings) {
    if (s.value === null || s.isDocstring) continue;
    const base = s.value.trim().toLowerCase().split(';')[0]!.trim();
    if (!isSerializedMediaType(base)) continue;
    out.push({
      value: base,
      line: s.span.line,
      startIndex: s.span.startIndex,
      endIndex: s.span.endIndex,
      scopeId: s.scopeId,
    });
  }
  return out;
}

/**
 * A serialized media type that belongs to one of the given functions: written inside its body or parameters, in
 * its decorators, or a module constant its body reads.
 */
function mediaFor(
  fnIds: readonly number[],
  media: readonly MediaString[],
  mod: PythonModule,
  idx: ModuleIndex,
): MediaString | undefined {
  if (media.length === 0) return undefined;
  for (const id of fnIds) {
    const f = mod.functions[id];
    if (f === undefined || f.kind === 'module') continue;
    const inside = (sp: { startIndex: number; endIndex: number }, s: MediaString): boolean =>
      s.startIndex >= sp.startIndex && s.endIndex <= sp.endIndex;
    const spans: SourceSpan[] = [f.span, ...f.decorators.map((d) => d.span)];
    const own = media.find((m) => spans.some((sp) => inside(sp, m)));
    if (own !== undefined) return own;
    const constants = moduleConstants(media, idx);
    if (constants.size === 0) continue;
    if (readsAny(f, constants, idx) || checksContentType(f, mod)) return [...constants.values()][0];
  }
  return undefined;
}

function moduleConstants(media: readonly MediaString[], idx: ModuleIndex): Map<string, MediaString> {
  const out = new Map<string, MediaString>();
  for (const [name, as] of idx.assignedNames.get(0) ?? []) {
    for (const a of as) {
      const m = media.find(
        (x) => a.value !== null && x.startIndex >= a.value.span.startIndex && x.endIndex <= a.value.span.endIndex,
      );
      if (m !== undefined) out.set(name, m);
    }
  }
  return out;
}

function readsAny(f: FunctionFact, names: ReadonlyMap<string, MediaString>, idx: ModuleIndex): boolean {
  for (const c of idx.callsByScope.get(f.id) ?? []) {
    for (const a of [...c.positional, ...c.keywords.map((k) => k.value)])
      if (a.names.some((n) => names.has(n))) return true;
  }
  for (const a of idx.assignmentsByScope.get(f.id) ?? []) if (a.value?.names.some((n) => names.has(n))) return true;
  return false;
}

/** The function (or a scope nested in it) reads the request's content type (`request.mimetype`, ...). */
function checksContentType(f: FunctionFact, mod: PythonModule): boolean {
  const { startIndex, endIndex } = f.span;
  for (const a of mod.attributeReferences) {
    if (a.span.startIndex < startIndex || a.span.endIndex > endIndex) continue;
    const last = a.raw.slice(a.raw.lastIndexOf('.') + 1);
    if (last === 'content_type' || last === 'mimetype' || last === 'media_type') return true;
  }
  return false;
}

/** Scopes that verify a MAC or signature (hmac.compare_digest, hmac.new, itsdangerous, nacl). */
function hmacScopes(mod: PythonModule): Set<number> {
  const out = new Set<number>();
  for (const c of mod.calls) {
    for (const t of callTargets(c, 'python')) {
      const q = t.qualifiedName;
      if (
        q === 'hmac.compare_digest' ||
        q === 'hmac.new' ||
        q === 'secrets.compare_digest' ||
        q.startsWith('itsdangerous.') ||
        q.startsWith('nacl.signing.')
      ) {
        out.add(c.scopeId);
      }
    }
  }
  return out;
}
