// One byte-source interface for files on disk and for entries inside containers (stored slices or
// decompressed buffers). Reads are synchronous and random-access; nothing is copied unless needed.
import { closeSync, fstatSync, read, readSync, statSync, type Stats } from 'node:fs';
import { UnsupportedError } from '../core/errors.js';
import type { Location } from '../core/location.js';
import { openConfined, type Confinement } from './confine.js';

export interface ByteSource {
  readonly location: Location;
  /** Total length in bytes. */
  readonly size: number;
  /**
   * Up to `length` bytes starting at `offset` (fewer only at the end of the source). Callers must not
   * modify the returned bytes (in-memory sources return views of their buffer); the bytes stay valid.
   */
  read(offset: number, length: number): Uint8Array;
  /**
   * Reads up to `target.length` bytes starting at `offset` into `target` and returns how many it read (fewer only at
   * the end of the source). Optional: windowed readers refill their own buffer with it, without an intermediate
   * buffer per read.
   */
  readInto?(offset: number, target: Uint8Array): number;
  /**
   * `readInto` off the main thread (files: the I/O thread pool), for streaming copies that overlap reading with
   * other work. Optional.
   */
  readIntoAsync?(offset: number, target: Uint8Array): Promise<number>;
  /**
   * A hint that these ranges will be read soon (a zip's local headers): a remote source fetches them in parallel.
   * Optional; reads behave the same without it.
   */
  prefetch?(ranges: readonly { readonly offset: number; readonly length: number }[]): void;
  /**
   * Whether every range costs a request of its own (a server that answers several ranges with one): readers then
   * leave out reads the verdict does not need. Optional; undefined means no.
   */
  readonly oneRangePerRequest?: boolean;
  /** The whole content when it already sits in memory (zero-copy fast path), else undefined. */
  readonly bytes?: Uint8Array;
}

/** Bytes already in memory (a decompressed entry, a test buffer). */
export class MemorySource implements ByteSource {
  readonly size: number;
  constructor(
    readonly location: Location,
    readonly bytes: Uint8Array,
  ) {
    this.size = bytes.length;
  }
  read(offset: number, length: number): Uint8Array {
    const start = Math.max(0, Math.min(offset, this.size));
    return this.bytes.subarray(start, Math.min(this.size, start + Math.max(0, length)));
  }
}

/** A window [start, start+size) of another source (a stored zip entry, a tar member). */
export class SliceSource implements ByteSource {
  readonly bytes?: Uint8Array;
  constructor(
    readonly location: Location,
    private readonly parent: ByteSource,
    private readonly start: number,
    readonly size: number,
  ) {
    if (parent.bytes) this.bytes = parent.bytes.subarray(start, start + size);
  }
  read(offset: number, length: number): Uint8Array {
    const o = Math.max(0, Math.min(offset, this.size));
    const n = Math.max(0, Math.min(length, this.size - o));
    if (this.bytes) return this.bytes.subarray(o, o + n);
    return this.parent.read(this.start + o, n);
  }
}

/**
 * A file on disk, read with positioned reads; never mapped or loaded whole. Only regular files open: the open never
 * blocks (a FIFO swapped in after the walk looked at the path is refused, not waited on), and `changed()` tells
 * whether the file on disk is no longer the one whose size was taken at open. With a confinement, the opened file is
 * checked to lie inside its folders before anything is read (sources/confine.ts).
 */
export class FileSource implements ByteSource {
  readonly size: number;
  private fd: number;
  private readonly opened: Stats;

  constructor(
    readonly location: Location,
    /** A string, or the path's bytes when a name in it is not UTF-8. */
    private readonly path: string | Uint8Array,
    /** Folders the opened file must lie in, and whether the last name may be a symbolic link. */
    confine?: { readonly within?: Confinement; readonly noFollow?: boolean },
  ) {
    this.fd = openConfined(path, confine?.within, confine?.noFollow ? { noFollow: true } : {});
    try {
      this.opened = fstatSync(this.fd);
      if (!this.opened.isFile()) throw new UnsupportedError(`${notRegular(this.opened)}: not read`, 'not-a-file');
      this.size = this.opened.size;
    } catch (e) {
      closeSync(this.fd);
      throw e;
    }
  }

  /**
   * Why the scanned bytes may not be the file's content any more (size, modification or change time of the open
   * file changed, or the path now names another file), or undefined when nothing changed since the open.
   */
  changed(): string | undefined {
    const was = this.opened;
    // The path first: while it still names the opened file (same device and inode), its status is the open file's
    // own, so one status call answers the common case (each status call builds four Date objects in Node 20). Only
    // when the path names another file or nothing is the open file's own status taken, and the answers keep their
    // order: a changed size or time is told before a changed path.
    let onDisk: Stats | undefined;
    try {
      onDisk = statSync(this.path as string | Buffer);
    } catch {
      onDisk = undefined;
    }
    const samePath = onDisk !== undefined && onDisk.ino === was.ino && onDisk.dev === was.dev;
    let now: Stats;
    if (samePath) now = onDisk!;
    else {
      try {
        now = fstatSync(this.fd);
      } catch (e) {
        return `the file could not be checked after the scan (${(e as Error).message})`;
      }
    }
    if (now.size !== was.size) return `its size changed from ${was.size} to ${now.size} bytes while it was scanned`;
    if (now.mtimeMs !== was.mtimeMs) return 'it was modified while it was scanned';
    // The path naming another file and the path naming nothing get one answer: which of the two happens may depend on
    // a path outside the scan's folders (a folder on the way replaced by a link), which a report must not tell.
    if (!samePath) return 'the path no longer names the file scanned';
    // The change time last (a removed file's changes too): a writer can set the modification time back, not the
    // change time (any write or time change sets it to the present).
    if (now.ctimeMs !== was.ctimeMs) return 'it was modified while it was scanned';
    return undefined;
  }

  read(offset: number, length: number): Uint8Array {
    const o = Math.max(0, Math.min(offset, this.size));
    // A fresh buffer per read: readers may hold several reads at once (zip headers, decoder windows).
    const out = Buffer.allocUnsafe(Math.max(0, Math.min(length, this.size - o)));
    const got = this.readInto(o, out);
    return got === out.length ? out : out.subarray(0, got);
  }

  readInto(offset: number, target: Uint8Array): number {
    const o = Math.max(0, Math.min(offset, this.size));
    const n = Math.max(0, Math.min(target.length, this.size - o));
    let got = 0;
    while (got < n) {
      const r = readSync(this.fd, target, got, n - got, o + got);
      if (r <= 0) break;
      got += r;
    }
    return got;
  }

  readIntoAsync(offset: number, target: Uint8Array): Promise<number> {
    const o = Math.max(0, Math.min(offset, this.size));
    const n = Math.max(0, Math.min(target.length, this.size - o));
    return new Promise((resolve, reject) => {
      const step = (got: number): void => {
        if (got >= n) return resolve(got);
        read(this.fd, target, got, n - got, o + got, (err, r) => {
          if (err) reject(err);
          else if (r <= 0) resolve(got);
          else step(got + r);
        });
      };
      step(0);
    });
  }

  /** The whole file in one buffer (for small files; callers bound the size). */
  readWhole(): Uint8Array {
    const out = Buffer.allocUnsafe(this.size);
    const got = this.readInto(0, out);
    return got === out.length ? out : out.subarray(0, got);
  }

  /** The file's status when it was opened (its size is the size read). */
  openedStat(): Stats {
    return this.opened;
  }

  /** The open file's status (identifies it: device, inode, size, modification time). */
  stat(): Stats {
    return fstatSync(this.fd);
  }

  close(): void {
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
    }
  }
}

/** Reads the whole source into memory (callers enforce size limits first). */
export function readAll(src: ByteSource): Uint8Array {
  if (src.bytes) return src.bytes;
  const out = new Uint8Array(src.size);
  const step = 16 * 1024 * 1024;
  for (let o = 0; o < src.size; o += step) out.set(src.read(o, step), o);
  return out;
}

/** What a non-regular file is, for reports ("a FIFO (named pipe)"). */
export function notRegular(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a directory';
  return 'not a regular file';
}

/**
 * A local regular file read whole through one open (`readWholeFile`): the bytes, the file's status at open, and why
 * the bytes may not be its content any more (`FileSource.changed()` right after the read; undefined: unchanged).
 */
export interface WholeFile {
  readonly path: string;
  /** The folders the file was confined to when it was opened (its companions are held to them too). */
  readonly confine?: Confinement;
  readonly bytes: Uint8Array;
  readonly opened: Stats;
  readonly changed?: string;
}

/**
 * Reads a regular file of at most `maxBytes` whole, the way a scan opens one (FileSource: never blocks, regular files
 * only, inside `confine` when given). Undefined when the path is larger; throws what opening or reading throws (not a regular file, missing).
 */
export function readWholeFile(path: string, maxBytes: number, confine?: Confinement): WholeFile | undefined {
  const src = new FileSource({ chain: [path] }, path, confine?.length ? { within: confine } : undefined);
  try {
    if (src.size > maxBytes) return undefined;
    const bytes = src.readWhole();
    const changed = src.changed();
    return {
      path,
      bytes,
      opened: src.openedStat(),
      ...(changed !== undefined ? { changed } : {}),
      ...(confine?.length ? { confine } : {}),
    };
  } finally {
    src.close();
  }
}
