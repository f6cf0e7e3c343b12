// torch.save zip checkpoints (≥ 1.6) as torch.load reads them: `<root>/data.pkl` unpickled with persistent ids
// ('storage', storage_type, key, location, numel) naming `<root>/data/<key>` records, `<root>/byteorder` saying
// whether storages are big-endian. Stored records are read in place (never loaded whole); a compressed record
// (torch never writes one) is inflated in memory under the entry limit.
import { CorruptError, UnsupportedError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import { storageClassDtype } from '../../formats/pytorch/dtypes.js';
import { openEntry, type ZipArchive, type ZipEntry } from '../../formats/zip/index.js';
import type { ByteSource } from '../../sources/byte-source.js';
import { K, type PyVal } from '../pickle/values.js';
import { checkZipPersistentId, torchRecord, type TorchZipLayout } from '../pytorch/zip-layout.js';
import type { TensorInput } from './input.js';
import { pickleValue } from './pickle-value.js';
import { buildTree, type ResolvedStorage } from './rebuild.js';

export function readTorchZip(src: ByteSource, zip: ZipArchive, layout: TorchZipLayout, limits: Limits): TensorInput {
  if (layout.kind !== 'checkpoint') {
    throw new UnsupportedError(
      `a TorchScript ${layout.kind === 'mobile' ? 'mobile ' : ''}archive is a program, not a checkpoint: convert the state_dict it was made from`,
      'torchscript',
    );
  }
  const entry = (rec: string): ZipEntry | undefined => {
    const name = torchRecord(layout, rec);
    return name === undefined ? undefined : zip.entries.find((e) => !e.hidden && e.name === name);
  };
  const open = (e: ZipEntry): ByteSource =>
    openEntry(src, zip, e, {
      maxOutputBytes: limits.maxEntryBytes,
      maxRatio: limits.maxRatio,
      ratioGraceBytes: limits.ratioGraceBytes,
    }).source;
  const notes: string[] = [];
  const bo = entry('byteorder');
  let bigEndian = false;
  if (bo) {
    const text = new TextDecoder('latin1').decode(open(bo).read(0, 16)).trim();
    if (text !== 'little' && text !== 'big') throw new CorruptError(`byteorder record is ${JSON.stringify(text)}`);
    bigEndian = text === 'big';
    if (bigEndian) notes.push('storages are big-endian (byteorder record): bytes swapped to little-endian');
  }
  const pkl = entry('data.pkl')!;
  const pklSrc = open(pkl);
  const loader = {
    persistentLoad: true,
    joblibArrays: false,
    checkPersistentId: (pid: Parameters<typeof checkZipPersistentId>[0]) => checkZipPersistentId(pid, layout),
  };
  const { value } = pickleValue(pklSrc, 0, loader, limits, `${layout.root}/data.pkl`);
  const storages = new Map<string, ResolvedStorage | string>();
  const resolveStorage = (pid: PyVal): ResolvedStorage | string => {
    if (typeof pid !== 'object' || pid.k !== K.Tuple || pid.items.length !== 5 || pid.items[0] !== 'storage')
      return "its persistent id is not torch's ('storage', type, key, location, numel)";
    const [, type, key, , count] = pid.items;
    if (typeof type !== 'object' || type.k !== K.Global || type.imp.derivedVia !== undefined)
      return 'its storage type is not an imported class';
    const element = storageClassDtype(type.imp.importedModule, type.imp.importedName);
    if (element === undefined)
      return `its storage type ${type.imp.importedModule}.${type.imp.importedName} is not a torch storage class`;
    if (typeof key !== 'string' || typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0)
      return 'its storage key or element count has the wrong type';
    const cached = storages.get(key);
    if (cached !== undefined) return cached;
    const e = entry(`data/${key}`);
    let r: ResolvedStorage | string;
    if (!e) r = `storage record data/${key} is missing`;
    else {
      const size = Math.max(0, Math.min(e.compressedSize, src.size - e.dataOffset));
      const id = `data/${key}`;
      const data =
        e.method === 0
          ? { id, src, start: e.dataOffset, bytes: size, bigEndian }
          : (() => {
              const s = open(e);
              notes.push(`storage record ${id} is compressed: inflated in memory`);
              return { id, src: s, start: 0, bytes: s.size, bigEndian };
            })();
      r = { data, element, offset: 0, numel: count };
    }
    storages.set(key, r);
    return r;
  };
  return { format: 'torch-zip', framework: 'pt', root: buildTree(value, { src: pklSrc, resolveStorage }), notes };
}
