// Flattens a data tree into what a safetensors file can hold: tensors named by their dotted key paths, plain
// values (a container whose leaves are all plain is one value) as JSON text in the way Python's json.dumps writes
// it (NaN/Infinity, big ints, "1.0" for floats), and everything else listed as dropped with its path.
import { floatText } from './rebuild.js';
import type { Node, TensorRef } from './tree.js';

export interface FlatTensor {
  readonly name: string;
  readonly ref: TensorRef;
}
export interface FlatValue {
  readonly key: string;
  readonly json: string;
}
export interface FlatDropped {
  readonly path: string;
  readonly what: string;
}
export interface Flat {
  readonly tensors: FlatTensor[];
  readonly values: FlatValue[];
  readonly dropped: FlatDropped[];
}

function join(path: string, seg: string): string {
  return path === '' ? seg : `${path}.${seg}`;
}

export function flatten(root: Node): Flat {
  const out: Flat = { tensors: [], values: [], dropped: [] };
  const plain = new WeakMap<Node, boolean>();
  const isPlain = (n: Node): boolean => {
    const known = plain.get(n);
    if (known !== undefined) return known;
    let r: boolean;
    if (n.t === 'plain') r = true;
    else if (n.t === 'seq') r = n.items.every(isPlain);
    else if (n.t === 'map') r = n.attrs.length === 0 && n.entries.every(([, c]) => isPlain(c));
    else r = false;
    plain.set(n, r);
    return r;
  };
  const names = new Set<string>();
  const keys = new Set<string>();
  const walk = (n: Node, path: string): void => {
    if (n.t === 'tensor') {
      if (names.has(path)) {
        out.tensors.push({ name: path, ref: { ...n.ref, unsupported: 'its name is also the name of another tensor' } });
      } else {
        names.add(path);
        out.tensors.push({ name: path, ref: n.ref });
      }
      return;
    }
    if (n.t === 'dropped') {
      out.dropped.push({ path, what: n.what });
      return;
    }
    if (isPlain(n)) {
      if (keys.has(path)) out.dropped.push({ path, what: 'a value whose key path repeats another one' });
      else {
        keys.add(path);
        out.values.push({ key: path, json: toJson(n) });
      }
      return;
    }
    if (n.t === 'seq') n.items.forEach((c, i) => walk(c, join(path, String(i))));
    else if (n.t === 'map') {
      for (const [k, c] of n.entries) walk(c, join(path, k));
      for (const [k, c] of n.attrs) walk(c, join(path, k));
    }
  };
  walk(root, '');
  return out;
}

/** JSON of a plain subtree, as Python's json.dumps would write it (compact separators). */
export function toJson(n: Node): string {
  switch (n.t) {
    case 'plain': {
      const v = n.value;
      if (v === null) return 'null';
      if (typeof v === 'boolean') return v ? 'true' : 'false';
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'string') return JSON.stringify(v);
      return n.float ? floatText(v) : String(v);
    }
    case 'seq':
      return `[${n.items.map(toJson).join(',')}]`;
    case 'map':
      return `{${n.entries.map(([k, c]) => `${JSON.stringify(k)}:${toJson(c)}`).join(',')}}`;
    default:
      throw new TypeError('not a plain value');
  }
}
