// Lists a tar archive over a ByteSource the way CPython's tarfile does (ustar, v7, GNU long names and sparse
// headers, pax local and global records, base-256 numbers, signed/unsigned checksums), reading headers only.
// Where tarfile stops silently (bad header mid-archive, end-of-archive block) the rest is resynced and exposed
// as hidden members, so that nothing a different tar reader could extract goes unscanned.
import { CorruptError, LimitError } from '../../core/errors.js';
import type { ByteSource } from '../../sources/byte-source.js';
import { ByteWindow } from '../zip/byte-window.js';
import { entryPathFindings } from '../zip/entry-path.js';
import { paxInt, parsePaxRecords } from './pax-records.js';
import { BLOCK, FIELDS, blocks, field, isZeroBlock, nti, nts, parseHeader, type RawHeader } from './tar-header.js';
import type { TarAnomaly, TarArchive, TarEntry, TarEntryType } from './tar-types.js';

export interface ReadTarOptions {
  maxEntries: number;
}

/** GNU long names and pax headers larger than this are refused (tarfile reads them whole into memory). */
const MAX_META_BYTES = 1024 * 1024;

const TYPES: Record<string, TarEntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'contiguous',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char-device',
  '4': 'block-device',
  '5': 'directory',
  '6': 'fifo',
  S: 'sparse',
};
/** Types whose data tarfile skips: REGULAR_TYPES and anything it does not know. */
function skipsData(typeflag: string): boolean {
  return !(typeflag in TYPES) || typeflag === '0' || typeflag === '\0' || typeflag === '7' || typeflag === 'S';
}

/** One step of a header chain (pax / GNU long-name headers) that applies to the member that follows. */
type ChainStep =
  | { kind: 'pax'; records: [string, string][] }
  | { kind: 'longname'; value: string; raw: Uint8Array }
  | { kind: 'longlink'; value: string; raw: Uint8Array };

/**
 * Lists the members. Throws CorruptError when tarfile could not open the archive (bad first header),
 * LimitError('maxEntries') past the entry budget. Everything else is reported in `anomalies`.
 */
export function readTar(src: ByteSource, opts: ReadTarOptions): TarArchive {
  const win = new ByteWindow(src);
  const entries: TarEntry[] = [];
  const anomalies: TarAnomaly[] = [];
  const global = new Map<string, string>();
  let chain: ChainStep[] = [];
  let chainStart = -1;
  let hidden = false;
  let hiddenReason = '';
  let endOfArchive = -1;
  let offset = 0;
  const block = (at: number): Uint8Array => win.get(at, BLOCK);

  if (src.size === 0) throw new CorruptError('tar: empty file');
  while (offset < src.size) {
    const b = block(offset);
    if (b.length < BLOCK) {
      if (!isZeroBlock(b)) {
        if (offset === 0) throw new CorruptError('tar: truncated header');
        if (!hidden)
          anomalies.push({
            code: 'TRUNCATED_ARCHIVE',
            message: `partial ${b.length}-byte header block at the end`,
            offset,
          });
      }
      break;
    }
    if (isZeroBlock(b)) {
      if (chain.length > 0 && !hidden) {
        anomalies.push({
          code: 'INVALID_HEADER',
          message: 'a pax or GNU long-name header is followed by the end-of-archive block (tarfile raises ReadError)',
          offset,
        });
        chain = [];
      }
      if (!hidden) endOfArchive = offset;
      const next = firstNonZero(src, offset + BLOCK);
      if (next < 0) break;
      if (!hidden) {
        anomalies.push({
          code: 'TRAILING_DATA',
          message: `non-zero bytes at ${next}, after the end-of-archive block at ${offset} (tarfile stops at the first zero block)`,
          offset: next,
        });
        hidden = true;
        hiddenReason = 'it follows the end-of-archive block';
      }
      offset = next - (next % BLOCK);
      continue;
    }

    const parsed = parseHeader(b);
    let header: RawHeader;
    if (parsed.ok) {
      header = parsed.header;
    } else {
      if (offset === 0)
        throw new CorruptError(
          parsed.reason === 'checksum'
            ? 'tar: bad checksum at offset 0'
            : `tar: checksum-valid header at offset 0 whose numbers cannot be read (${parsed.detail}); GNU tar reads the member anyway`,
          0,
        );
      if (hidden) {
        // Resyncing: only checksum-valid headers are believed.
        offset += BLOCK;
        continue;
      }
      anomalies.push({
        code: parsed.reason === 'checksum' ? 'BAD_CHECKSUM' : 'INVALID_HEADER',
        message: `${parsed.detail} at ${offset}: tarfile silently ends the archive here; later members are hidden from it`,
        offset,
      });
      hidden = true;
      hiddenReason = `it follows the broken header at ${offset}`;
      chain = [];
      if (!parsed.header) {
        offset += BLOCK;
        continue;
      }
      header = parsed.header;
    }

    const t = header.typeflag;
    if (t === 'L' || t === 'K' || t === 'x' || t === 'X' || t === 'g') {
      if (header.size > MAX_META_BYTES) {
        throw new LimitError(
          'maxEntryBytes',
          `tar: ${header.size}-byte ${t === 'L' || t === 'K' ? 'GNU long name' : 'pax header'} at ${offset}`,
        );
      }
      const data = win.get(offset + BLOCK, header.size).slice();
      // tarfile reports a member at its first long-name or local pax header; global headers do not count.
      if (chainStart < 0 && t !== 'g') chainStart = offset;
      if (t === 'L' || t === 'K') {
        const raw = data.subarray(0, data.indexOf(0) < 0 ? data.length : data.indexOf(0));
        chain.push(
          t === 'L' ? { kind: 'longname', value: nts(data), raw } : { kind: 'longlink', value: nts(data), raw },
        );
      } else {
        // tarfile reads the whole padded block run, so records end at the first NUL or the last block.
        const records = parsePaxRecords(win.get(offset + BLOCK, blocks(header.size)).slice());
        if (!records) {
          if (!hidden) {
            anomalies.push({
              code: 'INVALID_HEADER',
              message: `malformed pax record in the header at ${offset}: tarfile ends the archive here`,
              offset,
            });
            hidden = true;
            hiddenReason = `it follows the malformed pax header at ${offset}`;
          }
          chain = [];
          chainStart = -1;
          offset += BLOCK + blocks(header.size);
          continue;
        }
        if (t === 'g') for (const [k, v] of records) global.set(k, v);
        else chain.push({ kind: 'pax', records });
      }
      offset += BLOCK + blocks(header.size);
      continue;
    }

    if (entries.length >= opts.maxEntries)
      throw new LimitError('maxEntries', `tar: more than ${opts.maxEntries} members`);
    const { entry, next } = buildMember(
      src,
      win,
      header,
      offset,
      chainStart < 0 ? offset : chainStart,
      chain,
      global,
      entries.length,
      anomalies,
    );
    chain = [];
    chainStart = -1;
    if (hidden) {
      entry.hidden = true;
      anomalies.push({
        code: 'HIDDEN_MEMBER',
        message: `member ${JSON.stringify(entry.name)} is not listed by tarfile because ${hiddenReason}; other tar readers may extract it`,
        entry: entry.name,
        offset: entry.headerOffset,
      });
    }
    entries.push(entry);
    offset = next;
  }
  if (chain.length > 0 && !hidden) {
    anomalies.push({
      code: 'TRUNCATED_ARCHIVE',
      message: 'archive ends inside a pax or GNU long-name header chain',
      offset,
    });
  }
  reportEntries(entries, anomalies);
  return { entries, anomalies, endOfArchive };
}

function buildMember(
  src: ByteSource,
  win: ByteWindow,
  h: RawHeader,
  offset: number,
  headerOffset: number,
  chain: ChainStep[],
  global: Map<string, string>,
  index: number,
  anomalies: TarAnomaly[],
): { entry: TarEntry; next: number } {
  // frombuf: v7 directories are regular files named "x/"; prefix joins unless the type is a GNU one.
  let typeflag = h.typeflag;
  if (typeflag === '\0' && h.name.endsWith('/')) typeflag = '5';
  let name = h.name;
  let rawName: Uint8Array = h.rawName;
  if (typeflag === '5') name = name.replace(/\/+$/, '');
  if (h.prefix && !'LKS'.includes(typeflag)) {
    name = h.prefix + '/' + name;
    rawName = new Uint8Array([...h.prefixRaw, 0x2f, ...h.rawName]);
  }
  let linkName = h.linkName;
  let size = h.size;
  let dataOffset = offset + BLOCK;
  let skip = skipsData(typeflag) ? blocks(h.size) : 0;
  let sparse = typeflag === 'S';

  if (sparse) {
    // Old GNU sparse: extension blocks follow while the "isextended" byte is set; size becomes the real size.
    let extended = win.get(offset, BLOCK)[FIELDS.gnuIsExtended[0]] !== 0;
    while (extended && dataOffset + BLOCK <= src.size) {
      extended = win.get(dataOffset, BLOCK)[504] !== 0;
      dataOffset += BLOCK;
    }
    skip = blocks(h.size);
    size = nti(field(win.get(offset, BLOCK), FIELDS.gnuRealSize)) ?? h.size;
  }
  const stored = h.size;

  // _proc_builtin applies the global pax records to every member.
  const pax = new Map<string, string>();
  const applyPax = (records: Iterable<[string, string]>): void => {
    for (const [k, v] of records) {
      pax.set(k, v);
      if (k === 'GNU.sparse.name') name = v;
      else if (k === 'GNU.sparse.size' || k === 'GNU.sparse.realsize') size = paxInt(v);
      else if (k === 'path') name = v.replace(/\/+$/, '');
      else if (k === 'linkpath') linkName = v;
      else if (k === 'size') size = paxInt(v);
      if (k === 'path' || k === 'GNU.sparse.name') rawName = new TextEncoder().encode(name);
    }
  };
  applyPax(global);
  // Header chain steps apply innermost first: the step closest to the member header wraps it first.
  for (let i = chain.length - 1; i >= 0; i--) {
    const step = chain[i]!;
    if (step.kind === 'longname') {
      name = step.value;
      rawName = step.raw;
      if (typeflag === '5') name = name.replace(/\/$/, '');
    } else if (step.kind === 'longlink') {
      linkName = step.value;
    } else {
      const merged = new Map(global);
      for (const [k, v] of step.records) merged.set(k, v);
      applyPax(merged);
      if (merged.has('size') && skipsData(typeflag)) skip = blocks(Math.max(0, size));
    }
  }
  if ([...pax.keys()].some((k) => k.startsWith('GNU.sparse.'))) sparse = true;
  if (size < 0) size = 0;

  const type: TarEntryType = sparse ? 'sparse' : (TYPES[typeflag] ?? 'unknown');
  const readable = type === 'file' || type === 'contiguous' || type === 'unknown';
  const wanted = readable ? size : 0;
  const dataLength = Math.max(0, Math.min(wanted, src.size - dataOffset));
  const entry: TarEntry = {
    name,
    rawName,
    typeflag,
    type,
    size,
    dataOffset,
    dataLength,
    headerOffset,
    mode: h.mode,
    mtime: h.mtime,
    index,
  };
  if (linkName) entry.linkName = linkName;
  if (pax.size > 0) entry.paxHeaders = Object.fromEntries(pax);
  const push = (code: TarAnomaly['code'], message: string, at = headerOffset): void => {
    anomalies.push({ code, message, entry: name, offset: at });
  };
  if (dataOffset + (readable || sparse ? stored : 0) > src.size) {
    push(
      'TRUNCATED_ARCHIVE',
      `data [${dataOffset}, ${dataOffset + stored}) runs past the end of the ${src.size}-byte archive (tarfile raises ReadError)`,
      dataOffset,
    );
  }
  if (!skipsData(typeflag) && h.size > 0) {
    push(
      'NONREGULAR_WITH_SIZE',
      `${type} header carries size ${h.size}: tarfile ignores it and reads the next header right after, readers that skip ${blocks(h.size)} bytes see different members`,
    );
  }
  return { entry, next: dataOffset + skip };
}

/** Symlinks followed at most while resolving one path (the kernel's limit is 40). */
const MAX_LINK_HOPS = 40;
/** Path parts resolved at most over one archive's links; a link not judged within it is reported. */
const MAX_LINK_STEPS = 4_000_000;

/**
 * Where `path` (relative to the extraction folder) lands once the symlinks extracted so far are followed, as
 * os.path.realpath resolves it: the path's parts inside the folder, or undefined when it leaves the folder (a `..`
 * past its top, an absolute link target, or more than MAX_LINK_HOPS links).
 */
function resolveInside(
  path: string,
  links: ReadonlyMap<string, string>,
  budget: { steps: number },
): string[] | undefined {
  const done: string[] = [];
  const todo = path.split('/').reverse();
  let hops = 0;
  while (todo.length) {
    if (--budget.steps < 0) return undefined;
    const part = todo.pop()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (!done.length) return undefined;
      done.pop();
      continue;
    }
    const target = links.get([...done, part].join('/'));
    if (target === undefined) {
      done.push(part);
      continue;
    }
    if (++hops > MAX_LINK_HOPS || unsafeLinkTarget(target)) return undefined;
    for (const p of target.split('/').reverse()) todo.push(p);
  }
  return done;
}

/** A link target that is absolute on some system: a leading separator, a drive letter, or a backslash. */
function unsafeLinkTarget(target: string): boolean {
  return target.startsWith('/') || /^[A-Za-z]:/.test(target) || target.includes('\\');
}

/**
 * Symlink members judged as extraction with tarfile's 'data' filter (the default from Python 3.14, and what
 * huggingface_hub and careful loaders pass) judges them: a link whose target, resolved from the link's folder through
 * the links extracted before it, stays inside the extraction folder is allowed (a model's `latest -> v1`, the
 * snapshots of a Hugging Face cache pointing into its blobs); an absolute target or one that leaves the folder is
 * reported, and so is a link that leaves it once every link of the archive is in place (a later member can change
 * what an earlier link's path goes through). An unfiltered extraction writes through such a link.
 */
function symlinkFindings(entries: readonly TarEntry[]): Map<TarEntry, string> {
  const out = new Map<TarEntry, string>();
  const links = new Map<string, string>();
  const key = (name: string): string =>
    name
      .replace(/^\/+/, '')
      .split('/')
      .filter((p) => p && p !== '.')
      .join('/');
  const budget = { steps: MAX_LINK_STEPS };
  const judge = (e: TarEntry, all: Map<string, string>): string | undefined => {
    const target = e.linkName ?? '';
    if (unsafeLinkTarget(target)) return `symlink to the absolute path ${JSON.stringify(target)}`;
    const name = key(e.name);
    const dir = name.split('/').slice(0, -1).join('/');
    // The link itself is not in place while its own target is resolved.
    const own = all.get(name);
    all.delete(name);
    const inside = resolveInside(dir ? `${dir}/${target}` : target, all, budget);
    if (own !== undefined) all.set(name, own);
    if (budget.steps < 0)
      return `symlink to ${JSON.stringify(target)} not resolved within ${MAX_LINK_STEPS} path steps over the archive's links`;
    if (!inside)
      return `symlink to ${JSON.stringify(target)} resolves outside the extraction folder (tarfile's data filter refuses it; an unfiltered extraction writes through it)`;
    return undefined;
  };
  for (const e of entries) {
    // A file or folder extracted over a link is written through it: the link stays.
    if (e.type !== 'symlink') continue;
    const why = judge(e, links);
    if (why) out.set(e, why);
    links.set(key(e.name), e.linkName ?? '');
  }
  for (const e of entries) {
    if (e.type !== 'symlink' || out.has(e) || links.get(key(e.name)) !== (e.linkName ?? '')) continue;
    const why = judge(e, links);
    if (why) out.set(e, `${why}, once every link of the archive is extracted`);
  }
  return out;
}

function reportEntries(entries: TarEntry[], anomalies: TarAnomaly[]): void {
  const seen = new Map<string, TarEntry>();
  const escaping = symlinkFindings(entries);
  for (const e of entries) {
    const push = (code: TarAnomaly['code'], message: string): void => {
      anomalies.push({ code, message, entry: e.name, offset: e.headerOffset });
    };
    const link = escaping.get(e);
    if (link) push('SYMLINK_ENTRY', `${link} (reported, never followed)`);
    if (e.type === 'hardlink')
      push(
        'HARDLINK_ENTRY',
        `hard link to ${JSON.stringify(e.linkName ?? '')} (tarfile.extractfile follows it; reported, never followed)`,
      );
    if (e.type === 'char-device' || e.type === 'block-device' || e.type === 'fifo')
      push('DEVICE_ENTRY', `${e.type} member`);
    if (e.type === 'sparse')
      push('SPARSE_ENTRY', 'GNU sparse member: its data is stored as a map of fragments, not read here');
    for (const f of entryPathFindings(e.name)) push(f.code, f.message);
    const first = seen.get(e.name);
    if (first)
      push(
        'DUPLICATE_NAME',
        `name also used by member ${first.index} at ${first.headerOffset}: tarfile.getmember() and extraction keep the last one`,
      );
    else seen.set(e.name, e);
  }
}

/** Offset of the first non-zero byte at or after `from`, or -1. */
function firstNonZero(src: ByteSource, from: number): number {
  const chunk = 1024 * 1024;
  for (let p = from; p < src.size; p += chunk) {
    const b = src.read(p, chunk);
    for (let i = 0; i < b.length; i++) if (b[i] !== 0) return p + i;
  }
  return -1;
}
