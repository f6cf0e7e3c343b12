// The per-stream fact lists of the pickle VM, bounded: identical imports and invocations are folded into the first
// one seen (with a repeat count), and every list has a cap. A hostile stream of millions of imports costs memory
// proportional to its distinct names, and a stream past a cap stops with a LIMIT anomaly instead of exhausting memory.
import type { CallFact, ImportFact, NestedPayload, PersistentIdFact } from './facts.js';

/** Caps per stream (a joblib object-array pickle shares the caps of the stream it sits in). */
export interface FactCaps {
  /** Distinct imports (module, name, opcode, protocol, …); repeats are counted, not stored. */
  readonly imports: number;
  /** Distinct invocations (kind, callee, detail). */
  readonly calls: number;
  /** Persistent ids (each names its own storage, so none are folded). */
  readonly persistentIds: number;
  /**
   * Nested payloads whose bytes the stream does not hold as one bytes literal (decoded, decompressed or built by a
   * call, or a bytearray the stream may have changed): each is work the stream's size does not bound.
   */
  readonly nested: number;
  /**
   * Hand-overs of a bytes literal of the stream to a loader (pickle.loads(b'…'); torch's plain-pickle storages,
   * torch.storage._load_from_bytes(b'…'), one per tensor). A literal is the stream's own bytes: each distinct one is
   * scanned once, and a literal handed again (a memo reference) is counted and charged, not scanned again.
   */
  readonly nestedLiterals: number;
  /** Bytes of all hand-overs in total (a literal handed again is charged again). */
  readonly nestedBytes: number;
}

export const DEFAULT_FACT_CAPS: FactCaps = Object.freeze({
  imports: 100_000,
  calls: 100_000,
  persistentIds: 1_000_000,
  nested: 16,
  nestedLiterals: 4096,
  nestedBytes: 256 * 1024 * 1024,
});

/** Which cap a record would pass (the VM turns it into a LIMIT anomaly). */
export type FactCapName = 'imports' | 'calls' | 'persistentIds' | 'nested' | 'nestedLiterals' | 'nestedBytes';

export class FactLog {
  readonly imports: ImportFact[] = [];
  readonly calls: CallFact[] = [];
  readonly persistentIds: PersistentIdFact[] = [];
  readonly nested: NestedPayload[] = [];
  private readonly importsByKey = new Map<string, ImportFact>();
  private readonly callsByCallee = new Map<ImportFact | undefined, Map<string, CallFact>>();
  /** The fact the last invocation of each callee folded into: checked first, without building the key. */
  private readonly lastByCallee = new Map<ImportFact | undefined, CallFact>();
  private nestedBytes = 0;
  private nestedDerived = 0;
  private nestedLiterals = 0;
  private literalsSeen: WeakSet<object> | undefined;

  constructor(readonly caps: FactCaps = DEFAULT_FACT_CAPS) {}

  /** The fact recorded under `key` (see the VM's importKey), its repeat count raised; undefined when new. */
  repeatImport(key: string): ImportFact | undefined {
    const seen = this.importsByKey.get(key);
    if (seen !== undefined) seen.repeats = (seen.repeats ?? 0) + 1;
    return seen;
  }

  /** Records a new import; false when the list is full. */
  addImport(key: string, fact: ImportFact): boolean {
    if (this.imports.length >= this.caps.imports) return false;
    this.importsByKey.set(key, fact);
    this.imports.push(fact);
    return true;
  }

  /** The recorded fact for this invocation (identical ones fold into the first). */
  addCall(fact: CallFact): CallFact | FactCapName {
    // Streams repeat one invocation shape per callee (a checkpoint's _rebuild_tensor_v2 per tensor).
    const last = this.lastByCallee.get(fact.callee);
    if (
      last !== undefined &&
      last.kind === fact.kind &&
      last.opcode === fact.opcode &&
      last.direct === fact.direct &&
      last.afterError === fact.afterError &&
      last.detail === fact.detail
    ) {
      last.repeats = (last.repeats ?? 0) + 1;
      return last;
    }
    let byKey = this.callsByCallee.get(fact.callee);
    if (byKey === undefined) {
      byKey = new Map();
      this.callsByCallee.set(fact.callee, byKey);
    }
    const key = `${fact.kind}\0${fact.opcode}\0${fact.direct ? 1 : 0}\0${fact.afterError ? 1 : 0}\0${fact.detail ?? ''}`;
    const seen = byKey.get(key);
    if (seen !== undefined) {
      seen.repeats = (seen.repeats ?? 0) + 1;
      this.lastByCallee.set(fact.callee, seen);
      return seen;
    }
    if (this.calls.length >= this.caps.calls) return 'calls';
    byKey.set(key, fact);
    this.lastByCallee.set(fact.callee, fact);
    this.calls.push(fact);
    return fact;
  }

  addPersistentId(fact: PersistentIdFact): FactCapName | undefined {
    if (this.persistentIds.length >= this.caps.persistentIds) return 'persistentIds';
    this.persistentIds.push(fact);
    return undefined;
  }

  /**
   * Records a payload handed to a nested loader. `literal` is the bytes literal of the stream it is (the same value
   * when a memo reference hands it again), undefined for bytes the stream derives.
   */
  addNested(payload: NestedPayload, literal?: object): FactCapName | undefined {
    if (literal !== undefined) {
      if (this.nestedLiterals >= this.caps.nestedLiterals) return 'nestedLiterals';
    } else if (this.nestedDerived >= this.caps.nested) return 'nested';
    if (this.nestedBytes + payload.bytes.length > this.caps.nestedBytes) return 'nestedBytes';
    this.nestedBytes += payload.bytes.length;
    if (literal !== undefined) {
      this.nestedLiterals++;
      // Made on first use: most streams hand no literal to a loader.
      this.literalsSeen ??= new WeakSet<object>();
      if (this.literalsSeen.has(literal)) return undefined;
      this.literalsSeen.add(literal);
    } else this.nestedDerived++;
    this.nested.push(payload);
    return undefined;
  }
}
