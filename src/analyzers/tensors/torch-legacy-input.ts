// Legacy torch.save files (< 1.6 or _use_new_zipfile_serialization=False) as torch's _legacy_load reads them: the
// magic-number, protocol-version and sys_info pickles, the object pickle whose persistent ids are
// ('storage', storage_type, root_key, location, numel, view_metadata), the storage-keys pickle, then per key an
// int64 element count and the raw bytes. Storages are read in place; `sys_info.little_endian` False means swap.
import { CorruptError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import { storageClassDtype } from '../../formats/pytorch/dtypes.js';
import { LEGACY_MAGIC, LEGACY_PROTOCOL_VERSION, readKeyList, walkStorages } from '../../formats/pytorch/legacy.js';
import type { ByteSource } from '../../sources/byte-source.js';
import { K, type PyVal } from '../pickle/values.js';
import { runPickle } from '../pickle/vm.js';
import { checkLegacyPersistentId, legacyPersistentValue } from '../pytorch/zip-layout.js';
import type { TensorInput } from './input.js';
import { pickleValue } from './pickle-value.js';
import { buildTree, type ResolvedStorage } from './rebuild.js';

const PLAIN = { persistentLoad: false, joblibArrays: false } as const;
const LEGACY = {
  persistentLoad: true,
  joblibArrays: false,
  checkPersistentId: checkLegacyPersistentId,
  persistentValue: legacyPersistentValue,
} as const;

/** Is the first pickle of `src` torch's legacy magic number? (A scan-mode run: nothing is kept.) */
export function isLegacyTorch(src: ByteSource, limits: Limits): boolean {
  const run = runPickle(src, 0, src.size, { limits, loader: PLAIN, strict: true });
  return run.stopped && !run.errored && run.result?.kind === 'int' && String(run.result.value) === LEGACY_MAGIC;
}

export function readTorchLegacy(src: ByteSource, limits: Limits): TensorInput {
  const magic = pickleValue(src, 0, PLAIN, limits, 'the magic-number pickle');
  const proto = pickleValue(src, magic.run.end, PLAIN, limits, 'the protocol-version pickle');
  if (proto.value !== LEGACY_PROTOCOL_VERSION)
    throw new CorruptError(`legacy protocol version is ${String(proto.value)}, torch reads only 1001`);
  const sys = pickleValue(src, proto.run.end, PLAIN, limits, 'the sys_info pickle');
  let littleEndian = true;
  if (typeof sys.value === 'object' && sys.value.k === K.Dict) {
    const i = sys.value.keys.lastIndexOf('little_endian');
    const le = i >= 0 ? sys.value.vals[i] : undefined;
    if (typeof le === 'object' && le.k === K.False) littleEndian = false;
  }
  const obj = pickleValue(src, sys.run.end, LEGACY, limits, 'the object pickle');
  const keysRun = pickleValue(src, obj.run.end, PLAIN, limits, 'the storage-keys pickle').run;
  const keys = readKeyList(src, keysRun.start, keysRun.end);
  if (!keys) throw new CorruptError('the storage-keys pickle is not a plain list of strings', keysRun.start);
  const types = new Map<string, string>();
  for (const pid of obj.run.persistentIds)
    if (pid.key !== undefined && pid.storageType) types.set(pid.key, pid.storageType);
  const walk = walkStorages(src, keysRun.end, keys, types);
  const problem = walk.problems[0];
  if (problem) throw new CorruptError(problem.message, problem.offset);
  const notes = littleEndian ? [] : ['sys_info says big-endian: bytes swapped to little-endian'];
  const resolveStorage = (pid: PyVal): ResolvedStorage | string => {
    if (typeof pid !== 'object' || pid.k !== K.Tuple || pid.items.length !== 6 || pid.items[0] !== 'storage')
      return "its persistent id is not torch's legacy ('storage', type, key, location, numel, view) tuple";
    const [, type, key, , , view] = pid.items;
    if (typeof type !== 'object' || type.k !== K.Global || type.imp.derivedVia !== undefined)
      return 'its storage type is not an imported class';
    const element = storageClassDtype(type.imp.importedModule, type.imp.importedName);
    if (element === undefined || element === 'untyped')
      return `its storage type ${type.imp.importedModule}.${type.imp.importedName} is not a typed torch storage class`;
    if (typeof key !== 'string') return 'its storage key is not a string';
    const at = walk.storages.get(key);
    if (!at) return `storage ${JSON.stringify(key)} is not in the storage-keys list`;
    let offset = 0;
    let count = at.numel;
    if (typeof view === 'object' && view.k === K.Tuple) {
      // view_metadata = (view_key, offset, view_size): a view into the root storage, in elements.
      const [, vOff, vSize] = view.items;
      if (typeof vOff !== 'number' || typeof vSize !== 'number' || vOff < 0 || vSize < 0 || vOff + vSize > at.numel)
        return 'its storage view lies outside the root storage';
      offset = vOff;
      count = vSize;
    } else if (!(typeof view === 'object' && view.k === K.None)) return 'its view metadata is not a tuple or None';
    const data = {
      id: `storage ${key}`,
      src,
      start: at.dataOffset,
      bytes: at.numel * element.itemsize,
      bigEndian: !littleEndian,
    };
    // The view's elements: the tensor's offset is relative to the view start.
    return { data, element, offset, numel: count };
  };
  return { format: 'torch-legacy', framework: 'pt', root: buildTree(obj.value, { src, resolveStorage }), notes };
}
