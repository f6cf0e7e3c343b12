// PyTorch zip layout (torch.save ≥ 1.6, torch.jit.save, _save_for_lite_interpreter), read the way
// PyTorchStreamReader reads it: the archive root is the first entry's top-level folder, records are
// `<root>/<name>`; data.pkl (+ constants.pkl for TorchScript, bytecode.pkl for mobile) are unpickled, tensor
// bytes live in `<root>/data/<key>` (TorchScript constants may live in `<root>/constants/<key>`).
import { storageClassDtype } from '../../formats/pytorch/dtypes.js';
import type { PersistentIdFact } from '../pickle/facts.js';
import { K, type PyVal } from '../pickle/values.js';

export type TorchArchiveKind = 'checkpoint' | 'torchscript' | 'mobile';

export interface TorchZipLayout {
  readonly kind: TorchArchiveKind;
  /** The first entry's top-level folder (any name: torch does not care). */
  readonly root: string;
  /** Record names (lower case, without the root) that torch unpickles, in load order. */
  readonly pickles: readonly string[];
  /**
   * Record name, ASCII lower case and without the root → the first entry name torch may find for it. torch's reader
   * (miniz, mz_zip_reader_locate_file without MZ_ZIP_FLAG_CASE_SENSITIVE) matches names case-insensitively: asking
   * for `data.pkl` finds `archive/DATA.PKL`. Look records up with {@link torchRecord}.
   */
  readonly records: ReadonlyMap<string, string>;
  /** Every entry name per record (several when names differ only in case: which one torch reads is not defined). */
  readonly variants: ReadonlyMap<string, readonly string[]>;
  /** Entries outside the root folder (the reader never sees them). */
  readonly outsideRoot: readonly string[];
}

/** miniz's MZ_TOLOWER: ASCII letters only. */
export function asciiLower(s: string): string {
  return HAS_UPPER.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s;
}

const HAS_UPPER = /[A-Z]/;

/** The entry name torch finds for record `rec` (e.g. `data.pkl`, `data/0`), matched as torch matches it. */
export function torchRecord(layout: TorchZipLayout, rec: string): string | undefined {
  return layout.records.get(asciiLower(rec));
}

/** Returns the torch layout of a zip given its entry names in central-directory order, or undefined. */
export function torchZipLayout(names: readonly string[]): TorchZipLayout | undefined {
  const first = names[0];
  if (first === undefined) return undefined;
  const slash = first.indexOf('/');
  if (slash <= 0) return undefined; // torch: "file in archive is not in a subdirectory"
  const root = first.slice(0, slash);
  const prefix = asciiLower(root) + '/';
  const records = new Map<string, string>();
  const variants = new Map<string, string[]>();
  const outsideRoot: string[] = [];
  for (const n of names) {
    const lower = asciiLower(n);
    if (lower.startsWith(prefix)) {
      const rec = lower.slice(prefix.length);
      const all = variants.get(rec);
      if (all === undefined) {
        records.set(rec, n);
        variants.set(rec, [n]);
      } else if (!all.includes(n)) all.push(n);
    } else outsideRoot.push(n);
  }
  const has = (r: string): boolean => records.has(r);
  if (!has('data.pkl') && !has('constants.pkl') && !has('bytecode.pkl')) return undefined;
  let hasCode = false;
  for (const r of records.keys()) {
    if (r.startsWith('code/')) {
      hasCode = true;
      break;
    }
  }
  const kind: TorchArchiveKind = has('bytecode.pkl')
    ? 'mobile'
    : has('constants.pkl') || hasCode
      ? 'torchscript'
      : 'checkpoint';
  // torch.jit.load also reads traced_inputs.pkl (a traced module's stored example inputs, tensors under
  // traced_inputs/) when asked to restore shapes: read as a TorchScript record like the others.
  const pickles = [
    'constants.pkl',
    'data.pkl',
    'bytecode.pkl',
    ...(kind === 'checkpoint' ? [] : ['traced_inputs.pkl']),
  ].filter(has);
  return { kind, root, pickles, records, variants, outsideRoot };
}

/**
 * Names torch reads under another spelling than the one torch.save writes (`archive/DATA.PKL` for `data.pkl`), and
 * names that differ only in case (torch may read either; zipfile and other tools see two files): each one line.
 */
export function caseProblems(layout: TorchZipLayout): { entry: string; message: string }[] {
  const out: { entry: string; message: string }[] = [];
  for (const [rec, names] of layout.variants) {
    if (names.length > 1) {
      out.push({
        entry: names[1]!,
        message:
          `${names.map((n) => JSON.stringify(n)).join(' and ')} differ only in case: torch's reader matches record ` +
          `names case-insensitively and may read any of them for ${JSON.stringify(rec)}; zipfile and extractors see ${names.length} files`,
      });
    }
    // Only the records torch unpickles are reported here (checked first: no name is built for the others).
    if (!layout.pickles.includes(rec)) continue;
    const canonical = `${layout.root}/${rec}`;
    for (const n of names) {
      if (n !== canonical && asciiLower(n) === asciiLower(canonical)) {
        out.push({
          entry: n,
          message: `torch reads ${JSON.stringify(n)} as its ${rec} (case-insensitive lookup); torch.save writes ${JSON.stringify(canonical)}`,
        });
      }
    }
  }
  return out;
}

/** Storage classes torch.save names in persistent ids (canonical names). */
export function isStorageClass(canonical: string | undefined): boolean {
  if (!canonical) return false;
  // A checkpoint names the same one or two classes for every tensor: the last match answers without the regex.
  if (canonical === lastStorageClass) return true;
  const yes =
    STORAGE_CLASS.test(canonical) ||
    canonical === 'torch.storage.UntypedStorage' ||
    canonical === 'torch.storage.TypedStorage';
  if (yes) lastStorageClass = canonical;
  return yes;
}

const STORAGE_CLASS = /^torch\.(cuda\.)?[A-Za-z0-9]*Storage$/;
let lastStorageClass: string | undefined;

/**
 * torch's persistent_load for zip checkpoints: `('storage', storage_type, key, location, numel)`, the key naming a
 * `data/<key>` record (TorchScript: `data/` or `constants/`). Returns why torch would reject the id.
 */
export function checkZipPersistentId(
  pid: PersistentIdFact,
  layout: TorchZipLayout,
  recordBytes?: (entry: string) => number | undefined,
  /** The folders the record's tensors are read from (TorchScript's traced_inputs.pkl: traced_inputs/). */
  dirs: readonly string[] = layout.kind === 'checkpoint' ? ['data/'] : ['data/', 'constants/'],
): string | undefined {
  if (pid.shape !== 'tuple')
    return `persistent id is a ${pid.shape}, not torch's ('storage', type, key, location, numel) tuple`;
  if (pid.tag !== 'storage')
    return `persistent id tag is ${JSON.stringify(pid.items[0] ?? null)}, torch only accepts 'storage'`;
  // torch.load's Python reader unpacks exactly five; the TorchScript reader (C++, also what torch.load hands a
  // TorchScript archive to) reads the first five and ignores the rest (old torch.jit.save wrote a sixth, None).
  if (layout.kind === 'checkpoint' ? pid.items.length !== 5 : pid.items.length < 5)
    return `persistent id has ${pid.items.length} items, torch's zip format uses 5`;
  if (!isStorageClass(pid.storageType))
    return `persistent id storage type ${String(pid.items[1])} is not a torch storage class`;
  if (pid.key === undefined) return 'persistent id key is not a string';
  if (pid.location === undefined) return 'persistent id location is not a string';
  if (pid.numel === undefined) return 'persistent id element count is not an integer';
  // torch.load reads data/<key>; TorchScript also constants/<key>.
  let entry: string | undefined;
  for (const d of dirs) if (entry === undefined) entry = torchRecord(layout, d + pid.key);
  if (entry === undefined)
    return `persistent id names storage record ${dirs[0]}${pid.key}, which the archive does not contain`;
  return recordBytes === undefined ? undefined : storageSizeProblem(pid, pid.numel, entry, recordBytes(entry));
}

/**
 * torch (1.13 through 2.x) sizes a zip storage by the persistent id's element count and hands it the record's bytes
 * as they are: nothing compares the two. A count whose bytes (count x the storage class's element size; 1 for
 * UntypedStorage) exceed the record makes a tensor over memory the process does not own: the first write or read
 * past the record (`copy_` from a rebuild's state, a `clone()` in a TorchScript `__setstate__`, any later use) is a
 * heap overflow. torch.save and torch.jit.save write exactly the storage's bytes, so the two are equal in real
 * output; a record longer than the count says is unused bytes, which torch never reads.
 */
function storageSizeProblem(
  pid: PersistentIdFact,
  numel: number,
  entry: string,
  bytes: number | undefined,
): string | undefined {
  if (bytes === undefined) return undefined;
  const type = pid.storageType!;
  const dot = type.lastIndexOf('.');
  const element = storageClassDtype(type.slice(0, dot), type.slice(dot + 1));
  const itemsize = element === 'untyped' ? 1 : element?.itemsize;
  if (itemsize === undefined || numel < 0) return undefined;
  const declared = numel * itemsize;
  if (declared <= bytes) return undefined;
  return (
    `persistent id declares ${numel} elements of ${type} (${declared} bytes) for storage record ${entry}, which ` +
    `holds ${bytes} bytes: torch sizes the storage by the declared count and backs it with the record's bytes, so ` +
    'the tensor reaches memory past the record (a heap read or write out of bounds at load or on first use)'
  );
}

/**
 * What the legacy loader's persistent_load returns for a `('module', cls, file, source)` id: `cls` itself (torch.save
 * of a whole nn.Module writes one per container class, and NEWOBJ then builds that class). Before returning it, the
 * loader compares `file`/`source` with the installed class's source (inspect reads the class's own module file; a
 * class whose `dump_patches` is true gets a `.patch` file written, torch's Module sets it false). Named only when
 * `cls` is a global and `file` and `source` are text or None, as torch writes them: any other value is looked up (`__name__`)
 * and truth-tested by that comparison, so the result stays an object the analysis cannot name.
 */
export function legacyPersistentValue(pid: PyVal): PyVal | undefined {
  if (typeof pid !== 'object' || pid.k !== K.Tuple || pid.more !== 0 || pid.items.length !== 4) return undefined;
  const [tag, cls, file, source] = pid.items;
  if (tag !== 'module' || !textOrNone(file) || !textOrNone(source)) return undefined;
  return typeof cls === 'object' && cls.k === K.Global ? cls : undefined;
}

/** A str (kept or too long to keep: its position in the stream only), or None (torch writes None for both when it
 * cannot read the class's source, a class of `__main__` run from a notebook; the comparison is then skipped). */
function textOrNone(v: PyVal | undefined): boolean {
  return typeof v === 'string' || (typeof v === 'object' && (v.k === K.Str || v.k === K.None));
}

/** Legacy (non-zip) torch.save: ('storage', type, root_key, location, numel, view_metadata) or ('module', cls, file, source). */
export function checkLegacyPersistentId(pid: PersistentIdFact): string | undefined {
  if (pid.shape !== 'tuple') return `persistent id is a ${pid.shape}, not a legacy torch tuple`;
  if (pid.tag === 'module') return pid.items.length === 4 ? undefined : 'legacy module persistent id must have 4 items';
  if (pid.tag !== 'storage') return `legacy persistent id tag is ${JSON.stringify(pid.items[0] ?? null)}`;
  if (pid.items.length !== 6) return `legacy storage persistent id has ${pid.items.length} items, torch writes 6`;
  if (!isStorageClass(pid.storageType))
    return `persistent id storage type ${String(pid.items[1])} is not a torch storage class`;
  if (pid.key === undefined || pid.location === undefined || pid.numel === undefined) {
    return 'legacy storage persistent id fields have the wrong types';
  }
  return undefined;
}

/** A torch.package archive (torch.package.PackageExporter): `<root>/.data/version` and `.data/extern_modules`. */
export interface TorchPackageLayout {
  readonly root: string;
  /** Full entry names of `.data/<key>.storage` records, by key. */
  readonly storages: ReadonlyMap<string, string>;
}

export function torchPackageLayout(names: readonly string[]): TorchPackageLayout | undefined {
  const first = names[0];
  const slash = first === undefined ? -1 : first.indexOf('/');
  if (slash <= 0) return undefined;
  const root = first!.slice(0, slash);
  const data = `${root}/.data/`;
  const set = new Set(names);
  if (!set.has(data + 'version') || !set.has(data + 'extern_modules')) return undefined;
  const storages = new Map<string, string>();
  for (const n of names) {
    if (n.startsWith(data) && n.endsWith('.storage')) storages.set(n.slice(data.length, -'.storage'.length), n);
  }
  return { root, storages };
}

/**
 * PackageImporter's persistent_load: `('storage', storage_type, key, location, size)` reading
 * `.data/<key>.storage`, or `('reduce_package', [id,] func, args)`, which calls `func(importer, *args)` (the
 * function's import is classified like any other). Returns why the importer would fail on the id.
 */
export function checkPackagePersistentId(pid: PersistentIdFact, pkg: TorchPackageLayout): string | undefined {
  if (pid.shape !== 'tuple') return `persistent id is a ${pid.shape}; torch.package's persistent_load asserts a tuple`;
  if (pid.tag === 'reduce_package') {
    return pid.items.length === 3 || pid.items.length === 4
      ? undefined
      : `reduce_package persistent id has ${pid.items.length} items (torch.package expects 3 or 4)`;
  }
  if (pid.tag !== 'storage') return `persistent id tag is ${JSON.stringify(pid.items[0] ?? null)}`;
  if (pid.items.length !== 5) return `storage persistent id has ${pid.items.length} items, torch.package uses 5`;
  if (!isStorageClass(pid.storageType))
    return `persistent id storage type ${String(pid.items[1])} is not a torch storage class`;
  if (pid.key === undefined) return 'persistent id key is not a string';
  if (!pkg.storages.has(pid.key))
    return `persistent id names .data/${pid.key}.storage, which the package does not contain`;
  return undefined;
}
