// Pickles carried inside JSON as base64 text: stable-baselines3 saves what JSON cannot hold (spaces, schedules,
// policy classes, arrays) as objects `{":type:": …, ":serialized:": "<base64>"}` in its archive's `data` member, and
// its loader base64-decodes every such string and hands the bytes to cloudpickle.loads. Any JSON object holding a
// ":serialized:" string is read that way here, at any depth, whatever the file is named: the bytes are a pickle a
// loader runs.

/** The key stable-baselines3 stores a pickled value's base64 text under. */
export const SERIALIZED_KEY = ':serialized:';

/** One ":serialized:" value: where it is (JSON Pointer of the object holding it) and its decoded bytes. */
export interface SerializedValue {
  readonly path: string;
  /** The bytes Python's base64.b64decode gives for the text, or undefined where it raises (nothing is loaded). */
  readonly bytes: Uint8Array | undefined;
  /** Why decoding fails, when it does. */
  readonly error?: string;
}

/** At most this many JSON nodes are visited; past it `truncated` is set (a limit, reported by the caller). */
export const MAX_SERIALIZED_NODES = 5_000_000;

function pointerPart(k: string | number): string {
  return String(k).replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Every object holding a string ":serialized:" in `json`, in document order, with its decoded bytes. */
export function serializedValues(json: unknown): { values: SerializedValue[]; truncated: boolean } {
  const values: SerializedValue[] = [];
  const stack: { v: unknown; path: string }[] = [{ v: json, path: '' }];
  let nodes = 0;
  while (stack.length) {
    if (++nodes > MAX_SERIALIZED_NODES) return { values, truncated: true };
    const { v, path } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: `${path}/${i}` });
      continue;
    }
    const o = v as Record<string, unknown>;
    const text = o[SERIALIZED_KEY];
    if (typeof text === 'string') {
      const d = pythonB64decode(new TextEncoder().encode(text));
      values.push({ path: path || '/', bytes: d.bytes, ...(d.error ? { error: d.error } : {}) });
    }
    const keys = Object.keys(o);
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i]!;
      if (k !== SERIALIZED_KEY) stack.push({ v: o[k], path: `${path}/${pointerPart(k)}` });
    }
  }
  return { values, truncated: false };
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const SEXTET = (() => {
  const t = new Int8Array(256).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) t[ALPHABET.charCodeAt(i)] = i;
  return t;
})();

/**
 * base64.b64decode(data) with its defaults (binascii.a2b_base64, not strict): bytes outside the alphabet are
 * skipped; a "=" counts as padding only once two data characters of a quantum are in, and a complete pad ends the
 * input (what follows is ignored); a "=" too early is skipped, and a data character after a partial pad starts the
 * count again. Input ending inside a quantum raises (one data character left: too short; two or three: incorrect
 * padding).
 */
export function pythonB64decode(data: Uint8Array): { bytes: Uint8Array | undefined; error?: string } {
  const out = new Uint8Array(Math.floor((data.length * 3) / 4) + 3);
  let n = 0;
  let quad = 0;
  let left = 0;
  let pads = 0;
  for (let i = 0; i < data.length; i++) {
    const c = data[i]!;
    if (c === 0x3d) {
      if (quad >= 2 && quad + ++pads >= 4) return { bytes: out.slice(0, n) };
      continue;
    }
    const s = SEXTET[c]!;
    if (s < 0) continue;
    pads = 0;
    switch (quad) {
      case 0:
        left = s;
        quad = 1;
        break;
      case 1:
        out[n++] = ((left << 2) | (s >> 4)) & 0xff;
        left = s & 0x0f;
        quad = 2;
        break;
      case 2:
        out[n++] = ((left << 4) | (s >> 2)) & 0xff;
        left = s & 0x03;
        quad = 3;
        break;
      default:
        out[n++] = ((left << 6) | s) & 0xff;
        left = 0;
        quad = 0;
    }
  }
  if (quad === 1) return { bytes: undefined, error: 'one base64 character more than a multiple of 4' };
  if (quad !== 0) return { bytes: undefined, error: 'incorrect base64 padding' };
  return { bytes: out.slice(0, n) };
}

/**
 * The loader context of the pickles in a stable-baselines3 model's `data` member (a JSON object whose policy class is
 * such a value): its load unpickles each value with cloudpickle, except the keys given in its custom_objects.
 */
export const SB3_DATA = 'stable-baselines3';

/** The top-level key of the `data` value a location inside it names (its `[base64 #/key]` layer), if one. */
export function sb3DataKey(chain: readonly string[]): string | undefined {
  for (let i = chain.length - 1; i >= 0; i--) {
    const m = /^\[base64 #\/([^/]+)\]$/.exec(chain[i]!);
    if (m) return m[1]!.replace(/~1/g, '/').replace(/~0/g, '~');
    if (chain[i]!.startsWith('[base64 #')) return undefined;
  }
  return undefined;
}
