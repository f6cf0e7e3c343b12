// Keras 3 models pickled whole (pickle.dumps(model)). From Keras 3.3 a model's __reduce__ saves it to an in-memory
// `.keras` archive and returns (cls._unpickle_model, (io.BytesIO(archive),)); pickle writes the bound classmethod as
// getattr(<model class>, '_unpickle_model'). Loading calls saving_lib._load_model_from_fileobj(bytesio, ...,
// safe_mode=False), which opens the BytesIO with zipfile and builds the model its config.json describes: whatever
// that archive holds (Lambda bytecode, custom objects imported from other modules) runs with nothing refused. The
// classes and releases are read from Keras's source (scripts/data/derive-keras-unpickle.py).
//
// Keras 2.11 - 2.15 write a built model as <keras.saving | keras.src.saving>.pickle_utils.
// deserialize_model_from_bytecode(<the bytes of a .keras zip>): loading writes the bytes to a file that
// saving_lib.load_model loads (safe_mode=False; 2.11's load_model has no safe mode), so the archive is scanned as a
// nested artifact read the same way. 2.7 - 2.10 hand the same function a numpy array of a tar of a SavedModel
// directory: not this shape, so not admitted.
import unpickle from './data/keras-unpickle.json' with { type: 'json' };
import { lazyJson } from '../../core/lazy-json.js';
import type { ImportFact } from './facts.js';
import { K, type PyVal } from './values.js';

export const UNPICKLE_ATTR = '_unpickle_model';

/** The table, parsed on the first question (the CLI bundle keeps its text unparsed: scripts/bundle.mjs). */
const table = lazyJson<typeof unpickle>(unpickle);
let classes: ReadonlyMap<string, string> | undefined;
let calls: ReadonlyMap<string, string> | undefined;
let keras2: ReadonlyMap<string, string> | undefined;

/** Keras model classes whose released versions pickle through `_unpickle_model`, with those versions. */
export const kerasUnpickleClasses = (): ReadonlyMap<string, string> =>
  (classes ??= new Map(Object.entries(table().classes).map(([name, c]) => [name, `keras ${c.versions}`])));

/** The derived names `<class>._unpickle_model` a whole-model pickle calls, with the class's versions. */
export const kerasUnpickleCalls = (): ReadonlyMap<string, string> =>
  (calls ??= new Map([...kerasUnpickleClasses()].map(([name, versions]) => [`${name}.${UNPICKLE_ATTR}`, versions])));

/** Keras 2's whole-model deserialize functions (module-level, called with the archive's bytes), with their releases. */
export const keras2DeserializeFunctions = (): ReadonlyMap<string, string> =>
  (keras2 ??= new Map(Object.entries(table().keras2).map(([name, c]) => [name, `keras ${c.versions}`])));

/** A nested loader that hands its archive to Keras's whole-model load with nothing refused (either major). */
export function loadsKerasUnsafely(canonical: string): boolean {
  return kerasUnpickleCalls().has(canonical) || keras2DeserializeFunctions().has(canonical);
}

/** What loading runs on the archive: said with every finding read from it. */
export const UNSAFE_LOAD =
  'the pickle hands this archive to Keras as a whole model (Keras 3 _unpickle_model: ' +
  'saving_lib._load_model_from_fileobj with safe_mode=False; Keras 2 deserialize_model_from_bytecode: ' +
  'saving_lib.load_model with safe_mode=False), so loading it deserialises this unsafely, with nothing refused';

/**
 * getattr's arguments in the shape a Keras model pickle writes: (<an import of a kerasUnpickleClasses() class, as
 * named, not reached through another call>, '_unpickle_model'). Returns that class import.
 */
export function kerasGetattrClass(args: PyVal): ImportFact | undefined {
  if (typeof args !== 'object' || args.k !== K.Tuple || args.more !== 0 || args.items.length !== 2) return undefined;
  const [cls, attr] = args.items as [PyVal, PyVal];
  if (attr !== UNPICKLE_ATTR || typeof cls !== 'object' || cls.k !== K.Global) return undefined;
  const imp = cls.imp;
  if (imp.derivedVia !== undefined || imp.unresolved !== undefined) return undefined;
  return kerasUnpickleClasses().has(imp.canonical) ? imp : undefined;
}

const ZIP_LOCAL = [0x50, 0x4b, 0x03, 0x04];

/**
 * Why a call `<class>._unpickle_model(args)` is not in the shape Keras writes, or undefined when it is: one argument,
 * an io.BytesIO whose contents are a bytes literal of the stream (scanned as a nested artifact) that starts with a
 * zip local header, and whose instance dict the stream did not fill (zipfile calls the file's read/seek/tell, which an
 * instance attribute would answer).
 */
export function kerasUnpickleArgProblem(
  args: PyVal,
  bytesOf: (v: PyVal) => Uint8Array | undefined,
): string | undefined {
  if (typeof args !== 'object' || args.k !== K.Tuple || args.more !== 0 || args.items.length !== 1)
    return 'not called with one argument';
  const f = args.items[0]!;
  if (typeof f !== 'object' || f.k !== K.FileLike) return 'the argument is not an io.BytesIO';
  if (f.plantedSetstate !== undefined || f.dict === true) return 'the BytesIO carries an instance dict';
  const b = f.bytes;
  const literal = b.k === K.Bytes && (b.off >= 0 || b.via === "_codecs.encode(str, 'latin1')");
  const data = literal ? bytesOf(b) : undefined;
  if (data === undefined) return 'the BytesIO does not hold a bytes literal of the stream';
  if (data.length < 4 || ZIP_LOCAL.some((x, i) => data[i] !== x)) return 'the BytesIO does not hold a zip archive';
  return undefined;
}

/**
 * Why a call `deserialize_model_from_bytecode(args)` is not in the shape Keras 2 writes, or undefined when it is: one
 * argument, a bytes literal of the stream (scanned as a nested artifact) that starts with a zip local header.
 */
export function keras2ArgProblem(args: PyVal, bytesOf: (v: PyVal) => Uint8Array | undefined): string | undefined {
  if (typeof args !== 'object' || args.k !== K.Tuple || args.more !== 0 || args.items.length !== 1)
    return 'not called with one argument';
  const b = args.items[0]!;
  const literal = typeof b === 'object' && b.k === K.Bytes && (b.off >= 0 || b.via === "_codecs.encode(str, 'latin1')");
  const data = literal ? bytesOf(b) : undefined;
  if (data === undefined) return 'the argument is not a bytes literal of the stream';
  if (data.length < 4 || ZIP_LOCAL.some((x, i) => data[i] !== x)) return 'the bytes are not a zip archive';
  return undefined;
}
