// Legacy (non-zip) torch.save layout, as torch's _legacy_load reads it: five stacked pickles — magic number
// (0x1950a86a20f9469cfc6c), protocol version (1001), sys_info, the object (persistent ids name storages), the
// list of storage keys — then, for each key in that list order, an int64 element count and the storage bytes
// (count × element size of the storage's dtype).
import type { ByteSource } from '../../sources/byte-source.js';
import { PickleDecoder } from '../pickle/decoder.js';
import { Op } from '../pickle/opcodes.js';

export const LEGACY_MAGIC = '119547037146038801333356';
export const LEGACY_PROTOCOL_VERSION = 1001;

/** Bytes per element of each storage class named in legacy persistent ids (torch._utils._element_size). */
export const STORAGE_ELEMENT_SIZES: Readonly<Record<string, number>> = {
  DoubleStorage: 8,
  FloatStorage: 4,
  HalfStorage: 2,
  BFloat16Storage: 2,
  LongStorage: 8,
  IntStorage: 4,
  ShortStorage: 2,
  CharStorage: 1,
  ByteStorage: 1,
  BoolStorage: 1,
  ComplexDoubleStorage: 16,
  ComplexFloatStorage: 8,
  QInt8Storage: 1,
  QUInt8Storage: 1,
  QInt32Storage: 4,
  QUInt4x2Storage: 1,
  QUInt2x4Storage: 1,
  UntypedStorage: 1,
};

export function elementSize(storageClass: string | undefined): number | undefined {
  if (!storageClass) return undefined;
  const name = storageClass.slice(storageClass.lastIndexOf('.') + 1);
  return Object.hasOwn(STORAGE_ELEMENT_SIZES, name) ? STORAGE_ELEMENT_SIZES[name] : undefined;
}

/**
 * Reads the storage-keys pickle (a list of str, as `pickle.dump(list_of_keys, protocol=2)` writes it) in order.
 * Returns undefined when the pickle holds anything but list, str and memo opcodes.
 */
export function readKeyList(src: ByteSource, start: number, end: number): string[] | undefined {
  const d = new PickleDecoder(src, start, end);
  const memo = new Map<number, string>();
  const keys: string[] = [];
  let last: string | undefined;
  while (d.next()) {
    switch (d.op) {
      case Op.PROTO:
      case Op.FRAME:
      case Op.EMPTY_LIST:
      case Op.MARK:
      case Op.APPENDS:
      case Op.APPEND:
        break;
      case Op.BINUNICODE:
      case Op.SHORT_BINUNICODE:
      case Op.BINUNICODE8:
      case Op.UNICODE:
      case Op.STRING:
      case Op.BINSTRING:
      case Op.SHORT_BINSTRING:
        if (d.str === undefined) return undefined;
        last = d.str;
        keys.push(d.str);
        break;
      case Op.BINPUT:
      case Op.LONG_BINPUT:
      case Op.PUT:
      case Op.MEMOIZE:
        if (last !== undefined) memo.set(d.op === Op.MEMOIZE ? memo.size : d.num, last);
        break;
      case Op.BINGET:
      case Op.LONG_BINGET:
      case Op.GET: {
        const v = memo.get(d.num);
        if (v === undefined) return undefined;
        keys.push(v);
        break;
      }
      case Op.STOP:
        return keys;
      default:
        return undefined;
    }
  }
  return undefined;
}

export interface StorageWalk {
  /** Offset just past the last storage. */
  readonly end: number;
  /** Where each storage's bytes start and how many elements it declares, by key (storages walked so far). */
  readonly storages: ReadonlyMap<string, { readonly dataOffset: number; readonly numel: number }>;
  readonly problems: readonly { code: string; message: string; offset: number }[];
}

/** Walks the raw storages after the keys pickle, the way _legacy_load's `_set_from_file` reads them. */
export function walkStorages(
  src: ByteSource,
  start: number,
  keys: readonly string[],
  storageTypes: ReadonlyMap<string, string>,
): StorageWalk {
  let pos = start;
  const problems: { code: string; message: string; offset: number }[] = [];
  const storages = new Map<string, { dataOffset: number; numel: number }>();
  for (const key of keys) {
    const size = elementSize(storageTypes.get(key));
    if (size === undefined) {
      problems.push({
        code: 'LEGACY_STORAGE_UNKNOWN',
        message: `storage key ${JSON.stringify(key)} has no storage type in the object's persistent ids`,
        offset: pos,
      });
      return { end: pos, problems, storages };
    }
    const head = src.read(pos, 8);
    if (head.length < 8) {
      problems.push({
        code: 'LEGACY_STORAGE_TRUNCATED',
        message: `storage ${JSON.stringify(key)} header runs past the end`,
        offset: pos,
      });
      return { end: src.size, problems, storages };
    }
    const numel = Number(new DataView(head.buffer, head.byteOffset, 8).getBigInt64(0, true));
    const bytes = numel * size;
    if (numel < 0 || !(pos + 8 + bytes <= src.size)) {
      problems.push({
        code: 'LEGACY_STORAGE_TRUNCATED',
        message: `storage ${JSON.stringify(key)} declares ${numel} elements, more than the file holds`,
        offset: pos,
      });
      return { end: src.size, problems, storages };
    }
    storages.set(key, { dataOffset: pos + 8, numel });
    pos += 8 + bytes;
  }
  return { end: pos, problems, storages };
}
