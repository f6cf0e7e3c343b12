// PyTorch 0.1.1 tar checkpoints, as torch's legacy_load reads them: members `storages` (pickle num_storages, then
// per storage a pickle (key, location, storage_type), an int64 element count and the bytes; then a pickle of
// storage views), `tensors` (pickle num_tensors, then per tensor a pickle (key, storage_id, tensor_type), an int32
// ndim, 4 skipped bytes, ndim int64 sizes, ndim int64 strides and an int64 storage offset) and `pickle` (the object,
// whose persistent ids name storages and tensors). `sys_info` is written but never read.
import type { ResultSummary } from '../pickle/facts.js';
import { elementSize } from '../../formats/pytorch/legacy.js';

export const LEGACY_TAR_MEMBERS = ['storages', 'tensors', 'pickle'] as const;

export function isLegacyTorchTar(names: readonly string[]): boolean {
  return LEGACY_TAR_MEMBERS.every((m) => names.includes(m));
}

/** The int a pickle returned (num_storages, num_tensors), or undefined. */
export function resultInt(r: ResultSummary | undefined): number | undefined {
  return r?.kind === 'int' && typeof r.value === 'number' && Number.isInteger(r.value) && r.value >= 0
    ? r.value
    : undefined;
}

/** Element size of the storage type named by a storages-member args tuple (key, location, storage_type). */
export function storageArgsElementSize(r: ResultSummary | undefined): number | undefined {
  if (r?.kind !== 'tuple' || !r.items || r.items.length !== 3) return undefined;
  const t = r.items[2];
  if (typeof t !== 'string' || !t.startsWith('<') || !t.endsWith('>')) return undefined;
  return elementSize(t.slice(1, -1));
}
