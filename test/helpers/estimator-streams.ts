// Streams shaped as pickle.dump writes a scikit-learn-style estimator (NEWOBJ of the class with no arguments, then
// BUILD of its __dict__) and the numpy arrays it holds, for pack tests of libraries with no installable release here.
import { Op } from '../../src/formats/pickle/opcodes.js';
import { P } from './pickle-builder.js';

/** A value written onto the stream. */
export type Field = (p: P) => P;

/** numpy.core.multiarray._reconstruct(ndarray, (0,), b'b') then BUILD (1, shape, dtype, False, data). */
export function ndarray(p: P, dtype: 'f8' | 'i8', shape: readonly number[]): P {
  const count = shape.reduce((a, b) => a * b, 1);
  p.stackGlobal('numpy.core.multiarray', '_reconstruct')
    .stackGlobal('numpy', 'ndarray')
    .int(0)
    .tuple1()
    .sbb(new Uint8Array([0x62]))
    .op(Op.TUPLE3)
    .reduce()
    .mark()
    .int(1);
  p.mark();
  for (const d of shape) p.int(d);
  p.op(Op.TUPLE);
  p.stackGlobal('numpy', 'dtype').sbu(dtype).op(Op.NEWFALSE).op(Op.NEWTRUE).op(Op.TUPLE3).reduce();
  p.mark().int(3).sbu('<').none().none().none().int(-1).int(-1).int(0).op(Op.TUPLE).build();
  return p
    .op(Op.NEWFALSE)
    .sbb(new Uint8Array(count * 8))
    .op(Op.TUPLE)
    .build();
}

/** An object: NEWOBJ of the class with no arguments, BUILD of a dict of its fields. */
export function object(module: string, name: string, fields: readonly [string, Field][]): Field {
  return (p) => {
    p.stackGlobal(module, name).emptyTuple().newobj().emptyDict().mark();
    for (const [key, value] of fields) value(p.sbu(key));
    return p.op(Op.SETITEMS).build();
  };
}

/** pickle.dump of an estimator (protocol 4). */
export function estimator(module: string, name: string, fields: readonly [string, Field][]): Uint8Array {
  return object(module, name, fields)(new P().proto(4)).stop().bytes();
}

export const s =
  (v: string): Field =>
  (p) =>
    p.sbu(v);
export const n =
  (v: number): Field =>
  (p) =>
    p.int(v);
/** A float (BINFLOAT, big-endian). */
export const f =
  (v: number): Field =>
  (p) => {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(v);
    return p.op(Op.BINFLOAT, b);
  };
export const none: Field = (p) => p.none();
export const bool =
  (v: boolean): Field =>
  (p) =>
    p.op(v ? Op.NEWTRUE : Op.NEWFALSE);
export const arr =
  (dtype: 'f8' | 'i8', ...shape: number[]): Field =>
  (p) =>
    ndarray(p, dtype, shape);
/** A list of the values. */
export const list =
  (...items: Field[]): Field =>
  (p) => {
    p.emptyList().mark();
    for (const item of items) item(p);
    return p.op(Op.APPENDS);
  };
/** A tuple of the values. */
export const tuple =
  (...items: Field[]): Field =>
  (p) => {
    p.mark();
    for (const item of items) item(p);
    return p.op(Op.TUPLE);
  };
/** A dict of string keys. */
export const dict =
  (...items: [string, Field][]): Field =>
  (p) => {
    p.emptyDict().mark();
    for (const [k, v] of items) v(p.sbu(k));
    return p.op(Op.SETITEMS);
  };
