// Facts the pickle VM extracts from one pickle stream: imports, invocations, persistent ids, nested
// payloads and structural anomalies. Rules turn facts into findings; the VM itself never judges risk.
import type { ImportName } from './names.js';
import type { PyVal } from './values.js';

/** Structural anomalies; `fatal` ones are where CPython's C unpickler raises and stops. */
export type AnomalyCode =
  | 'UNKNOWN_OPCODE'
  | 'TRUNCATED'
  | 'NO_STOP'
  | 'BAD_ARGUMENT'
  | 'STACK_UNDERFLOW'
  | 'MARK_NOT_FOUND'
  | 'MEMO_MISSING'
  | 'MEMO_BAD_KEY'
  | 'STACK_GLOBAL_OPERANDS'
  | 'EXT_UNREGISTERED'
  | 'EXT_CODE'
  | 'PROTO_DUPLICATE'
  | 'PROTO_MISPLACED'
  | 'PROTO_UNSUPPORTED'
  | 'FRAME_STRADDLE'
  | 'FRAME_NESTED'
  | 'FRAME_BEYOND_END'
  | 'UNFRAMED_OPCODES'
  | 'STACK_LEFTOVER'
  | 'MARK_LEFT_OPEN'
  | 'TRAILING_BYTES'
  | 'PERSISTENT_ID'
  /**
   * A persistent id the loader would reject or read past, in a record it reads only when asked to (torch.jit.load
   * reads a traced module's traced_inputs.pkl only with _restore_shapes=True): evidence, not a gate.
   */
  | 'RECORD_READ_ON_REQUEST'
  | 'BUILD_DUNDER_STATE'
  | 'BUILD_COMPUTED_KEY'
  | 'TYPE_ERROR'
  | 'OUT_OF_BAND_BUFFER'
  | 'NESTED_PAYLOAD_UNKNOWN'
  | 'JOBLIB_ARRAY'
  /** Loaders read the same bytes differently (joblib's array skipping) and one of the readings imports more. */
  | 'LOADER_DISAGREEMENT'
  /** A pack callable called with an argument its library never passes there (callable-effects.ts). */
  | 'OFF_SHAPE_CALL'
  /**
   * A native __setstate__ that reads its state's items without a length check is given a state its library never
   * writes (native-states.ts): an out-of-bounds read in the loader, memory corruption.
   */
  | 'NATIVE_STATE'
  /**
   * A native class its library only ever writes by calling it is made by NEWOBJ or `cls.__new__` (native-new.ts): its
   * C fields stay unset and the next code that reads it dereferences them (use of an uninitialised resource).
   */
  | 'NATIVE_NEW'
  /**
   * A numpy.dtype BUILD state numpy applies unchecked and then treats unsafely (numpy-dtype.ts): object flags cleared
   * on an object type, fields past the item, a dtype changed after the stream handed it out. Type confusion and
   * out-of-bounds access in the loader.
   */
  | 'DTYPE_STATE'
  /** The load's own work explodes (hashing shared nested tuples): a denial of service against the consumer. */
  | 'LOAD_COST'
  | 'LIMIT'
  /** The analyser itself failed (a bug or an engine limit); facts found before it are kept. */
  | 'INTERNAL_ERROR';

export interface Anomaly {
  readonly code: AnomalyCode;
  readonly offset: number;
  readonly opcode: string;
  readonly message: string;
  /** CPython raises at this point (the stream stops loading here). */
  readonly fatal: boolean;
  /** For LIMIT: the limit's name. */
  readonly limit?: string;
}

export interface ImportFact extends ImportName {
  readonly opcode: string;
  readonly offset: number;
  /** Protocol in effect (last PROTO seen; 0 when none). */
  readonly protocol: number;
  /** Seen after CPython would already have stopped with an error (still reported: other loaders differ). */
  readonly afterError: boolean;
  /** The name could not be determined statically; the text says why. module/name are placeholders. */
  readonly unresolved?: string;
  /** EXT opcodes: the extension code. */
  readonly ext?: number;
  /** Derived from a call chain rather than an import opcode (e.g. getattr(import_module('os'), 'system')). */
  readonly derivedVia?: string;
  /** Later identical imports folded into this fact (same names, opcode, protocol and error state). */
  repeats?: number;
  /** Found only by another loader's reading of the stream (see analyze.ts, plainReading): which, and why. */
  readBy?: string;
}

export type CallKind =
  'REDUCE' | 'NEWOBJ' | 'NEWOBJ_EX' | 'OBJ' | 'INST' | 'BUILD' | 'BUILD_GLOBAL' | 'APPEND' | 'SETITEM' | 'ADDITEMS';

/** An invocation the unpickler performs. */
export interface CallFact {
  readonly kind: CallKind;
  readonly opcode: string;
  readonly offset: number;
  /** The import the invoked object derives from (the callable, class, or the class of the target object). */
  readonly callee: ImportFact | undefined;
  /** True when the invoked value is the imported object itself, false when it was produced by another call. */
  readonly direct: boolean;
  readonly afterError: boolean;
  readonly detail?: string;
  /** Later identical invocations folded into this fact. */
  repeats?: number;
}

/** Shape summary of a persistent id, for loaders that define persistent_load (torch). */
export interface PersistentIdFact {
  readonly opcode: string;
  readonly offset: number;
  /** 'tuple' with its leading tag, or the value's kind. */
  readonly shape: 'tuple' | 'str' | 'int' | 'other';
  readonly tag?: string;
  /** Tuple items summarised: strings/ints as values, imports as `module.name`, others as kind names. */
  readonly items: readonly (string | number | null)[];
  /** torch: storage type import and data key when the tuple has the storage form. */
  readonly storageType?: string;
  readonly key?: string;
  readonly location?: string;
  readonly numel?: number;
}

/** Bytes handed to a nested loader (pickle.loads, torch.load(BytesIO(...)), …). */
export interface NestedPayload {
  readonly loader: ImportFact;
  /** Offset of the bytes literal (or of the call when the bytes were computed). */
  readonly offset: number;
  readonly bytes: Uint8Array;
  /** How the bytes were obtained, e.g. 'BINBYTES', '_codecs.encode', 'base64.b64decode'. */
  readonly via: string;
  /** [start, end) of the payload in the source when the bytes are, whole, one bytes literal of the stream. */
  readonly literal?: readonly [number, number];
}

export interface PickleRun {
  /** Absolute offsets of the stream region analysed. */
  readonly start: number;
  end: number;
  /** First PROTO argument, if any. */
  protocol: number | undefined;
  /** Reached STOP (possibly after errors, in lenient mode). */
  stopped: boolean;
  /** CPython would have raised before STOP. */
  errored: boolean;
  opcodes: number;
  /** Count per opcode byte. */
  readonly opcodeCounts: Uint32Array;
  readonly imports: ImportFact[];
  readonly calls: CallFact[];
  readonly anomalies: Anomaly[];
  readonly persistentIds: PersistentIdFact[];
  readonly nested: NestedPayload[];
  /** Anomalies beyond the recording cap. */
  droppedAnomalies: number;
  /** Offset of the first bytes read as joblib array data (joblib.load skips them; other loaders run them). */
  joblibArrayAt?: number;
  /** Summary of the value returned at STOP (for format handlers): kind and, for tuples/lists, item summaries. */
  result?: ResultSummary;
  /** The value returned at STOP, in the VM's value-keeping mode only (VmOptions.keepValues). */
  value?: PyVal;
  /**
   * Files joblib.load reads beside the stream (joblib < 0.10's NDArrayWrapper: np.load(<dir>/<filename>,
   * allow_pickle=True)), by the filename the wrapper's state gives (undefined when the stream computes it).
   */
  companions?: CompanionFact[];
  /**
   * Imports every use of which the VM proved to be one library's exact shape (vetted-uses.ts), with why they are
   * admitted in this stream; their ordinary verdict would be dangerous or refused.
   */
  vetted?: ReadonlyMap<
    ImportFact,
    {
      readonly why: string;
      readonly pack: string;
      readonly via?: string;
      readonly versions?: string;
      /** The shape holds only when `via` is a pack's stored reference; the verdict's pack is that entry's. */
      readonly viaReference?: true;
    }
  >;
}

export interface CompanionFact {
  readonly offset: number;
  readonly name: string | undefined;
  /** The wrapper class (or why the object may be one). */
  readonly wrapper: string;
  /**
   * 'np.load': np.load(allow_pickle=True) reads it (npy, npz or a pickle); 'zfile': joblib reads raw zlib data;
   * 'gensim': gensim's SaveLoad.load unpickles `<the scanned file's name><name>.npy` (`.npz` when that name ends in
   * .gz or .bz2): `name` is then the suffix (`.attr` or `.outer.attr`); 'gensim-sibling': a gensim class's own load
   * unpickles `smart_extension(<the scanned file's name>, name)` when that file exists.
   */
  readonly reads: 'np.load' | 'zfile' | 'gensim' | 'gensim-sibling';
}

export interface ResultSummary {
  readonly kind: string;
  readonly value?: string | number;
  readonly items?: readonly (string | number | null)[];
  readonly import?: string;
}
