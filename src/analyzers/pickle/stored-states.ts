// The states a TorchScript archive's pickles hand to `__setstate__` at load, read for the shapes of the tensors they
// store. torch.jit.load rebuilds each object of `data.pkl` (and `constants.pkl`) and, when its class defines
// `__setstate__`, calls it with the state BUILD gives: `(state)[0]` in that method is the tensor the archive stores
// at that item, of the size its `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)` call gives.
// The TorchScript load rule charges element-wise operators on such items by those sizes instead of as unknown.
import { K, type PyVal, type TupleV } from './values.js';
import type { ClassSet } from './instance-class.js';

/** The dimensions of the tensor stored at each item of a class's state tuple; undefined where not a read tensor. */
export type StoredItems = readonly (readonly number[] | undefined)[];

/**
 * The stored states by TorchScript class (`__torch__.M`): per item, the largest shape any object of it stores; and,
 * under CONSTANTS_TABLE, the shapes of the tensor constants constants.pkl holds (`CONSTANTS.c<i>` in code/).
 */
export type StoredStates = ReadonlyMap<string, StoredItems>;

/** The key of the tensor constants' shapes in StoredStates (no class is named so: classes are `__torch__.…`). */
export const CONSTANTS_TABLE = 'CONSTANTS';

/**
 * The prefix of the keys under which StoredStates holds, for a class (`ints:__torch__.M`), the int values its objects
 * store at each item of their state: every value any object stores there (at most MAX_STORED_INTS distinct ones), or
 * undefined where some object stores anything but an int.
 */
export const STORED_INTS = 'ints:';
const MAX_STORED_INTS = 64;

/**
 * The prefix of the keys under which StoredStates holds, for a class (`text:__torch__.M`), the strings its objects
 * store at each item of their state: `[count, characters, longest]`, a str being `[1, n, n]` and a list
 * `[items, characters of its str items, longest str item]`, where every reference to a string counts its whole
 * length (torch's pickler writes a string repeated in a list once and refers to it again: the unpickler shares one
 * string, and each comparison still reads it). The largest of each over the class's objects; undefined where an
 * object stores anything else there or a length is not known.
 */
export const STORED_TEXT = 'text:';
/** Objects of one class whose state items are kept for their text; past this many, the class's text is not known. */
const MAX_TEXT_STATES = 4096;

/** The text an item of a state stores (see STORED_TEXT), or undefined. */
function storedText(v: PyVal): number[] | undefined {
  if (typeof v === 'string') return [1, v.length, v.length];
  if (typeof v !== 'object') return undefined;
  if (v.k === K.Str) return v.len >= 0 ? [1, v.len, v.len] : undefined;
  if (v.k === K.List && v.n !== undefined && v.textLost !== true && v.lostInto === undefined)
    return [v.n, v.chars ?? 0, v.longest ?? 0];
  return undefined;
}

/** The int values of two objects' item, or undefined when either is not a list of ints or there are too many. */
function unionInts(a: readonly number[] | undefined, b: readonly number[] | undefined): number[] | undefined {
  if (a === undefined || b === undefined) return undefined;
  const all = [...new Set([...a, ...b])];
  return all.length > MAX_STORED_INTS ? undefined : all;
}

/** An int the pickle stores, as a number (values past 2^53 rounded: 0, -1 and -2^63 stay exact). */
const storedInt = (v: PyVal): number[] | undefined =>
  typeof v === 'number' && Number.isInteger(v) ? [v] : typeof v === 'bigint' ? [Number(v)] : undefined;

/** The size a `torch._utils._rebuild_tensor_v2(storage, offset, size, ...)` call gives, when every part is read. */
export function rebuiltTensorDims(v: PyVal): number[] | undefined {
  if (typeof v !== 'object' || v.k !== K.Obj) return undefined;
  const callee = v.callee;
  if (typeof callee !== 'object' || callee.k !== K.Global) return undefined;
  if (callee.imp.module !== 'torch._utils' || callee.imp.name !== '_rebuild_tensor_v2') return undefined;
  const args = v.args;
  if (typeof args !== 'object' || args.k !== K.Tuple || args.items.length < 3) return undefined;
  const size = args.items[2]!;
  if (typeof size !== 'object' || size.k !== K.Tuple || size.more !== 0) return undefined;
  const dims: number[] = [];
  for (const d of size.items) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) return undefined;
    dims.push(d);
  }
  return dims;
}

/** Right-aligned, the larger of each dimension: a shape no smaller than either in any dimension. */
function widest(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = rank; i >= 1; i--) {
    const x = a.length - i >= 0 ? a[a.length - i]! : 1;
    const y = b.length - i >= 0 ? b[b.length - i]! : 1;
    out.push(Math.max(x, y));
  }
  return out;
}

/**
 * Collects the states applied to instances while one archive's pickles are read (LoaderModel.onState). A class
 * whose objects got a state that is not a tuple, or any state given to an object whose class is not named, leaves
 * that class (or every class) out: nothing is known of what its `__setstate__` receives.
 */
export class StoredStateCollector {
  private readonly byClass = new Map<string, (readonly number[] | undefined)[] | null>();
  private readonly texts = new Map<string, PyVal[][] | null>();
  private spoiled = false;

  readonly onState = (classes: ClassSet, state: PyVal): void => {
    if (classes.unknown || classes.names.length !== 1) {
      this.spoiled = true;
      return;
    }
    const name = classes.names[0]!;
    const seen = this.byClass.get(name);
    if (seen === null) return;
    if (typeof state !== 'object' || state.k !== K.Tuple) {
      this.byClass.set(name, null);
      this.byClass.set(STORED_INTS + name, null);
      this.texts.set(STORED_TEXT + name, null);
      return;
    }
    this.onInts(STORED_INTS + name, state);
    this.onText(STORED_TEXT + name, state);
    // Items past the kept prefix are not read.
    const items = state.items.map((v) => rebuiltTensorDims(v));
    if (seen === undefined) {
      this.byClass.set(name, state.more === 0 ? items : items.map(() => undefined));
      return;
    }
    const n = state.more === 0 ? Math.max(seen.length, items.length) : 0;
    const merged: (readonly number[] | undefined)[] = [];
    for (let i = 0; i < n; i++) {
      const a = seen[i];
      const b = items[i];
      merged.push(a === undefined || b === undefined ? undefined : widest(a, b));
    }
    // A shorter tuple leaves the missing items unread (`(state)[i]` past it raises at load).
    this.byClass.set(name, merged);
  };

  /** The int values of each item of a state tuple, merged into those other objects of the class store. */
  private onInts(key: string, state: TupleV): void {
    const seen = this.byClass.get(key);
    if (seen === null) return;
    const items = state.items.map(storedInt);
    if (state.more !== 0 || (seen !== undefined && seen.length !== items.length)) {
      this.byClass.set(key, null);
      return;
    }
    this.byClass.set(key, seen === undefined ? items : items.map((v, i) => unionInts(seen[i], v)));
  }

  /**
   * The items of a state tuple, kept for their text: a list's items are counted when the result is read, since the
   * stream may append to a list after the object that holds it was given its state.
   */
  private onText(key: string, state: TupleV): void {
    const seen = this.texts.get(key);
    if (seen === null) return;
    if (state.more !== 0 || (seen !== undefined && seen[0]!.length !== state.items.length)) {
      this.texts.set(key, null);
      return;
    }
    if (seen === undefined) this.texts.set(key, [state.items]);
    else if (seen.length < MAX_TEXT_STATES) seen.push(state.items);
    else this.texts.set(key, null);
  }

  /**
   * The value constants.pkl returns: torch.jit.load reads it as the table `CONSTANTS.c<i>` names, item i. Anything
   * but a tuple read to its end leaves the table unknown.
   */
  readonly onConstants = (value: PyVal): void => {
    if (typeof value !== 'object' || value.k !== K.Tuple || value.more !== 0) {
      this.byClass.set(CONSTANTS_TABLE, null);
      return;
    }
    const items = value.items.map((v) => rebuiltTensorDims(v));
    // A second spelling of the record (torch's lookup ignores case): the larger of each, or nothing when they differ.
    const seen = this.byClass.get(CONSTANTS_TABLE);
    if (seen === null) return;
    if (seen !== undefined && seen.length !== items.length) {
      this.byClass.set(CONSTANTS_TABLE, null);
      return;
    }
    this.byClass.set(
      CONSTANTS_TABLE,
      items.map((d, i) => {
        const a = seen?.[i];
        return seen === undefined ? d : a === undefined || d === undefined ? undefined : widest(a, d);
      }),
    );
  };

  /** Forgets everything: a pickle of the archive was not read to its end. */
  spoil(): void {
    this.spoiled = true;
  }

  /** The stored states by class, or undefined when any state went to an object whose class is not named. */
  result(): StoredStates | undefined {
    if (this.spoiled) return undefined;
    const out = new Map<string, StoredItems>();
    for (const [name, items] of this.byClass) if (items !== null) out.set(name, items);
    for (const [key, states] of this.texts) {
      if (states === null) continue;
      out.set(
        key,
        states[0]!.map((_, i) => {
          let most: number[] | undefined = [0, 0, 0];
          for (const items of states) {
            const t = storedText(items[i]!);
            most = t === undefined || most === undefined ? undefined : t.map((x, j) => Math.max(x, most![j]!));
          }
          return most;
        }),
      );
    }
    return out;
  }
}
