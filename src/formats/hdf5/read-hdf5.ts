// HDF5 files read with the HDF5 library itself (h5wasm: libhdf5 compiled to WebAssembly, imported only when an
// HDF5 file is met). The library reads through a virtual file whose reads are served from the ByteSource on demand,
// so only the metadata blocks it asks for are read (a multi-GB weights file costs a few kilobytes). What is
// collected: the root group's attributes (Keras keeps `model_config`, `training_config`, `keras_version` there) and
// every link in the file, walked breadth-first without following any, so external links (another file's path) and
// their targets can be judged. A group reached twice (hard links to itself or an ancestor) is walked once, by its
// object address, and the walk stops at a nesting depth. The virtual file system holds nothing else.
import { importEsm } from '../../core/import-esm.js';
import type { ByteSource } from '../../sources/byte-source.js';
import { externalFiles, hdf5Geometry } from './external-files.js';
import { hdf5SuperblockOffset } from './sniff.js';

/** Attribute strings kept (Keras configs of very large models stay well below). */
const MAX_ATTRIBUTE_CHARS = 64 * 1024 * 1024;

export interface Hdf5Link {
  readonly path: string;
  /** `external` (another file), `soft` (a path in this file that does not resolve). */
  readonly kind: 'external' | 'soft';
  /** External links: the file name the library would open. */
  readonly file?: string;
  readonly target: string;
}

/** A dataset whose raw data libhdf5 reads from another file when the dataset is read. */
export interface Hdf5ExternalStorage {
  readonly path: string;
  /** `virtual` (a virtual dataset's source file), `raw` (External Data Files: raw bytes of any file). */
  readonly kind: 'virtual' | 'raw';
  readonly file: string;
  /** Virtual sources: the dataset read in that file. */
  readonly target?: string;
}

export interface Hdf5Summary {
  /** Root attributes: strings (decoded), numbers and booleans; other types by their type name. */
  readonly rootAttributes: Readonly<Record<string, string | number | boolean>>;
  readonly groups: number;
  readonly datasets: number;
  readonly links: readonly Hdf5Link[];
  /** Datasets stored in other files (virtual sources, External Data Files). */
  readonly externalStorage: readonly Hdf5ExternalStorage[];
  /** Datasets whose object header could not be read for External Data Files (path and why). */
  readonly uncheckedStorage: readonly string[];
  /** The walk stopped at maxObjects. */
  readonly truncated: boolean;
  /** Groups nested deeper than MAX_GROUP_DEPTH that were not walked (their links were not checked). */
  readonly tooDeep: number;
  /** Root attributes not kept because they are larger than MAX_ATTRIBUTE_CHARS (never silently dropped). */
  readonly oversizedAttributes: readonly string[];
  /** Root attributes the library listed but could not read (h5py may read them: never silently dropped). */
  readonly unreadableAttributes: readonly string[];
}

/** Group nesting walked: libhdf5 resolves a path one link per level, so deeper paths cost more per object. */
export const MAX_GROUP_DEPTH = 64;

export type Hdf5Read = { ok: true; summary: Hdf5Summary } | { ok: false; error: string };

interface H5Module {
  activate_throwing_error_handler(): number;
  create_object_reference(loc: bigint, name: string): Uint8Array;
  FS: {
    createFile(parent: string, name: string, props: object, canRead: boolean, canWrite: boolean): FsNode;
    unlink(path: string): void;
  };
}
interface FsNode {
  contents: unknown;
  stream_ops: Record<string, unknown> & { llseek?: unknown };
}

let poisoned: string | undefined;
let quiet = false;
let counter = 0;

function attributeValue(v: unknown): string | number | boolean | undefined {
  if (typeof v === 'string') return v.length <= MAX_ATTRIBUTE_CHARS ? v : undefined;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) return v.length <= MAX_ATTRIBUTE_CHARS ? new TextDecoder('utf-8').decode(v) : undefined;
  if (Array.isArray(v) && v.length === 1) return attributeValue(v[0]);
  return undefined;
}

function isOversized(v: unknown): boolean {
  if (typeof v === 'string' || v instanceof Uint8Array) return v.length > MAX_ATTRIBUTE_CHARS;
  return Array.isArray(v) && v.length === 1 && isOversized(v[0]);
}

/** The object's address in the file (an HDF5 object reference): the same group under two paths has one key. */
function objectKey(module: H5Module, fileId: bigint, path: string): string {
  return Buffer.from(module.create_object_reference(fileId, path)).toString('hex');
}

/** libhdf5's error stack as one line: its innermost messages (`unable to read superblock: file signature not found`). */
function shortError(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const msgs = [...text.matchAll(/\(\): ([^\n]+)/g)].map((m) => m[1]!.trim());
  return msgs.length ? msgs.slice(-2).join(': ') : (text.split('\n')[0] ?? text).slice(0, 300);
}

/** Opens `src` with libhdf5 and collects root attributes and links (at most `maxObjects` objects walked). */
export async function readHdf5(src: ByteSource, opts: { maxObjects: number }): Promise<Hdf5Read> {
  if (poisoned) return { ok: false, error: `the HDF5 library failed earlier in this process (${poisoned})` };
  // A real import(): h5wasm is an ES module only. Made through the Function constructor because the CLI bundle is
  // compiled from V8's code cache, which on Node 20 drops the dynamic-import callback of the script itself.
  const h5 = (await importEsm('h5wasm')) as typeof import('h5wasm');
  const module = (await h5.ready) as unknown as H5Module;
  // libhdf5 prints its error stack to stderr by default; library code never prints: errors become exceptions.
  if (!quiet) {
    module.activate_throwing_error_handler();
    quiet = true;
  }
  const name = `sentinel-${process.pid}-${++counter}.h5`;
  const node = module.FS.createFile('/', name, {}, true, false);
  node.contents = null;
  // Reads are served from the source on demand: libhdf5 asks for the blocks it parses, nothing else is copied.
  node.stream_ops = {
    ...node.stream_ops,
    read(_stream: unknown, buffer: Uint8Array, offset: number, length: number, position: number): number {
      if (position >= src.size) return 0;
      const bytes = src.read(position, Math.min(length, src.size - position));
      buffer.set(bytes, offset);
      return bytes.length;
    },
  };
  Object.defineProperty(node, 'usedBytes', { get: () => src.size });
  let file: InstanceType<typeof h5.File> | undefined;
  try {
    file = new h5.File('/' + name, 'r');
    const rootAttributes: Record<string, string | number | boolean> = {};
    const oversizedAttributes: string[] = [];
    const unreadableAttributes: string[] = [];
    for (const [k, a] of Object.entries(file.attrs)) {
      let v: unknown;
      try {
        v = (a as { value: unknown }).value;
      } catch {
        unreadableAttributes.push(k);
        continue;
      }
      const val = attributeValue(v);
      if (val !== undefined) rootAttributes[k] = val;
      else if (isOversized(v)) oversizedAttributes.push(k);
    }
    let groups = 0;
    let datasets = 0;
    let objects = 0;
    let truncated = false;
    let tooDeep = 0;
    const links: Hdf5Link[] = [];
    const externalStorage: Hdf5ExternalStorage[] = [];
    const uncheckedStorage: string[] = [];
    const sb = hdf5SuperblockOffset(src.read(0, Math.min(src.size, 4096)), src);
    const geometry = sb === undefined ? undefined : hdf5Geometry(src, sb);
    // Groups by object address: a hard link back to a group already queued is not walked again.
    const fileId = (file as unknown as { file_id: bigint }).file_id;
    const seen = new Set<string>([objectKey(module, fileId, '/')]);
    const queue: { path: string; depth: number }[] = [{ path: '/', depth: 0 }];
    walk: for (let qi = 0; qi < queue.length; qi++) {
      const { path, depth } = queue[qi]!;
      const g = path === '/' ? file : (file.get(path) as InstanceType<typeof h5.Group> | null);
      if (!g || !('keys' in g)) continue;
      groups++;
      for (const k of g.keys()) {
        if (++objects > opts.maxObjects) {
          truncated = true;
          break walk;
        }
        const full = path === '/' ? `/${k}` : `${path}/${k}`;
        const o = file.get(full);
        if (o instanceof h5.Group) {
          const key = objectKey(module, fileId, full);
          if (seen.has(key)) continue;
          seen.add(key);
          if (depth + 1 > MAX_GROUP_DEPTH) tooDeep++;
          else queue.push({ path: full, depth: depth + 1 });
        } else if (o instanceof h5.Dataset) {
          datasets++;
          const meta = o.metadata as { virtual_sources?: { file_name: string; dset_name: string }[] };
          for (const v of meta.virtual_sources ?? [])
            externalStorage.push({ path: full, kind: 'virtual', file: v.file_name, target: v.dset_name });
          const address = Buffer.from(module.create_object_reference(fileId, full)).readBigUInt64LE(0);
          const e = geometry ? externalFiles(src, geometry, Number(address)) : { files: [], unreadable: 'superblock' };
          for (const f of e.files) externalStorage.push({ path: full, kind: 'raw', file: f });
          if (e.unreadable !== undefined) uncheckedStorage.push(`${full}: ${e.unreadable}`);
        } else if (o instanceof h5.ExternalLink)
          links.push({ path: full, kind: 'external', file: o.filename, target: o.obj_path });
        else if (o instanceof h5.BrokenSoftLink) links.push({ path: full, kind: 'soft', target: String(o.target) });
      }
      queue[qi] = { path: '', depth: 0 };
    }
    return {
      ok: true,
      summary: {
        rootAttributes,
        groups,
        datasets,
        links,
        externalStorage,
        uncheckedStorage,
        truncated,
        tooDeep,
        oversizedAttributes,
        unreadableAttributes,
      },
    };
  } catch (e) {
    const error = shortError(e);
    // A trap inside the wasm module (abort, out-of-bounds) may leave it unusable: later files fail closed.
    if (e instanceof Error && e.name === 'RuntimeError') poisoned = error;
    return { ok: false, error };
  } finally {
    try {
      file?.close();
    } catch {
      // closing a file the library could not read is not an error worth reporting
    }
    try {
      module.FS.unlink('/' + name);
    } catch {
      // the node may already be gone
    }
  }
}
