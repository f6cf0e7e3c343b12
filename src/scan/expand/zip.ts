// ZIP containers (generic zips, .npz, PyTorch checkpoints, TorchScript and mobile archives): every entry is read
// leniently the way torch's miniz reader and Python's zipfile read it, every disagreement becomes ARCHIVE-TAMPER
// evidence, torch's pickles are analysed with torch's persistent_load semantics, and every other entry is
// sniffed by content (a pickle under any name, a nested zip, an .npy). Tensor records referenced by persistent
// ids are raw storage bytes and are not read.
import type { PersistentIdFact } from '../../analyzers/pickle/facts.js';
import { PLAIN_LOADER, runPickle, type LoaderModel } from '../../analyzers/pickle/vm.js';
import { CorruptError, EncryptedError, LimitError, UnsupportedError } from '../../core/errors.js';
import { child, entrySegment, formatLocation } from '../../core/location.js';
import {
  checkPackagePersistentId,
  checkZipPersistentId,
  torchPackageLayout,
  torchZipLayout,
  asciiLower,
  caseProblems,
  torchRecord,
  type TorchPackageLayout,
  type TorchZipLayout,
} from '../../analyzers/pytorch/zip-layout.js';
import { loadsKerasUnsafely } from '../../analyzers/pickle/keras-unpickle.js';
import { nativeBinary } from '../../formats/native-binary.js';
import { StoredStateCollector } from '../../analyzers/pickle/stored-states.js';
import { pickleLiteralAround } from '../../formats/pickle/literal-span.js';
import { looksLikeTar } from '../../formats/tar/index.js';
import {
  LAZY_METHODS,
  looksLikeZip,
  openEntryBounded,
  readZip,
  type ZipArchive,
  type ZipEntry,
} from '../../formats/zip/index.js';
import type { ByteSource } from '../../sources/byte-source.js';
import type { ContainerAnomaly, Expander, TorchScriptCodeFile, UnitContext } from './context.js';

const TEXT_VERSION = /^\s*(\d+)\s*$/;

/**
 * The [start, end) of the bytes literal holding [start, end) that the pickle starting the file hands, whole, to a
 * Keras whole-model load (Keras 3's <model class>._unpickle_model(io.BytesIO(<literal>)), Keras 2's
 * deserialize_model_from_bytecode(<literal>)): the VM's modelled load of it scans it as a nested .keras archive.
 * Read as joblib.load reads the stream (array bytes after each NumpyArrayWrapper BUILD); only a file that starts
 * with a PROTO opcode is run.
 */
function kerasLoadLiteral(
  src: ByteSource,
  start: number,
  end: number,
  ctx: UnitContext,
): readonly [number, number] | undefined {
  if (src.size < 2 || src.read(0, 1)[0] !== 0x80) return undefined;
  const run = runPickle(src, 0, src.size, {
    limits: ctx.limits,
    loader: PLAIN_LOADER,
    deadline: ctx.deadline,
    maxNestedBytes: Math.min(ctx.limits.maxEntryBytes, 256 * 1024 * 1024),
  });
  for (const n of run.nested) {
    const l = n.literal;
    if (l !== undefined && l[0] === start && l[1] >= end && loadsKerasUnsafely(n.loader.canonical)) return l;
  }
  return undefined;
}

export const zipExpander: Expander = {
  id: 'zip',
  // A tar whose member is a zip ends with that member's end-of-central-directory record, so the zip sniff also
  // matches the tar. A file that starts with a valid tar header is the tar's (the tar expander checks whether the
  // zip view reaches beyond one member); a zip that starts at byte 0 stays a zip.
  detect: (head, src) => looksLikeZip(src) && (startsWithZipRecord(head) || !looksLikeTar(src)),
  async expand(src, ctx) {
    const zip = readZip(src, { maxEntries: ctx.limits.maxEntries });
    for (const n of zip.notes ?? []) ctx.note(n);
    ctx.memberRanges(
      zip.entries
        .filter((e) => e.method === 0 && !e.hidden)
        .map((e) => [e.dataOffset, e.dataOffset + e.compressedSize]),
    );
    // Listed (central-directory) entries: their names in order, and the first entry per name (as a find would).
    const listedNames: string[] = [];
    const listed = new Map<string, ZipEntry>();
    let lazyMethod = false;
    for (const e of zip.entries) {
      if (LAZY_METHODS.has(e.method)) lazyMethod = true;
      if (e.hidden) continue;
      listedNames.push(e.name);
      if (!listed.has(e.name)) listed.set(e.name, e);
    }
    const layout = torchZipLayout(listedNames);
    const pkg = layout ? undefined : torchPackageLayout(listedNames);
    ctx.format(layout ? `torch-${layout.kind}` : pkg ? 'torch-package' : isKerasArchive(listedNames) ? 'keras' : 'zip');
    if (lazyMethod) await import('../../formats/zip/extra-methods.js');
    // Methods other than stored/deflate matter where torch reads the archive; elsewhere zipfile reads bzip2/LZMA
    // and anything neither reads is reported as not scanned (SCAN-INCOMPLETE), not as tampering.
    // Bytes after the end record that hold no ZIP record are skipped by zipfile and miniz alike (their end-record
    // search starts from the end of the file): the file notes them, no reader sees other content.
    // A zip that is, whole, a bytes literal of the pickle that starts the file (Keras 3's whole-model pickle holds its
    // .keras archive so): the zip reading is that literal's, handed on unchanged - scanned, but the bytes before it
    // are the pickle's opcodes, not a prefix someone added, and the two readings are not a polyglot (engine.ts).
    // joblib writes array bytes between the opcodes, which only the VM steps over: a file that starts with a pickle
    // is also run (values kept, nothing reported) to find the literal a Keras whole-model load is handed.
    const literal =
      zip.prefixBytes > 0
        ? (pickleLiteralAround(src, zip.prefixBytes, src.size - zip.trailingBytes) ??
          kerasLoadLiteral(src, zip.prefixBytes, src.size - zip.trailingBytes, ctx))
        : undefined;
    if (literal !== undefined) {
      ctx.memberRanges([literal]);
      ctx.readingStart(zip.prefixBytes);
      ctx.note(
        `zip: the archive is bytes ${literal[0]}..${src.size - zip.trailingBytes} of the file, inside a bytes literal ` +
          'of the pickle that starts it (read as that literal)',
      );
    }
    const anomalies: ContainerAnomaly[] = zip.anomalies.filter((a) => {
      if (a.code === 'PREPENDED_DATA' && literal !== undefined) return false;
      if (a.code === 'UNSUPPORTED_METHOD') return !!layout;
      if (a.code !== 'TRAILING_DATA' || holdsZipRecord(src, src.size - zip.trailingBytes, zip.trailingBytes))
        return true;
      ctx.note(`zip: ${a.message}`);
      return false;
    });
    // torch.load only treats a file as a zip when it starts with a local header; otherwise it unpickles from byte 0
    // (legacy path). A prefix that reads as a pickle is scanned by the pickle reader, which reads every file
    // (engine.ts: every reading).
    const referenced = new Set<string>();
    const done = new Set<ZipEntry>();
    const reader = new EntryReader(src, zip, ctx, anomalies);
    // torch.package storages referenced by a pickle read before them (raw tensor bytes; never unpickled).
    const packageStorages = new Set<string>();
    // The states data.pkl and constants.pkl give the `__setstate__` methods of a TorchScript archive's classes.
    const stored = layout && layout.kind !== 'checkpoint' ? new StoredStateCollector() : undefined;
    if (layout) {
      for (const rec of layout.pickles) {
        // Every spelling torch may find for the record (its lookup ignores case), read with torch's semantics, and
        // even when its data overlaps another entry's.
        for (const name of layout.variants.get(rec)!) {
          const e = listed.get(name)!;
          done.add(e);
          const entrySrc = await reader.open(e, true);
          if (!entrySrc) continue;
          const loader = torchLoader(layout, listed, rec, src);
          const collect = stored !== undefined && rec !== 'traced_inputs.pkl' ? stored : undefined;
          const runs = await ctx.analyzePickle(
            entrySrc,
            0,
            entrySrc.size,
            collect !== undefined
              ? {
                  ...loader,
                  onState: collect.onState,
                  ...(rec === 'constants.pkl' ? { onResult: collect.onConstants } : {}),
                }
              : loader,
            contextName(layout),
          );
          // The states are read only from a stream read to its STOP without error or limit.
          if (
            runs.runs.length === 0 ||
            runs.runs.some((r) => !r.stopped || r.errored || r.anomalies.some((a) => a.code === 'LIMIT'))
          )
            collect?.spoil();
          for (const run of runs.runs)
            for (const pid of run.persistentIds) if (pid.key !== undefined) referenced.add(asciiLower(pid.key));
        }
      }
      checkTorchRecords(src, listed, layout, anomalies);
      // The inventory: a PyTorch archive is a model file like a safetensors one (what it holds, not its tensors).
      ctx.inventory({
        where: formatLocation(src.location),
        format: `torch-${layout.kind}`,
        details: { pickles: layout.pickles.length, storages: referenced.size },
      });
      for (const p of caseProblems(layout)) anomalies.push({ code: 'TORCH_RECORD_CASE', ...p });
    }
    if (pkg) {
      // PackageImporter.load_pickle reads pickle resources with its persistent_load (storages, reduce_package);
      // read them first so the storages they reference are known before the walk below.
      for (const e of zip.entries) {
        if (e.hidden || e.isDirectory || e.isSymlink || !e.name.startsWith(pkg.root + '/')) continue;
        if (e.name.startsWith(pkg.root + '/.data/')) continue;
        const entrySrc = await reader.open(e);
        if (!entrySrc || !startsWithProto(entrySrc)) continue;
        done.add(e);
        const runs = await ctx.analyzePickle(entrySrc, 0, entrySrc.size, packageLoader(pkg), 'torch-package');
        for (const run of runs.runs)
          for (const pid of run.persistentIds) {
            const name = pid.key !== undefined ? pkg.storages.get(pid.key) : undefined;
            if (name !== undefined) packageStorages.add(name);
          }
      }
    }
    const storagePrefix = layout ? asciiLower(layout.root) + '/' : '';
    // The archive's code files, analysed together once all are read (load code may call a class of another file).
    const codeFiles: TorchScriptCodeFile[] = [];
    for (const e of zip.entries) {
      if (done.has(e) || e.isDirectory || e.isSymlink) continue;
      if (layout && !e.hidden && isStorageRecord(e.name, storagePrefix, referenced)) continue;
      if (pkg && !e.hidden && packageStorages.has(e.name)) continue;
      const entrySrc = await reader.open(e);
      if (!entrySrc) continue;
      const codePath = layout && layout.kind !== 'checkpoint' ? codeRecordPath(e.name, layout) : undefined;
      if (codePath !== undefined) {
        codeFiles.push({ src: entrySrc, path: codePath });
        continue;
      }
      if (
        layout &&
        layout.kind !== 'checkpoint' &&
        asciiLower(e.name).endsWith('.debug_pkl') &&
        asciiLower(e.name).startsWith(storagePrefix)
      ) {
        // Source-range pickles the TorchScript runtime reads (plain unpickling, no persistent ids).
        await ctx.analyzePickle(
          entrySrc,
          0,
          entrySrc.size,
          { persistentLoad: false, joblibArrays: false },
          'torchscript',
        );
        continue;
      }
      if (layout) {
        // torch.load and torch.jit.load never need native code from the archive; a library here is a custom
        // operator (or something posing as one) shipped with the model.
        const native = nativeBinary(entrySrc);
        if (native) ctx.native({ location: entrySrc.location, container: `torch ${layout.kind} zip`, ...native });
      }
      await ctx.scanChild(entrySrc);
    }
    if (codeFiles.length > 0) await ctx.torchScriptCode(src.location, codeFiles, stored?.result());
    reader.finish();
    if (anomalies.length)
      ctx.container({ location: src.location, format: layout ? `torch ${layout.kind} zip` : 'zip', anomalies });
    return true;
  },
};

/** Keras 3 `.keras` archives: config.json and metadata.json at the root (saving_lib's layout). */
function isKerasArchive(names: readonly string[]): boolean {
  return names.includes('config.json') && names.includes('metadata.json');
}

function packageLoader(pkg: TorchPackageLayout): LoaderModel {
  return {
    persistentLoad: true,
    joblibArrays: false,
    checkPersistentId: (pid: PersistentIdFact) => checkPackagePersistentId(pid, pkg),
  };
}

/** PackageExporter pickles at protocol 3: a pickle resource starts with PROTO. */
function startsWithProto(src: ByteSource): boolean {
  const h = src.read(0, 2);
  return h.length === 2 && h[0] === 0x80 && h[1]! <= 5;
}

function startsWithZipRecord(head: Uint8Array): boolean {
  return head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}

function contextName(layout: TorchZipLayout): string {
  return layout.kind === 'checkpoint' ? 'torch-zip' : 'torchscript';
}

function torchLoader(
  layout: TorchZipLayout,
  listed: ReadonlyMap<string, ZipEntry>,
  rec: string,
  src: ByteSource,
): LoaderModel {
  // torch.jit.load reads the tensors of constants.pkl from constants/ and those of data.pkl from data/.
  const dirs =
    rec === 'constants.pkl'
      ? ['constants/', 'data/']
      : rec === 'traced_inputs.pkl'
        ? ['traced_inputs/']
        : ['data/', 'constants/'];
  return {
    persistentLoad: true,
    joblibArrays: false,
    checkPersistentId: (pid: PersistentIdFact) =>
      checkZipPersistentId(
        pid,
        layout,
        (entry) => listed.get(entry)?.uncompressedSize,
        layout.kind === 'checkpoint' ? ['data/'] : dirs,
      ),
    readStorage: (key, start, length) => storageBytes(src, layout, listed, dirs, key, start, length),
    // torch.jit.load (and the mobile loader) rebuild tensors in native code; torch.load's Python rebuild checks.
    unguardedViews: layout.kind !== 'checkpoint',
    // torch.jit.load's C++ unpickler frees its generic lists, tuples and dicts recursively (no trashcan).
    nativeContainers: layout.kind !== 'checkpoint',
    ...(rec === 'traced_inputs.pkl' && layout.kind !== 'checkpoint'
      ? { readOnRequest: 'torch.jit.load reads traced_inputs.pkl only when called with _restore_shapes=True' }
      : {}),
  };
}

/**
 * A few bytes of a storage record, read in place: torch.jit.save stores records uncompressed. A compressed or
 * encrypted record is not inflated here (the caller reports the value as unread).
 */
function storageBytes(
  src: ByteSource,
  layout: TorchZipLayout,
  listed: ReadonlyMap<string, ZipEntry>,
  dirs: readonly string[],
  key: string,
  start: number,
  length: number,
): Uint8Array | string {
  let name: string | undefined;
  for (const d of dirs) name ??= torchRecord(layout, d + key);
  const e = name === undefined ? undefined : listed.get(name);
  if (e === undefined) return 'the archive has no such record';
  if (e.method !== 0 || ((e.flags | (e.localFlags ?? 0)) & 1) !== 0 || e.compressedSize !== e.uncompressedSize)
    return 'the record is compressed or encrypted (torch stores records uncompressed)';
  if (start < 0 || start + length > e.uncompressedSize || e.dataOffset + start + length > src.size)
    return 'the record ends before the element';
  return src.read(e.dataOffset + start, length);
}

/** `<root>/data/<key>`, `<root>/constants/<key>` or `<root>/traced_inputs/<key>` (ASCII case ignored) for a referenced key; prefix = lower root + '/'. */
function isStorageRecord(name: string, prefix: string, referenced: ReadonlySet<string>): boolean {
  const lower = asciiLower(name);
  if (!lower.startsWith(prefix)) return false;
  const at = prefix.length;
  if (lower.startsWith('data/', at) && referenced.has(lower.slice(at + 5))) return true;
  if (lower.startsWith('traced_inputs/', at) && referenced.has(lower.slice(at + 14))) return true;
  return lower.startsWith('constants/', at) && referenced.has(lower.slice(at + 10));
}

/**
 * The record a zip entry is for torch's TorchScript importer, when it is a code file: `code/<module path>.py`.
 * torch's reader (miniz's mz_zip_reader_locate_file with no flags) compares the whole name, root included, with ASCII
 * case ignored and no other normalisation, so `ARCHIVE/CODE/__torch__.PY` is the file the importer reads for
 * `code/__torch__.py`. The path keeps the entry's spelling of the module part; the classes and functions it defines
 * are matched to the names code refers to with case ignored, as the reader matches them.
 */
function codeRecordPath(name: string, layout: TorchZipLayout): string | undefined {
  const lower = asciiLower(name);
  const prefix = asciiLower(layout.root) + '/code/';
  if (!lower.startsWith(prefix) || !lower.endsWith('.py')) return undefined;
  return 'code/' + name.slice(prefix.length, name.length - 3) + '.py';
}

/**
 * Opens entries, turning per-entry failures into coverage facts so one bad entry never stops the others. Every open
 * checks the file's deadline and inflates under what is left of maxTotalBytes, so a zip of thousands of entries
 * ends on time. Entries whose data overlaps another entry's (a zip bomb: many directory records onto one deflate
 * stream, or each entry's header quoted inside the previous entry's data) are not inflated one by one: records with
 * the same data are read once, and overlapping spans are reported and left unread (readZip's OVERLAPPING_ENTRIES is
 * the ARCHIVE-TAMPER finding), except where torch unpickles the entry.
 */
class EntryReader {
  private readonly sameData = new Map<ZipEntry, ZipEntry>();
  private readonly overlapped = new Set<ZipEntry>();
  private outOfTime = false;
  private readonly notInflated: string[] = [];

  constructor(
    private readonly src: ByteSource,
    private readonly zip: ZipArchive,
    private readonly ctx: UnitContext,
    private readonly anomalies: ContainerAnomaly[],
  ) {
    planOverlaps(zip.entries, this.sameData, this.overlapped);
  }

  /** One coverage fact for all entries left unread because they overlap (a bomb has thousands). */
  finish(): void {
    const n = this.notInflated.length;
    if (n === 0) return;
    const names = this.notInflated.slice(0, 5).map((x) => JSON.stringify(x));
    this.ctx.incomplete({
      location: this.src.location,
      kind: 'corrupt',
      reason:
        `${n} entr${n === 1 ? 'y' : 'ies'} not inflated: their data overlaps other entries (a zip bomb construction): ` +
        names.join(', ') +
        (n > names.length ? `, … (${n - names.length} more)` : ''),
    });
  }

  async open(e: ZipEntry, evenIfOverlapped = false): Promise<ByteSource | undefined> {
    const ctx = this.ctx;
    const location = child(this.src.location, entrySegment(e.name));
    if (this.outOfTime) return undefined;
    if (Date.now() > ctx.deadline) {
      this.outOfTime = true;
      ctx.incomplete({
        location: this.src.location,
        kind: 'limit',
        limit: 'maxFileSeconds',
        reason: `time budget for this file exhausted at zip entry ${JSON.stringify(e.name)}; it and the entries after it were not read`,
      });
      return undefined;
    }
    const first = this.sameData.get(e);
    if (first !== undefined && !evenIfOverlapped) return undefined; // the same bytes, read under first.name
    if (this.overlapped.has(e) && !evenIfOverlapped) {
      this.notInflated.push(e.name);
      return undefined;
    }
    const remaining = ctx.remainingBytes();
    const cap = Math.min(ctx.limits.maxEntryBytes, remaining);
    try {
      const opened = await openEntryBounded(this.src, this.zip, e, {
        maxOutputBytes: cap,
        maxRatio: ctx.limits.maxRatio,
        ratioGraceBytes: ctx.limits.ratioGraceBytes,
      });
      this.anomalies.push(...opened.anomalies);
      if (e.method !== 0) ctx.charge(opened.source.size);
      return opened.source;
    } catch (err) {
      if (err instanceof LimitError) {
        // Output inflated before the limit was still work done: it counts against maxTotalBytes (which throws
        // when exhausted, ending the archive), so a nested bomb cannot fail leaf after leaf at full cost.
        if (err.spentBytes > 0) ctx.charge(err.spentBytes);
        const total = err.limit === 'maxEntryBytes' && cap < ctx.limits.maxEntryBytes;
        ctx.incomplete({
          location,
          kind: 'limit',
          limit: total ? 'maxTotalBytes' : err.limit,
          reason: total ? `only ${remaining} bytes left of maxTotalBytes for this file: ${err.message}` : err.message,
        });
      } else if (err instanceof EncryptedError) ctx.incomplete({ location, kind: 'encrypted', reason: err.message });
      else if (err instanceof UnsupportedError) ctx.incomplete({ location, kind: 'unsupported', reason: err.message });
      else if (err instanceof CorruptError) ctx.incomplete({ location, kind: 'corrupt', reason: err.message });
      else throw err;
      return undefined;
    }
  }
}

/**
 * Entries with the same data span as an earlier entry (→ that entry), and entries whose span [local header, end)
 * overlaps a different entry's span.
 */
function planOverlaps(
  entries: readonly ZipEntry[],
  sameData: Map<ZipEntry, ZipEntry>,
  overlapped: Set<ZipEntry>,
): void {
  // Entries by data offset (a number key: no key string per entry); same data = same offset, size and method.
  const byData = new Map<number, ZipEntry[]>();
  const spans: ZipEntry[] = [];
  let sorted = true;
  for (const e of entries) {
    if (!e.hasLocalHeader || e.isDirectory) continue;
    const atOffset = byData.get(e.dataOffset);
    let first: ZipEntry | undefined;
    if (atOffset !== undefined) {
      for (const x of atOffset) {
        if (x.compressedSize === e.compressedSize && x.method === e.method) {
          first = x;
          break;
        }
      }
    }
    if (first !== undefined) sameData.set(e, first);
    else {
      if (atOffset === undefined) byData.set(e.dataOffset, [e]);
      else atOffset.push(e);
      if (spans.length > 0 && spans[spans.length - 1]!.localHeaderOffset > e.localHeaderOffset) sorted = false;
      spans.push(e);
    }
  }
  // Writers list entries in file order: the sort only runs when they do not.
  if (!sorted) spans.sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  let reach: ZipEntry | undefined;
  for (const e of spans) {
    if (reach !== undefined && e.localHeaderOffset < reach.endOffset) {
      overlapped.add(e);
      overlapped.add(reach);
    }
    if (reach === undefined || e.endOffset > reach.endOffset) reach = e;
  }
  for (const [e, first] of sameData) if (overlapped.has(first)) overlapped.add(e);
}

/** `version` (and `.data/version`) must be an integer torch supports; `byteorder` must be little or big. */
function checkTorchRecords(
  src: ByteSource,
  listed: ReadonlyMap<string, ZipEntry>,
  layout: TorchZipLayout,
  anomalies: ContainerAnomaly[],
): void {
  const text = (rec: string): string | undefined => {
    const name = torchRecord(layout, rec);
    const e = name === undefined ? undefined : listed.get(name);
    if (!e || e.method !== 0 || e.compressedSize > 64) return undefined;
    return new TextDecoder('latin1').decode(src.read(e.dataOffset, e.compressedSize));
  };
  const version = text('version') ?? text('.data/version');
  if (version === undefined) {
    anomalies.push({
      code: 'TORCH_VERSION_MISSING',
      message: 'no version record: torch refuses to load this archive',
      entry: layout.root + '/version',
    });
  } else if (!TEXT_VERSION.test(version)) {
    anomalies.push({
      code: 'TORCH_VERSION_INVALID',
      message: `version record is ${JSON.stringify(version)}, not an integer`,
      entry: layout.root + '/version',
    });
  }
  const byteorder = text('byteorder');
  if (byteorder !== undefined && byteorder !== 'little' && byteorder !== 'big') {
    anomalies.push({
      code: 'TORCH_BYTEORDER_INVALID',
      message: `byteorder record is ${JSON.stringify(byteorder)}`,
      entry: layout.root + '/byteorder',
    });
  }
  for (const name of layout.outsideRoot) {
    anomalies.push({
      code: 'TORCH_ENTRY_OUTSIDE_ROOT',
      message: `entry is outside the archive root folder '${layout.root}': torch never reads it, other tools may`,
      entry: name,
    });
  }
}

/** True when [start, start + length) of `src` holds a ZIP record signature (`PK` then 1 2, 3 4, 5 6, 6 6, 6 7 or 7 8). */
function holdsZipRecord(src: ByteSource, start: number, length: number): boolean {
  const b = src.read(start, length);
  for (let i = b.indexOf(0x50); i >= 0 && i + 3 < b.length; i = b.indexOf(0x50, i + 1)) {
    if (b[i + 1] !== 0x4b) continue;
    const x = b[i + 2]!;
    const y = b[i + 3]!;
    if ((y === x + 1 && (x === 1 || x === 3 || x === 5 || x === 6 || x === 7)) || (x === 6 && y === 6)) return true;
  }
  return false;
}
