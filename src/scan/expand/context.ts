// What a format expander may do with the bytes it was given: hand child sources back to the scanner,
// analyse pickle streams, and record container anomalies or coverage gaps. Expanders never produce findings.
import type { ModelSummary } from '../../core/finding.js';
import type { Limits } from '../../core/limits.js';
import type { PickleRun } from '../../analyzers/pickle/facts.js';
import type { LoaderModel } from '../../analyzers/pickle/vm.js';
import type { StoredStates } from '../../analyzers/pickle/stored-states.js';
import type { ContainerFact, IncompleteFact, ModelFact, NativeFact } from '../../rules/rule.js';
import type { ByteSource } from '../../sources/byte-source.js';
import type { Location } from '../../core/location.js';
import type { ModelFolderSummary } from '../model-folder-summary.js';

export interface PickleUnitResult {
  readonly runs: readonly PickleRun[];
  readonly end: number;
}

/** One structural disagreement inside a container (becomes ARCHIVE-TAMPER evidence). */
export interface ContainerAnomaly {
  readonly code: string;
  readonly message: string;
  readonly entry?: string;
  readonly offset?: number;
}

/** One `code/` file of a TorchScript archive: its bytes, and its path under the archive's root (`code/__torch__/a.py`). */
export interface TorchScriptCodeFile {
  readonly src: ByteSource;
  readonly path: string;
}

/** Kinds of source code the scanner analyses. */
export type CodeKind = 'python' | 'hubconf' | 'torchscript';

export interface UnitContext {
  readonly limits: Limits;
  /** Container nesting depth of the source being expanded (0 = file on disk). */
  readonly depth: number;
  /** Absolute deadline (ms since epoch) for the top-level file. */
  readonly deadline: number;
  /** Sniffs and scans a child source one level deeper (an entry, a decompressed stream). */
  scanChild(src: ByteSource): Promise<void>;
  /** Analyses the pickle stream(s) in [start, end) of `src` under the given loader semantics. */
  analyzePickle(
    src: ByteSource,
    start: number,
    end: number,
    loader: LoaderModel,
    context: string,
    first?: PickleRun,
    stopAfter?: number,
  ): Promise<PickleUnitResult>;
  container(fact: ContainerFact): void;
  /** A native binary found inside a model container. */
  native(fact: NativeFact): void;
  /** Analyses source code (TorchScript `code/` files, Python modules, hubconf.py). */
  code(src: ByteSource, kind: CodeKind): Promise<void>;
  /** Analyses the `code/` files of one TorchScript archive together (calls are followed across them). */
  /** `stored`: the states the archive's pickles give its classes' `__setstate__` (stored-states.ts), when read. */
  torchScriptCode(archive: Location, files: readonly TorchScriptCodeFile[], stored?: StoredStates): Promise<void>;
  incomplete(fact: IncompleteFact): void;
  /** A model-format signal (MODEL rules). */
  model(fact: ModelFact): void;
  /** A model file that was read: its inventory line in the file summary. */
  inventory(summary: ModelSummary): void;
  /**
   * Hands what a model-folder check needs (remote-code references, a module's import-time calls) to the phase that
   * runs after the walk; returns false when no such phase sees this unit (entries inside containers, in-memory
   * scans): the caller then reports on its own.
   */
  folder(summary: ModelFolderSummary): boolean;
  /** Records a detected format for the file summary. */
  format(name: string): void;
  /** Records what was checked in the file besides its format (`template`, `config`) for the file summary. */
  checked(what: string): void;
  /** Something the file's readers ignore that a reviewer may still want to know (listed with the file, never a finding). */
  note(message: string): void;
  /** Counts decompressed bytes against maxTotalBytes (throws LimitError). */
  charge(bytes: number): void;
  /** Decompressed bytes still allowed under maxTotalBytes (an output cap for the next decoder). */
  remainingBytes(): number;
  /**
   * Byte ranges [start, end) of this source that a container hands to its members unchanged (stored zip entries,
   * tar members): another reading that starts at one of them is that member's, scanned as the member, not a polyglot.
   */
  memberRanges(ranges: readonly (readonly [number, number])[]): void;
  /** Where this reading starts in the source when not at byte 0 (an HDF5 superblock behind a user block). */
  readingStart(offset: number): void;
  /** The formats that have read this source so far (name-chosen expanders excluded). */
  otherReadings(): readonly string[];
}

export interface Expander {
  readonly id: string;
  /** Cheap content check on the first bytes (and the source, for formats recognised at the end). */
  detect(head: Uint8Array, src: ByteSource): boolean;
  /** Expands the source; returns false when the content turned out not to be this format (next expander tries). */
  expand(src: ByteSource, ctx: UnitContext): Promise<boolean>;
}
