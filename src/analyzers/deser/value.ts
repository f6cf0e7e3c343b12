// The abstract values of the DESER data-flow pass: what an expression may hold at run time, as
// "network data of some shape, obtained here" (taint) and "not provably internal" (untrusted). Plain data.
import type { Confidence } from '../python/code-signal.js';

/**
 * Shape of a network-derived value. Object kinds (`request`, `upload`, `message`, `endpoint`, `mplistener`,
 * `mpconn`, `self-*`) carry network data behind attributes and methods; `data`, `text` and `file` are the data.
 * - `data`: bytes or a byte stream read from the network (a body, a socket read, a queue payload).
 * - `text`: strings and parsed structures (query/form fields, headers, JSON). A path built from them is text.
 * - `file`: a path or file handle whose content was written from network data (write-then-read round trips).
 * - `request` (HTTP request object), `upload` (an uploaded file), `message` (a gRPC request or queue message),
 *   `endpoint` (socket, stream reader, websocket, consumer), `mplistener`/`mpconn` (multiprocessing.connection),
 *   `self-http`/`self-socketserver`/`self-tornado`/`self-view` (`self` of a framework handler class), `response` (an
 *   HTTP client response: another host's bytes behind `.content`, `.read()`, `.iter_content()`).
 */
export type TaintKind =
  | 'data'
  | 'text'
  | 'file'
  | 'request'
  | 'upload'
  | 'message'
  | 'endpoint'
  | 'mplistener'
  | 'mpconn'
  | 'self-http'
  | 'self-socketserver'
  | 'self-tornado'
  | 'self-view'
  | 'response';

/**
 * One step of a value's path between its source and a sink: a call it was passed into or returned from, or a file
 * it was written to. `file` is the scanned path of the module ('' when only one module is analysed).
 */
export interface Hop {
  file: string;
  line: number;
  /** The function whose body holds the step (qualified name within its file; `<module>` at top level). */
  fn: string;
  /** What happens there, e.g. `decode()` or `a file written by \`open(p, "wb").write(x)\``. */
  what: string;
}

/** Where network data was obtained: the expression, its line, and what it is. */
export interface Origin {
  /** Scanned path of the module the source is in ('' when only one module is analysed). */
  file: string;
  /** Qualified name of the function holding the source. */
  fn: string;
  line: number;
  column: number;
  /** Source text of the obtaining expression (cut), e.g. `request.get_data()`. */
  text: string;
  /** What the source is, e.g. `Flask request body`, `socket recv`, `RabbitMQ message body`. */
  label: string;
  /** Id of the function (FunctionFact) the source expression is in. */
  functionId: number;
  /** Calls and files the value travelled through to reach the current function, in order. */
  via: Hop[];
}

export interface Taint {
  kind: TaintKind;
  origin: Origin;
  confidence: Confidence;
  /**
   * Text reduced to a file name (`os.path.basename`, `secure_filename`): joined below a folder of the host it picks
   * one of that folder's files, not any file.
   */
  nameOnly?: true;
}

/** Why a value cannot be proven internal; `strong` when it comes from the network or a remote store. */
export interface Untrusted {
  reason: string;
  strong: boolean;
  /** The parameter the value is, when it is one of a function no code in the project calls (its callers are outside). */
  param?: ParamRef;
  /**
   * The flow's own bound left part of what the value is built from unevaluated: `depth` when a chain of callers
   * (or nested expressions) was deeper than the evaluator goes, `steps` when the evaluation steps ran out. Kept
   * through joins, so a sink whose value has it was reached by a path the analysis cut.
   */
  cut?: FlowCut;
  /**
   * The command-line argument the value is (or is built from: a path joined from it, the file opened from it): the
   * person running the script names it (cli-args.ts).
   */
  cli?: CliArg;
  /**
   * The network source that chose the path this value was read from (`open(p)` where `p` is a client's text): the
   * bytes are a file of this host, not network data, but a client picked which one.
   */
  chosenBy?: Origin;
  /**
   * The value is (or is built only with app constants from) a digest of what was hashed: the name of an entry the
   * code's own hash chose (a cache file keyed by a digest of a client's text), not a file the client named.
   */
  digest?: true;
}

/**
 * Where a command-line argument enters: its text and line, in the module's scanned path (cli-args.ts). With `task`,
 * an argument of a Celery task no code of the project queues: whoever publishes to the broker chooses it, graded as
 * a command-line argument is.
 */
export interface CliArg {
  file: string;
  line: number;
  text: string;
  task?: string;
}

/** Which bound of the data flow cut a value short. */
export type FlowCut = 'depth' | 'steps';

/** A parameter of a function in a module of the project (`file` as the flow names its module). */
export interface ParamRef {
  file: string;
  functionId: number;
  name: string;
}

export interface Value {
  taint: Taint | null;
  untrusted: Untrusted | null;
}

export const INTERNAL: Value = Object.freeze({ taint: null, untrusted: null }) as Value;

const OBJECT_KINDS: ReadonlySet<TaintKind> = new Set([
  'request',
  'upload',
  'message',
  'endpoint',
  'mplistener',
  'mpconn',
  'self-http',
  'self-socketserver',
  'self-tornado',
  'self-view',
  'response',
]);

/** True for kinds that hold network data behind attributes/methods rather than being the data. */
export function isObjectKind(k: TaintKind): boolean {
  return OBJECT_KINDS.has(k);
}

/** When two shapes meet (a name bound twice), the one more likely to reach a deserializer wins. */
const PRIORITY: Record<TaintKind, number> = {
  data: 12,
  file: 11,
  message: 10,
  upload: 9,
  endpoint: 8,
  mpconn: 7,
  mplistener: 6,
  text: 5,
  request: 4,
  'self-http': 3,
  'self-socketserver': 3,
  'self-tornado': 3,
  'self-view': 3,
  response: 4,
};

const CONF: Record<Confidence, number> = { high: 2, medium: 1, low: 0 };

export function joinTaint(a: Taint | null, b: Taint | null): Taint | null {
  if (a === null) return b;
  if (b === null) return a;
  // A whole path wins over a file name (the name alone chooses only within the code's folder).
  if (a.kind === b.kind && a.nameOnly !== b.nameOnly) return a.nameOnly === true ? b : a;
  const first = PRIORITY[b.kind] > PRIORITY[a.kind] ? b : a;
  const other = first === a ? b : a;
  if (CONF[other.confidence] > CONF[first.confidence] && other.kind === first.kind) return other;
  return first;
}

export function joinValues(a: Value, b: Value): Value {
  if (a === b) return a;
  const taint = joinTaint(a.taint, b.taint);
  let untrusted = a.untrusted ?? b.untrusted;
  // A command-line argument is internal to everything but the command-line rule: any other reason wins over it.
  if (a.untrusted !== null && b.untrusted !== null && a.untrusted.cli !== undefined && b.untrusted.cli === undefined)
    untrusted = b.untrusted;
  else if (a.untrusted !== null && b.untrusted !== null && !a.untrusted.strong && b.untrusted.strong)
    untrusted = b.untrusted;
  // Named by a digest only when every untrusted part is (a digest joined with any other reason is that reason's).
  if (
    untrusted?.digest === true &&
    a.untrusted !== null &&
    b.untrusted !== null &&
    a.untrusted.digest !== b.untrusted.digest
  ) {
    const { digest: _digest, ...rest } = untrusted;
    untrusted = rest;
  }
  // A value cut short anywhere stays cut short (the mark is what says its verdict was not proven).
  const cut = a.untrusted?.cut ?? b.untrusted?.cut;
  if (cut !== undefined && untrusted!.cut === undefined) untrusted = { ...untrusted!, cut };
  if (taint === a.taint && untrusted === a.untrusted) return a;
  if (taint === b.taint && untrusted === b.untrusted) return b;
  return { taint, untrusted };
}

export function untrustedValue(reason: string, strong = false, param?: ParamRef): Value {
  return { taint: null, untrusted: param !== undefined ? { reason, strong, param } : { reason, strong } };
}

/** A command-line argument (or the parsed command line whose attributes are arguments). */
export function cliValue(arg: CliArg, reason: string): Value {
  return { taint: null, untrusted: { reason, strong: false, cli: arg } };
}

/** The value without its command-line mark (a number made from an argument names no file). */
export function withoutCli(v: Value): Value {
  const u = v.untrusted;
  return u?.cli === undefined ? v : { taint: v.taint, untrusted: null };
}

/** A value the flow's bound `cut` left unevaluated: not internal, and marked as cut short. */
export function cutValue(reason: string, cut: FlowCut): Value {
  return { taint: null, untrusted: { reason, strong: false, cut } };
}

/**
 * The value without its caller's-parameter (or command-line) mark: what it is built from is no longer only what the
 * caller named.
 */
export function withoutParam(v: Value): Value {
  const u = v.untrusted;
  if (u?.cli !== undefined) return { taint: v.taint, untrusted: null };
  if (u?.param === undefined) return v;
  return {
    taint: v.taint,
    untrusted: {
      reason: u.reason,
      strong: u.strong,
      ...(u.cut !== undefined ? { cut: u.cut } : {}),
    },
  };
}

/** A tainted value; network data is never internal. */
export function taintedValue(kind: TaintKind, origin: Origin, confidence: Confidence = 'high'): Value {
  return { taint: { kind, origin, confidence }, untrusted: { reason: origin.label, strong: true } };
}

/** The same taint with another shape (and, when given, a new origin). */
export function reshape(v: Value, kind: TaintKind, origin?: Origin): Value {
  if (v.taint === null) return v;
  if (v.taint.kind === kind && origin === undefined) return v;
  return { taint: { kind, origin: origin ?? v.taint.origin, confidence: v.taint.confidence }, untrusted: v.untrusted };
}

/** Drop the taint but keep "not internal" (e.g. the result of deserializing, or an unknown function of data). */
export function untaint(v: Value): Value {
  if (v.taint === null) return v;
  return { taint: null, untrusted: v.untrusted ?? { reason: v.taint.origin.label, strong: true } };
}

/** The content of the file a client-chosen path names: not network data, but picked by the client `by`. */
export function chosenFile(v: Value, by: Origin): Value {
  const u = untaint(v).untrusted!;
  return { taint: null, untrusted: { ...u, chosenBy: by } };
}

/** Most hops kept on one path (the composition depth across functions and modules is bounded by it too). */
export const MAX_HOPS = 8;

/** Append a hop to the taint's path. */
export function viaHop(v: Value, hop: Hop): Value {
  if (v.taint === null) return v;
  const via = v.taint.origin.via;
  const last = via[via.length - 1];
  if (via.length >= MAX_HOPS || (last !== undefined && sameHop(last, hop))) return v;
  return { ...v, taint: { ...v.taint, origin: { ...v.taint.origin, via: [...via, hop] } } };
}

function sameHop(a: Hop, b: Hop): boolean {
  return a.line === b.line && a.file === b.file && a.what === b.what;
}

/** A hop as people read it: `decode() at line 14` in the sink's file, `decode() at codec.py:14` elsewhere. */
export function hopText(h: Hop, sinkFile: string): string {
  return h.file === sinkFile ? `${h.what} at line ${h.line}` : `${h.what} at ${h.file}:${h.line}`;
}

/** A short key of a value for memoising helper runs by their arguments. */
export function valueKey(v: Value): string {
  const t = v.taint;
  const u = v.untrusted;
  return (
    (t === null
      ? '-'
      : `${t.kind}@${t.origin.file}:${t.origin.line}:${t.origin.column}/${t.confidence}/${t.origin.via.length}` +
        (t.nameOnly === true ? 'n' : '')) + (u === null ? '' : u.strong ? '!' : u.cli !== undefined ? 'c' : '?')
  );
}
