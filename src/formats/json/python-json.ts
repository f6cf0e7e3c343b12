// JSON as Python's json module reads it (json.loads, what transformers, Keras and most Python loaders use): RFC 8259
// plus the constants NaN, Infinity and -Infinity, which JSON.parse refuses. A file Python reads must not be
// treated as "not JSON" here: its chat templates, auto_map and shard paths would go unread.

/** The non-standard number constants Python's json accepts outside strings. */
const CONSTANTS = ['-Infinity', 'Infinity', 'NaN'] as const;

/**
 * Parses `text` as Python's json.loads does (values of NaN/Infinity become null: no check here depends on them).
 * Throws SyntaxError where Python's json would also refuse (test/formats/json/python-json.test.ts).
 */
export function parsePythonJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    if (!/NaN|Infinity/.test(text)) throw e;
    return JSON.parse(replaceConstants(text));
  }
}

/** The text with every NaN / Infinity / -Infinity token outside strings replaced by null. */
function replaceConstants(text: string): string {
  const out: string[] = [];
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    if (c !== 0x2d && c !== 0x49 && c !== 0x4e) continue; // '-', 'I', 'N'
    for (const k of CONSTANTS) {
      if (text.startsWith(k, i)) {
        out.push(text.slice(last, i), 'null');
        i += k.length - 1;
        last = i + 1;
        break;
      }
    }
  }
  out.push(text.slice(last));
  return out.join('');
}

/** Object keys in a JSON text (`:` outside strings), counted without parsing: a bound before JSON.parse. */
export function countJsonKeys(bytes: Uint8Array): number {
  let keys = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x3a) keys++;
  }
  return keys;
}
