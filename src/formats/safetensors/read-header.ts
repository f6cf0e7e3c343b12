// The safetensors header as the reference reader checks it (safetensors/src/tensor.rs `read_metadata` and
// `Metadata::validate`): file layout `u64le N | N bytes of UTF-8 JSON | data`, N ≤ 100,000,000, the JSON an object
// of `name → {dtype, shape, data_offsets}` plus an optional `__metadata__` string map, offsets relative to the data
// start that tile the data exactly (sorted by start: each begins where the previous ended, the last ends at the end
// of the file) and each span equal to shape × dtype width. Only the header is read, never the tensor bytes.
import type { ByteSource } from '../../sources/byte-source.js';
import { HEADER_START, u64le } from './sniff.js';
import { jsonShape, pathStep } from '../json/json-shape.js';
import { READ_DTYPE_BITS } from './dtype.js';
import { MAX_HEADER_BYTES } from './write-header.js';

export interface SafetensorsTensor {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Byte offsets relative to the data start: [start, end). */
  readonly start: number;
  readonly end: number;
}

export interface SafetensorsProblem {
  /** Stable code (fingerprint input): HEADER_LENGTH, HEADER_JSON, DTYPE_UNKNOWN, OFFSET_GAP, … */
  readonly code: string;
  readonly message: string;
  /** File offset the problem is at (header fields: the header start). */
  readonly offset: number;
  /** JSON path inside the header, when the problem is one entry. */
  readonly path?: string;
}

export interface SafetensorsHeader {
  /** N, the declared header length. */
  readonly headerBytes: number;
  /** 8 + N: where tensor data begins. */
  readonly dataStart: number;
  /** True when the header is a JSON object (the file is recognisably safetensors, whatever else is wrong). */
  readonly parsed: boolean;
  readonly tensors: readonly SafetensorsTensor[];
  readonly metadata?: Readonly<Record<string, string>>;
  /** Everything the reference reader refuses (or where readers may disagree, like duplicate keys). */
  readonly problems: readonly SafetensorsProblem[];
  /** Set when a limit of ours stopped the read (the header was not checked): never a pass. */
  readonly limit?: string;
}

const MAX_PROBLEMS = 32;

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** serde_json's recursion limit: the reference reader refuses a header nested this deep (its 128th level). */
export const SERDE_MAX_DEPTH = 128;

/** A string serde_json refuses: a `\uD800`-style escape not part of a surrogate pair (JSON.parse keeps it). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
function hasLoneSurrogate(v: unknown): boolean {
  if (typeof v === 'string') return LONE_SURROGATE.test(v);
  if (Array.isArray(v)) return v.some(hasLoneSurrogate);
  if (v && typeof v === 'object')
    return Object.entries(v as Record<string, unknown>).some(([k, x]) => LONE_SURROGATE.test(k) || hasLoneSurrogate(x));
  return false;
}

/**
 * One pass over the header bytes before parsing: the deepest nesting and the number of top-level entries (a header
 * of a million entries or a million nested arrays costs seconds and hundreds of MB to parse and check).
 */
function headerShape(raw: Uint8Array): { depth: number; entries: number } {
  let depth = 0;
  let max = 0;
  let entries = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x3a && depth === 1) entries++;
  }
  return { depth: max, entries };
}

export interface ReadHeaderOptions {
  /** Top-level entries (tensors and __metadata__) read; a header with more is not parsed (`limit` says so). */
  readonly maxEntries?: number;
}

/** Reads and validates the header; never throws for malformed input (problems say what is wrong). */
export function readSafetensorsHeader(src: ByteSource, opts: ReadHeaderOptions = {}): SafetensorsHeader {
  const problems: SafetensorsProblem[] = [];
  const fail = (code: string, message: string, headerBytes = 0): SafetensorsHeader => ({
    headerBytes,
    dataStart: HEADER_START + headerBytes,
    parsed: false,
    tensors: [],
    problems: [{ code, message, offset: 0 }],
  });
  if (src.size < HEADER_START) return fail('HEADER_TOO_SMALL', `file of ${src.size} bytes has no 8-byte length prefix`);
  const n = u64le(src.read(0, HEADER_START));
  if (n > MAX_HEADER_BYTES)
    return fail('HEADER_TOO_LARGE', `declared header of ${n} bytes exceeds the reference limit ${MAX_HEADER_BYTES}`);
  if (HEADER_START + n > src.size)
    return fail('HEADER_LENGTH', `declared header of ${n} bytes runs past the end of the ${src.size}-byte file`);
  const raw = src.read(HEADER_START, n);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw);
  } catch {
    return fail('HEADER_UTF8', 'header is not valid UTF-8', n);
  }
  const pre = headerShape(raw);
  if (pre.depth >= SERDE_MAX_DEPTH)
    return fail(
      'HEADER_JSON',
      `header JSON nested ${pre.depth} levels deep: serde_json, the reference reader's parser, refuses ${SERDE_MAX_DEPTH} or more`,
      n,
    );
  if (opts.maxEntries !== undefined && pre.entries > opts.maxEntries)
    return {
      ...fail('HEADER_ENTRIES', `header of ${pre.entries} entries`, n),
      limit: `the header lists ${pre.entries} entries, more than maxEntries (${opts.maxEntries}); it was not parsed`,
    };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail('HEADER_JSON', `header is not JSON (${(e as Error).message})`, n);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return fail('HEADER_JSON', 'header is JSON but not an object', n);
  if (hasLoneSurrogate(json))
    return fail('HEADER_JSON', 'header has a string with a lone UTF-16 surrogate escape, which serde_json refuses', n);
  const add = (code: string, message: string, path?: string): void => {
    if (problems.length < MAX_PROBLEMS)
      problems.push({ code, message, offset: HEADER_START, ...(path ? { path } : {}) });
  };
  // Whitespace before the object is accepted: the reference reader's `starts_with('{')` check is commented out
  // ("Add when we move to 0.4.0", still so) and serde_json skips leading whitespace.
  const shape = jsonShape(text);
  for (const d of shape.duplicates) {
    add(
      'DUPLICATE_KEY',
      `key ${JSON.stringify(d.key)} appears more than once in ${d.path}: readers disagree on which entry counts`,
      d.path + pathStep(d.key),
    );
  }
  if (shape.nonIntegerNumbers > 0)
    add('NUMBER_FORMAT', `${shape.nonIntegerNumbers} number(s) written with a sign, fraction or exponent`);

  const tensors: SafetensorsTensor[] = [];
  let metadata: Record<string, string> | undefined;
  for (const [name, info] of Object.entries(json as Record<string, unknown>)) {
    const path = '$' + pathStep(name);
    if (name === '__metadata__') {
      if (info === null) continue;
      if (typeof info !== 'object' || Array.isArray(info)) {
        add('METADATA_TYPE', '__metadata__ is not a string-to-string map', path);
        continue;
      }
      metadata = {};
      for (const [k, v] of Object.entries(info as Record<string, unknown>)) {
        if (typeof v === 'string') metadata[k] = v;
        else add('METADATA_TYPE', `metadata value ${JSON.stringify(k)} is not a string`, path + pathStep(k));
      }
      continue;
    }
    if (typeof info !== 'object' || info === null || Array.isArray(info)) {
      add('TENSOR_INFO', `entry ${JSON.stringify(name)} is not a {dtype, shape, data_offsets} object`, path);
      continue;
    }
    const { dtype, shape: dims, data_offsets: offs } = info as Record<string, unknown>;
    if (typeof dtype !== 'string' || !READ_DTYPE_BITS.has(dtype)) {
      add(
        'DTYPE_UNKNOWN',
        `tensor ${JSON.stringify(name)} has dtype ${JSON.stringify(dtype)}, unknown to safetensors`,
        path,
      );
      continue;
    }
    if (!Array.isArray(dims) || !dims.every(isCount)) {
      add('TENSOR_INFO', `tensor ${JSON.stringify(name)} has a shape that is not a list of unsigned integers`, path);
      continue;
    }
    if (!Array.isArray(offs) || offs.length !== 2 || !isCount(offs[0]) || !isCount(offs[1])) {
      add('TENSOR_INFO', `tensor ${JSON.stringify(name)} has data_offsets that are not two unsigned integers`, path);
      continue;
    }
    tensors.push({ name, dtype, shape: dims as number[], start: offs[0], end: offs[1] });
  }
  validateLayout(tensors, src.size - HEADER_START - n, add);
  return {
    headerBytes: n,
    dataStart: HEADER_START + n,
    parsed: true,
    tensors,
    ...(metadata ? { metadata } : {}),
    problems,
  };
}

/** Byte size of a tensor (the reference's element count × bits / 8), or undefined on overflow or a partial byte. */
export function tensorByteSize(dtype: string, shape: readonly number[]): number | 'overflow' | 'partial-byte' {
  const bits = READ_DTYPE_BITS.get(dtype) ?? 8;
  let elements = 1;
  for (const d of shape) {
    elements *= d;
    if (!Number.isSafeInteger(elements)) return 'overflow';
  }
  const totalBits = elements * bits;
  if (!Number.isSafeInteger(totalBits)) return 'overflow';
  return totalBits % 8 === 0 ? totalBits / 8 : 'partial-byte';
}

function validateLayout(
  tensors: readonly SafetensorsTensor[],
  dataBytes: number,
  add: (code: string, message: string, path?: string) => void,
): void {
  const sorted = [...tensors].sort((a, b) => a.start - b.start || a.end - b.end);
  let expected = 0;
  for (const t of sorted) {
    const path = '$' + pathStep(t.name) + '.data_offsets';
    const label = JSON.stringify(t.name);
    if (t.end < t.start) add('OFFSET_ORDER', `tensor ${label} ends (${t.end}) before it starts (${t.start})`, path);
    else if (t.start > expected)
      add(
        'OFFSET_GAP',
        `tensor ${label} starts at ${t.start}, leaving ${t.start - expected} unaccounted byte(s)`,
        path,
      );
    else if (t.start < expected)
      add(
        'OFFSET_OVERLAP',
        `tensor ${label} starts at ${t.start}, inside the previous tensor (ends ${expected})`,
        path,
      );
    const size = tensorByteSize(t.dtype, t.shape);
    if (size === 'overflow') add('SIZE_OVERFLOW', `tensor ${label}: shape × dtype overflows`, path);
    else if (size === 'partial-byte')
      add(
        'SIZE_MISMATCH',
        `tensor ${label}: ${t.dtype} × [${t.shape.join(', ')}] is not a whole number of bytes`,
        path,
      );
    else if (t.end >= t.start && t.end - t.start !== size)
      add(
        'SIZE_MISMATCH',
        `tensor ${label}: ${t.dtype} × [${t.shape.join(', ')}] is ${size} bytes but data_offsets span ${t.end - t.start}`,
        path,
      );
    if (t.end > dataBytes)
      add('OFFSET_BOUNDS', `tensor ${label} ends at ${t.end}, beyond the ${dataBytes} data bytes in the file`, path);
    expected = Math.max(expected, t.end);
  }
  if (expected < dataBytes)
    add('TRAILING_DATA', `${dataBytes - expected} byte(s) after the last tensor that no header entry covers`);
}
