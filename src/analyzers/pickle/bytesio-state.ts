// io.BytesIO.__setstate__ (CPython Modules/_io/bytesio.c), what pickle calls on BUILD for a BytesIO (protocol >= 2
// writes BytesIO's __getstate__ tuple): the state is a tuple of at least 3 items (longer ones are accepted),
// (contents, position, instance dict). The contents are written through the buffer protocol (a str raises), the
// position is an int >= 0 that fits a Py_ssize_t, the dict is None or a dict that becomes (or updates) the instance
// __dict__. It runs no Python code.
import { K, type BytesV, type DictV, type PyVal } from './values.js';

const SSIZE_MAX = (1n << 63n) - 1n;

export type BytesioState =
  | {
      readonly ok: true;
      /** The new contents, or undefined when the scanner cannot know them (an object's buffer, an unknown item). */
      readonly contents: BytesV | undefined;
      /** The position the next read starts at. */
      readonly pos: number;
      readonly dict: DictV | undefined;
    }
  | { readonly ok: false; readonly error: string };

/** Values whose type the scanner does not know (an object made by a call, a persistent id, …). */
function opaque(v: PyVal): boolean {
  return typeof v === 'object' && (v.k === K.Obj || v.k === K.Unknown || v.k === K.Pers || v.k === K.Buffer);
}

const fail = (error: string): BytesioState => ({ ok: false, error: `BytesIO.__setstate__: ${error}` });

/** What BytesIO.__setstate__(state) does, or the error CPython raises. Unknown parts stay unknown, never errors. */
export function bytesioSetstate(state: PyVal): BytesioState {
  if (typeof state !== 'object' || state.k !== K.Tuple) return fail('the state should be a 3-tuple');
  if (state.items.length < 3 && state.more === 0)
    return fail(`the state should be a 3-tuple, got ${state.items.length} items`);
  const [data, position, dict] = state.items;
  let known = true;
  let contents: BytesV | undefined;
  if (typeof data === 'object' && (data.k === K.Bytes || data.k === K.ByteArray)) contents = data;
  else if (data === undefined || opaque(data)) known = false;
  else return fail('the contents do not support the buffer protocol');
  let pos = 0;
  if (typeof position === 'number' || typeof position === 'bigint') {
    const p = BigInt(position);
    if (p < 0n) return fail('position value cannot be negative');
    if (p > SSIZE_MAX) return fail('the position does not fit a Py_ssize_t');
    pos = Number(p > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : p);
  } else if (typeof position === 'object' && (position.k === K.True || position.k === K.False))
    pos = position.k === K.True ? 1 : 0;
  else if (position === undefined || opaque(position)) known = false;
  else return fail('the second item of the state must be an integer');
  if (typeof dict === 'object' && dict.k === K.Dict)
    return { ok: true, contents: known ? contents : undefined, pos, dict };
  if (dict === undefined || (typeof dict === 'object' && (dict.k === K.None || opaque(dict))))
    return { ok: true, contents: known ? contents : undefined, pos, dict: undefined };
  return fail('the third item of the state should be a dict');
}
