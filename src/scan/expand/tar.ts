// tar archives (also .tgz/.tar.bz2/.tar.xz once the compression layer is peeled): members are read as zero-copy
// slices, listed the way Python's tarfile lists them (plus members a resyncing reader finds, marked hidden), links
// and devices are reported, never followed. PyTorch 0.1.1 tar checkpoints are walked member by member the way
// torch's legacy_load reads them.
import type { LoaderModel } from '../../analyzers/pickle/vm.js';
import { CorruptError, EncryptedError, LimitError, UnsupportedError } from '../../core/errors.js';
import { child, entrySegment } from '../../core/location.js';
import { isLegacyTorchTar, resultInt, storageArgsElementSize } from '../../analyzers/pytorch/legacy-tar.js';
import { looksLikeTar, openTarEntry, readTar, type TarEntry } from '../../formats/tar/index.js';
import { looksLikeZip, readZip } from '../../formats/zip/index.js';
import type { ByteSource } from '../../sources/byte-source.js';
import type { ContainerAnomaly, Expander, UnitContext } from './context.js';
import { zipExpander } from './zip.js';

/** legacy_load's persistent_load accepts tuples (container sources) and storage/tensor keys. */
const LEGACY_TAR_TORCH: LoaderModel = { persistentLoad: true, joblibArrays: false };

export const tarExpander: Expander = {
  id: 'tar',
  detect: (_head, src) => looksLikeTar(src),
  async expand(src, ctx) {
    const tar = readTar(src, { maxEntries: ctx.limits.maxEntries });
    const anomalies: ContainerAnomaly[] = [...tar.anomalies];
    const listed = tar.entries.filter((e) => !e.hidden && (e.type === 'file' || e.type === 'contiguous'));
    ctx.memberRanges(listed.map((e) => [e.dataOffset, e.dataOffset + e.dataLength]));
    const legacy = isLegacyTorchTar(listed.map((e) => e.name));
    ctx.format(legacy ? 'torch-legacy-tar' : 'tar');
    for (const e of tar.entries) {
      if (!(e.type === 'file' || e.type === 'contiguous' || e.type === 'unknown' || e.type === 'sparse')) continue;
      const member = open(src, e, ctx);
      if (!member) continue;
      if (legacy && !e.hidden && (e.name === 'storages' || e.name === 'tensors' || e.name === 'pickle')) {
        await legacyMember(e.name, member, ctx, anomalies);
      } else await ctx.scanChild(member);
    }
    await zipView(src, tar.entries, ctx, anomalies);
    if (anomalies.length)
      ctx.container({ location: src.location, format: legacy ? 'torch legacy tar' : 'tar', anomalies });
    return true;
  },
};

/**
 * A tar that Python's zipfile would also open (its end-of-central-directory search finds a record near the end).
 * When the zip lies inside one member, it is that member's zip, already scanned. Otherwise the file is a tar/zip
 * polyglot: ARCHIVE-TAMPER, and every entry zipfile would read is scanned too.
 */
async function zipView(
  src: ByteSource,
  entries: readonly TarEntry[],
  ctx: UnitContext,
  anomalies: ContainerAnomaly[],
): Promise<void> {
  if (!looksLikeZip(src)) return;
  let zip;
  try {
    zip = readZip(src, { maxEntries: ctx.limits.maxEntries });
  } catch (err) {
    if (err instanceof CorruptError) return; // no zip reader could open it either
    throw err;
  }
  // What zipfile reads: the listed entries' local headers through the end record (unlisted local headers of
  // other members do not count).
  let start = Math.min(zip.eocdOffset, zip.centralDirectoryOffset);
  for (const e of zip.entries) if (!e.hidden && e.localHeaderOffset < start) start = e.localHeaderOffset;
  const end = src.size - zip.trailingBytes;
  if (entries.some((e) => start >= e.dataOffset && end <= e.dataOffset + e.dataLength)) return;
  anomalies.push({
    code: 'TAR_ZIP_POLYGLOT',
    message: `bytes ${start}..${end} are a zip that spans tar headers or members (zipfile reads a different archive)`,
    offset: start,
  });
  await zipExpander.expand(src, ctx);
}

function open(src: ByteSource, e: TarEntry, ctx: UnitContext): ByteSource | undefined {
  const location = child(src.location, entrySegment(e.name));
  try {
    return openTarEntry(src, e);
  } catch (err) {
    if (err instanceof UnsupportedError) ctx.incomplete({ location, kind: 'unsupported', reason: err.message });
    else if (err instanceof LimitError)
      ctx.incomplete({ location, kind: 'limit', limit: err.limit, reason: err.message });
    else if (err instanceof EncryptedError || err instanceof CorruptError)
      ctx.incomplete({ location, kind: 'corrupt', reason: err.message });
    else throw err;
    return undefined;
  }
}

/** Reads one pickle at `pos` (scanned by the rules) and returns it. */
async function pickleAt(src: ByteSource, pos: number, ctx: UnitContext) {
  const { runs } = await ctx.analyzePickle(src, pos, src.size, LEGACY_TAR_TORCH, 'torch-legacy', undefined, 1);
  return runs[0]!;
}

function u64le(src: ByteSource, pos: number): number | undefined {
  const b = src.read(pos, 8);
  if (b.length < 8) return undefined;
  const v = new DataView(b.buffer, b.byteOffset, 8).getBigInt64(0, true);
  return v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(v);
}

async function legacyMember(
  name: string,
  src: ByteSource,
  ctx: UnitContext,
  anomalies: ContainerAnomaly[],
): Promise<void> {
  const bad = (message: string, offset: number): void => {
    anomalies.push({ code: 'LEGACY_TAR_LAYOUT', message: `${name}: ${message}`, entry: name, offset });
  };
  if (name === 'pickle') {
    await ctx.analyzePickle(src, 0, src.size, LEGACY_TAR_TORCH, 'torch-legacy');
    return;
  }
  let run = await pickleAt(src, 0, ctx);
  const count = resultInt(run.result);
  if (!run.stopped || count === undefined) return bad('the count pickle did not return an integer', 0);
  let pos = run.end;
  for (let i = 0; i < count; i++) {
    run = await pickleAt(src, pos, ctx);
    if (!run.stopped) return bad(`record ${i} is not a complete pickle`, pos);
    pos = run.end;
    if (name === 'storages') {
      const size = storageArgsElementSize(run.result);
      const numel = u64le(src, pos);
      if (size === undefined || numel === undefined || pos + 8 + numel * size > src.size) {
        return bad(`storage ${i} header cannot be followed`, pos);
      }
      pos += 8 + numel * size;
    } else {
      const head = src.read(pos, 4);
      const ndim = head.length === 4 ? new DataView(head.buffer, head.byteOffset, 4).getInt32(0, true) : -1;
      if (ndim < 0 || ndim > 64 || pos + 8 + 16 * ndim + 8 > src.size)
        return bad(`tensor ${i} header cannot be followed`, pos);
      pos += 8 + 16 * ndim + 8;
    }
  }
  if (name === 'storages') {
    run = await pickleAt(src, pos, ctx);
    if (!run.stopped) return bad('the storage-views pickle is incomplete', pos);
    pos = run.end;
  }
  if (pos < src.size) bad(`${src.size - pos} byte(s) after the last record that torch never reads`, pos);
}
