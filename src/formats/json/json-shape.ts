// What JSON.parse hides about a JSON text (RFC 8259): keys that appear twice in one object (JSON.parse and
// Python's json keep the last, serde's derived structs refuse some, streaming readers keep the first) and number
// tokens written with a fraction, an exponent or a sign (a reader deserialising into unsigned integers refuses
// them, JSON.parse turns `1.0` into 1). Runs on text JSON.parse has accepted, so the scan only tracks structure.

export interface DuplicateKey {
  /** JSON path of the object holding the key twice (`$`, `$.a`, `$.a[2]`). */
  readonly path: string;
  readonly key: string;
}

export interface JsonShape {
  readonly duplicates: readonly DuplicateKey[];
  /** Number tokens that are not plain non-negative integers (`-1`, `1.0`, `1e3`). */
  readonly nonIntegerNumbers: number;
}

interface Frame {
  readonly object: boolean;
  readonly path: string;
  readonly keys: Set<string>;
  /** Object: the next string is a key. Array: index of the next element. */
  expectKey: boolean;
  index: number;
  /** The key (object) or index (array) the current value sits at. */
  current: string;
}

const MAX_DUPLICATES = 64;

/** JSON path step for a key (`.name` when it is an identifier, else `["…"]`). */
export function pathStep(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** Scans JSON text that JSON.parse accepted; iterative (no recursion), linear in the text length. */
export function jsonShape(text: string): JsonShape {
  const duplicates: DuplicateKey[] = [];
  let nonIntegerNumbers = 0;
  const stack: Frame[] = [];
  const childPath = (): string => {
    const top = stack[stack.length - 1];
    return top === undefined ? '$' : top.path + top.current;
  };
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 0x5c) j += 2;
        else if (d === 0x22) break;
        else j++;
      }
      const top = stack[stack.length - 1];
      if (top?.object && top.expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) {
          if (duplicates.length < MAX_DUPLICATES) duplicates.push({ path: top.path, key });
        } else top.keys.add(key);
        top.current = pathStep(key);
        top.expectKey = false;
      }
      i = j + 1;
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const path = childPath();
      stack.push({ object: c === 0x7b, path, keys: new Set(), expectKey: c === 0x7b, index: 0, current: '[0]' });
      i++;
      continue;
    }
    if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      i++;
      continue;
    }
    if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.object) top.expectKey = true;
      else if (top) top.current = `[${++top.index}]`;
      i++;
      continue;
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i;
      let plain = c !== 0x2d;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 0x2e || d === 0x65 || d === 0x45 || d === 0x2b || d === 0x2d) plain = false;
        else if (!(d >= 0x30 && d <= 0x39)) break;
        j++;
      }
      if (!plain) nonIntegerNumbers++;
      i = j;
      continue;
    }
    i++;
  }
  return { duplicates, nonIntegerNumbers };
}
