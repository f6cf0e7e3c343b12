// Files a loader reads beside the one scanned (joblib < 0.10's NDArrayWrapper: joblib.load calls
// np.load(<folder>/<filename from the stream>, allow_pickle=True); gensim's SaveLoad.load unpickles
// <file>.<attribute>.npy for each name in the loaded object's __scipys), scanned as that loader reads them.
import { lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { sideFileProblem } from '../analyzers/model/side-file-path.js';
import type { CompanionFact, PickleRun } from '../analyzers/pickle/facts.js';
import { errorMessage } from '../core/errors.js';
import type { Limits } from '../core/limits.js';
import { child } from '../core/location.js';
import { FileSource, MemorySource, type ByteSource } from '../sources/byte-source.js';
import { ConfinementError, type Confinement } from '../sources/confine.js';

/** What the per-file scan offers: its limits, whether the file is on disk, and scanning a nested unit. */
export interface CompanionHost {
  readonly limits: Limits;
  readonly onDisk: boolean;
  /** Where the scanned file had to lie (its walked folder, a service's roots); undefined: a file named alone. */
  readonly confine?: Confinement | undefined;
  unit(src: ByteSource, depth: number): Promise<void>;
}

/**
 * A file joblib.load reads beside the pickle (NDArrayWrapper: np.load(<dir>/<name>, allow_pickle=True)) is scanned
 * as numpy reads it (npy, npz or a raw pickle, sniffed by content as np.load does); one this scan cannot read (a
 * computed name, a name leaving the folder, a file absent or not on disk) is an anomaly of the stream that names it.
 */
export async function scanCompanion(
  scan: CompanionHost,
  src: ByteSource,
  run: PickleRun,
  c: CompanionFact,
  depth: number,
): Promise<void> {
  // gensim's name is the loaded file's own name, a suffix and .npy (.npz when the file is gzip/bz2 compressed).
  const top = src.location.chain[0] ?? '';
  const own = basename(top);
  const compressed = /\.(gz|bz2)$/.exec(own);
  const name =
    c.name === undefined
      ? undefined
      : c.reads === 'gensim'
        ? `${own}${c.name}.${compressed ? 'npz' : 'npy'}`
        : c.reads === 'gensim-sibling'
          ? // gensim's smart_extension keeps a .gz/.bz2 suffix last.
            compressed
            ? `${own.slice(0, compressed.index)}${c.name}${compressed[0]}`
            : `${own}${c.name}`
          : c.name;
  const file = `<folder>/${name === undefined ? '<computed>' : JSON.stringify(name)}`;
  const what =
    c.reads === 'gensim' || c.reads === 'gensim-sibling'
      ? `gensim's SaveLoad.load unpickles ${file} for ${c.wrapper}`
      : c.reads === 'zfile'
        ? `joblib.load opens ${file} for ${c.wrapper} (joblib < 0.10 layout)`
        : `joblib.load calls np.load(${file}, allow_pickle=True) for ${c.wrapper} (joblib < 0.10 layout)`;
  const fail = (why: string): void => {
    run.anomalies.push({
      code: 'NESTED_PAYLOAD_UNKNOWN',
      offset: c.offset,
      opcode: 'BUILD',
      message: `${what}: ${why}`,
      fatal: false,
    });
  };
  if (name === undefined) return fail('the stream computes the file name');
  const escape = sideFileProblem(name);
  if (escape !== undefined) return fail(`the name leaves the folder (${escape.reason})`);
  // ZNDArrayWrapper's file is raw zlib data set as an array's bytes: only where it is read from matters.
  if (c.reads === 'zfile') return;
  // Only a top-level file of a path scan has a folder on disk; an archive member's companion is not in this scan.
  // gensim reads its fixed siblings only when they exist (a member of the same archive is scanned as a member).
  const optional = c.reads === 'gensim-sibling';
  if (depth > 0 || src.location.chain.length !== 1 || !scan.onDisk)
    return optional ? undefined : fail('the file beside it is not in this scan');
  const folder = dirname(src.location.chain[0]!);
  const path = join(folder, name);
  // gensim reads an optional sibling when it exists. Asked of the directory entry, never of what a link leads to: a
  // link beside the file is opened confined below, and whether its target outside the folders exists changes nothing.
  if (optional && !entryExists(path)) return;
  let opened: FileSource | undefined;
  let bytes: Uint8Array;
  try {
    // Held to the folders the scanned file was held to; a file named alone, to its own folder: a link beside it
    // leading elsewhere is reported, not read (the walk of that folder would not follow it either).
    const within: Confinement = scan.confine?.length ? scan.confine : [[realpathSync.native(folder)]];
    opened = new FileSource(child(src.location, `companion:${name}`), path, { within });
    if (opened.size > scan.limits.maxEntryBytes) return fail(`the file is larger than maxEntryBytes`);
    bytes = opened.readWhole();
  } catch (e) {
    if (e instanceof ConfinementError) return fail(`the file beside it is not read: ${e.message}`);
    return fail(`the file could not be read (${errorMessage(e)}); when it is present, the loader unpickles it`);
  } finally {
    opened?.close();
  }
  await scan.unit(new MemorySource(child(src.location, `companion:${name}`), bytes), depth + 1);
}

/** A directory entry named `path` exists (a link counts whatever it leads to; lstat does not follow it). */
function entryExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
