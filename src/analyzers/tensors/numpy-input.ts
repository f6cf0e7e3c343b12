// NumPy .npy files and .npz archives as numpy.load reads them: the header's descr, fortran_order and shape, the
// raw data right after it. An .npz member `name.npy` becomes the tensor `name`; stored members are read in place,
// deflated ones (savez_compressed) inflated in memory under the entry limit. Object arrays are pickles and are not
// converted (they are listed as dropped).
import { CorruptError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import { readNpyHeader } from '../../formats/npy/header.js';
import { parseNumpyTypestr } from '../../formats/npy/dtype.js';
import { looksLikeNpy } from '../../formats/npy/header.js';
import { openEntry, type ZipArchive } from '../../formats/zip/index.js';
import { SliceSource, type ByteSource } from '../../sources/byte-source.js';
import type { TensorInput } from './input.js';
import { contiguousStrides, numel, type Node } from './tree.js';

function fortranStrides(shape: readonly number[]): number[] {
  const out: number[] = [];
  let s = 1;
  for (const d of shape) {
    out.push(s);
    s *= d;
  }
  return out;
}

/** One .npy stream; `base`/`baseOffset` say where its bytes are in the file (in place) when stored. */
function npyNode(src: ByteSource, id: string, base: ByteSource, baseOffset: number): Node {
  const h = readNpyHeader(src);
  if (h.problems.length) throw new CorruptError(`${id}: ${h.problems.join('; ')}`);
  if (h.hasObject) return { t: 'dropped', what: `an object array (${id}): its data is a pickle` };
  if (typeof h.descr !== 'string') return { t: 'dropped', what: `a structured array (${id})` };
  const dt = parseNumpyTypestr(h.descr);
  if (!dt || !dt.numeric) return { t: 'dropped', what: `an array of non-numeric dtype ${JSON.stringify(h.descr)}` };
  const n = numel(h.shape);
  const bytes = n * dt.itemsize;
  if (!Number.isSafeInteger(bytes) || h.dataOffset + bytes > src.size)
    throw new CorruptError(`${id}: the data (${bytes} bytes) runs past the end of the file`, h.dataOffset);
  return {
    t: 'tensor',
    ref: {
      ...(dt.dtype !== undefined ? { dtype: dt.dtype } : {}),
      ...(dt.unsupported !== undefined ? { unsupported: dt.unsupported } : {}),
      source: `numpy ${h.descr}`,
      itemsize: dt.itemsize,
      shape: h.shape,
      strides: h.fortranOrder ? fortranStrides(h.shape) : contiguousStrides(h.shape),
      offset: 0,
      storage: { id, src: base, start: baseOffset + h.dataOffset, bytes, bigEndian: dt.bigEndian },
      notes: [],
    },
  };
}

export function readNpy(src: ByteSource): TensorInput {
  return { format: 'npy', framework: 'np', root: npyNode(src, 'array', src, 0), notes: [] };
}

/** Is this zip an .npz (every listed file entry is an .npy by content)? */
export function isNpz(src: ByteSource, zip: ZipArchive): boolean {
  const files = zip.entries.filter((e) => !e.hidden && !e.isDirectory);
  return (
    files.length > 0 &&
    files.every((e) => e.name.endsWith('.npy') && (e.method !== 0 || looksLikeNpy(src.read(e.dataOffset, 6))))
  );
}

export function readNpz(src: ByteSource, zip: ZipArchive, limits: Limits): TensorInput {
  const entries: [string, Node][] = [];
  const notes: string[] = [];
  for (const e of zip.entries) {
    if (e.hidden || e.isDirectory) continue;
    const name = e.name.replace(/\.npy$/, '');
    const opened = openEntry(src, zip, e, {
      maxOutputBytes: limits.maxEntryBytes,
      maxRatio: limits.maxRatio,
      ratioGraceBytes: limits.ratioGraceBytes,
      maxCrcBytes: 0,
    });
    if (e.method === 0) {
      const slice = new SliceSource(opened.source.location, src, e.dataOffset, opened.source.size);
      entries.push([name, npyNode(slice, e.name, src, e.dataOffset)]);
    } else {
      notes.push(`${e.name} is compressed: inflated in memory`);
      entries.push([name, npyNode(opened.source, e.name, opened.source, 0)]);
    }
  }
  return { format: 'npz', framework: 'np', root: { t: 'map', entries, attrs: [] }, notes };
}
