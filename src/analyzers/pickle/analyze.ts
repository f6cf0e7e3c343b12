// Pickle stream analysis: decides whether bytes are a pickle at all (the way CPython would treat them), runs the
// VM over every stacked pickle until the bytes end, and reports bytes after the last STOP that are not a pickle.
import type { ByteSource } from '../../sources/byte-source.js';
import { HIGHEST_PROTOCOL, Op } from '../../formats/pickle/opcodes.js';
import type { Anomaly, ImportFact, PickleRun } from './facts.js';
import { runPickle, type LoaderModel, type VmLimits, type VmOptions } from './vm.js';
import { isDottedIdentifier } from '../../formats/pickle/text-args.js';

export interface StreamOptions {
  readonly limits: VmLimits & { maxStackedPickles: number };
  readonly loader: LoaderModel;
  readonly deadline?: number;
  readonly maxNestedBytes?: number;
  readonly memoDetailEntries?: number;
  /** Stop after this many pickles (legacy torch: five pickles, then raw storages), without a trailing check. */
  readonly stopAfter?: number;
  /**
   * Whether importing this name would do anything (a dangerous or real ML module). Text that only happens to parse
   * as a GLOBAL of names no one would install (`labels.txt`: "cat\ndog\n" imports `at.dog`) and then breaks is not
   * taken for a pickle. Without it, every import before an error counts.
   */
  readonly importMatters?: (imp: ImportFact) => boolean;
  /**
   * Which imports of a plain (non-joblib) reading of a stream with joblib arrays are worth adding to the joblib
   * reading (see addPlainReading): the engine keeps those that would be findings. Without it, no plain reading.
   */
  readonly plainReadingKeeps?: (imp: ImportFact) => boolean;
  /** See {@link VmOptions.generalOnly}. */
  readonly generalOnly?: boolean;
}

export type PickleEvidence = 'protocol-header' | 'valid-pickle' | 'import-before-error' | 'limit-before-error';

/**
 * Is the region starting at `start` a pickle? A PROTO header, a stream CPython loads to STOP without error,
 * or a stream that reaches an import before its first error (the import runs before the error) all count.
 * Returns the strict run when it can be reused as the analysis of a clean pickle. A PROTO-headed stream CPython
 * refuses before STOP with nothing done first (no import, none of our limits reached) carries `refusedBeforeEffect`:
 * it has no pickle reading, and only stands as one when no other format reads the bytes.
 */
export function probePickle(
  src: ByteSource,
  start: number,
  end: number,
  opts: StreamOptions,
): { evidence: PickleEvidence; cleanRun?: PickleRun; refusedBeforeEffect?: true } | undefined {
  if (end - start < 2) return undefined;
  const head = src.read(start, 2);
  const vmOpts = vmOptions(opts, true);
  if (head[0] === Op.PROTO && head[1]! <= HIGHEST_PROTOCOL) {
    const run = runPickle(src, start, end, vmOpts);
    if (run.stopped && !run.errored) return { evidence: 'protocol-header', cleanRun: run };
    return { evidence: 'protocol-header', ...(effectBeforeError(src, run, end) ? {} : { refusedBeforeEffect: true }) };
  }
  if (head[0] === Op.PROTO) {
    // A protocol above the highest known: today's CPython refuses it, a later one may not. Read on leniently; a
    // stream that then imports or reaches STOP is a pickle (its PROTO_UNSUPPORTED anomaly is a finding).
    const lenient = runPickle(src, start, end, vmOptions(opts));
    return lenient.stopped || lenient.imports.length > 0 ? { evidence: 'protocol-header' } : undefined;
  }
  const run = runPickle(src, start, end, vmOpts);
  if (run.stopped && !run.errored && run.opcodes >= 2) return { evidence: 'valid-pickle', cleanRun: run };
  // A limit of ours (stack, marks, fact lists, time) reached before any error CPython raises: the bytes are read as
  // a pickle this far, and an input built to exhaust the analyser must not pass for "not a pickle".
  if (limitBeforeError(run)) return { evidence: 'limit-before-error' };
  if (!importBeforeError(src, run, end)) return undefined;
  if (opts.importMatters && isText(src, start, end) && !run.calls.length && !run.imports.some(opts.importMatters)) {
    return undefined;
  }
  return { evidence: 'import-before-error' };
}

function limitBeforeError(run: PickleRun): boolean {
  const firstFatal = run.anomalies.find((a) => a.fatal);
  return firstFatal?.code === 'LIMIT' || firstFatal?.code === 'INTERNAL_ERROR';
}

/** An import CPython performs (or attempts) before the stream's first error. */
function importBeforeError(src: ByteSource, run: PickleRun, end: number): boolean {
  const realImport = run.imports.some(
    (i) => !i.afterError && i.unresolved === undefined && isDottedIdentifier(i.module) && isDottedIdentifier(i.name),
  );
  return (
    realImport ||
    run.anomalies.some(
      (a) =>
        a.fatal &&
        (a.opcode === 'GLOBAL' || a.opcode === 'INST') &&
        a.code === 'BAD_ARGUMENT' &&
        looksLikeImportAttempt(src, a, end),
    )
  );
}

/** Something a load does before it raises (an import, or work past one of our limits): the stream is a reading. */
function effectBeforeError(src: ByteSource, run: PickleRun, end: number): boolean {
  return limitBeforeError(run) || importBeforeError(src, run, end);
}

/** Printable UTF-8 text (tabs and line breaks allowed) in the first 64 KiB of the region. */
function isText(src: ByteSource, start: number, end: number): boolean {
  const b = src.read(start, Math.min(end - start, 64 * 1024));
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) return false;
  }
  try {
    // stream: a multi-byte character cut by the 64 KiB window is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(b, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** A GLOBAL/INST whose module line is a valid identifier but whose name line is malformed still tries an import. */
function looksLikeImportAttempt(src: ByteSource, a: Anomaly, end: number): boolean {
  const bytes = src.read(a.offset + 1, Math.min(256, end - a.offset - 1));
  const nl = bytes.indexOf(0x0a);
  if (nl <= 0) return false;
  let module = '';
  for (let i = 0; i < nl; i++) module += String.fromCharCode(bytes[i]!);
  return isDottedIdentifier(module);
}

/**
 * The VM's options for a stream's runs, built by assignment (not by spreading one-field objects: this is made for
 * every stream of every file), with `strict` or `extRegistry` when given.
 */
function vmOptions(opts: StreamOptions, strict?: true, extRegistry?: Map<number, [string, string]>): VmOptions {
  const o: VmOptions = { limits: opts.limits, loader: opts.loader };
  if (opts.deadline !== undefined) o.deadline = opts.deadline;
  if (opts.maxNestedBytes !== undefined) o.maxNestedBytes = opts.maxNestedBytes;
  if (opts.memoDetailEntries !== undefined) o.memoDetailEntries = opts.memoDetailEntries;
  if (opts.generalOnly !== undefined) o.generalOnly = opts.generalOnly;
  if (strict) o.strict = true;
  if (extRegistry !== undefined) o.extRegistry = extRegistry;
  return o;
}

export interface StreamAnalysis {
  readonly runs: PickleRun[];
  /** Bytes after the last STOP that are not a pickle (reported as a TRAILING_BYTES anomaly on the last run). */
  readonly trailing: number;
  /** Absolute offset where analysis ended. */
  readonly end: number;
}

/**
 * Analyses every stacked pickle in [start, end): the stream is read as repeated pickle.load calls on one
 * file would read it (legacy torch, concatenated payloads). `first` may carry an already-run clean pickle.
 */
export function analyzeStream(
  src: ByteSource,
  start: number,
  end: number,
  opts: StreamOptions,
  first?: PickleRun,
): StreamAnalysis {
  const runs: PickleRun[] = [];
  const ext = new Map<number, [string, string]>();
  const vmOpts = vmOptions(opts, undefined, ext);
  let pos = start;
  let run = first ?? runPickle(src, pos, end, vmOpts);
  for (;;) {
    runs.push(run);
    if (opts.loader.joblibArrays && run.joblibArrayAt !== undefined && opts.plainReadingKeeps) {
      addPlainReading(src, end, run, vmOpts, opts.plainReadingKeeps);
    }
    if (!run.stopped || run.end <= pos) break;
    pos = run.end;
    if (pos >= end) break;
    if (opts.stopAfter !== undefined && runs.length >= opts.stopAfter) return { runs, trailing: 0, end: pos };
    if (runs.length >= opts.limits.maxStackedPickles) {
      run.anomalies.push({
        code: 'LIMIT',
        offset: pos,
        opcode: 'STOP',
        message: `more than ${opts.limits.maxStackedPickles} stacked pickles`,
        fatal: true,
        limit: 'maxStackedPickles',
      });
      break;
    }
    const probe = probePickle(src, pos, end, opts);
    if (!probe) {
      const trailing = end - pos;
      run.anomalies.push({
        code: 'TRAILING_BYTES',
        offset: pos,
        opcode: 'STOP',
        message: `${trailing} byte(s) after the last STOP are not a pickle`,
        fatal: false,
      });
      return { runs, trailing, end };
    }
    run = probe.cleanRun ?? runPickle(src, pos, end, vmOpts);
  }
  return { runs, trailing: 0, end: runs[runs.length - 1]!.end };
}

/** The loaders that read a raw stream without joblib's array skipping. */
const PLAIN_LOADERS = 'pickle.load, torch.load and pandas.read_pickle';

/**
 * joblib.load reads the bytes after a NumpyArrayWrapper BUILD as array data; pickle.load, torch.load and
 * pandas.read_pickle run them as opcodes. A raw stream may be handed to any of them, so it is also read the plain
 * way (strictly: only what runs before that reading's first error counts) and the imports it finds from the first
 * array on, where the readings part, that the joblib reading does not have, are added to the run when `keep` admits
 * them (the engine keeps names that would be findings; array bytes that happen to spell a GLOBAL of no real module
 * are not taken for one), marked with the loaders that would run them, together with their invocations.
 */
function addPlainReading(
  src: ByteSource,
  end: number,
  run: PickleRun,
  vmOpts: VmOptions,
  keep: (imp: ImportFact) => boolean,
): void {
  const from = run.joblibArrayAt!;
  const plain = runPickle(src, run.start, end, {
    ...vmOpts,
    loader: { ...vmOpts.loader, joblibArrays: false },
    strict: true,
    extRegistry: new Map(),
  });
  const added = new Map<ImportFact, ImportFact>();
  const known = new Set(run.imports.map((i) => i.canonical));
  for (const imp of plain.imports) {
    if (imp.offset < from || imp.afterError || known.has(imp.canonical) || !keep(imp)) continue;
    const fact: ImportFact = { ...imp, readBy: `${PLAIN_LOADERS} (joblib.load reads these bytes as array data)` };
    added.set(imp, fact);
    run.imports.push(fact);
  }
  if (added.size === 0) return;
  for (const c of plain.calls) {
    const callee = c.callee === undefined ? undefined : added.get(c.callee);
    if (callee !== undefined) run.calls.push({ ...c, callee });
  }
  run.anomalies.push({
    code: 'LOADER_DISAGREEMENT',
    offset: from,
    opcode: 'BUILD',
    message:
      `joblib.load reads the bytes from ${from} as NumpyArrayWrapper array data; ${PLAIN_LOADERS} run them as ` +
      `opcodes, which import ${[...added.values()].map((i) => i.canonical).join(', ')}`,
    fatal: false,
  });
}
