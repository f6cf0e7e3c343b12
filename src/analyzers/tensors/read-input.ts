// Recognises a conversion input by content (as the scan does) and reads its data tree: torch zip checkpoints,
// legacy torch files, .npy, .npz, raw pickles and joblib dumps (compressed ones decompressed in memory first).
// Anything else — TorchScript, torch 0.1.1 tars, polyglot zips, other archives — is an UnsupportedError.
import { basename } from 'node:path';
import { CorruptError, UnsupportedError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import { decompress, sniffCodecIn, sniffJoblibCompression, type Codec } from '../../formats/compression/index.js';
import { looksLikeNpy } from '../../formats/npy/header.js';
import { looksLikeTar } from '../../formats/tar/index.js';
import { looksLikeZip, readZip } from '../../formats/zip/index.js';
import { child, layerSegment } from '../../core/location.js';
import { MemorySource, readAll, type ByteSource } from '../../sources/byte-source.js';
import { torchZipLayout } from '../pytorch/zip-layout.js';
import type { TensorInput } from './input.js';
import { isNpz, readNpy, readNpz } from './numpy-input.js';
import { readPickle } from './pickle-input.js';
import { isLegacyTorch, readTorchLegacy } from './torch-legacy-input.js';
import { readTorchZip } from './torch-zip-input.js';

const WEAK: ReadonlySet<Codec> = new Set(['zlib', 'lzma']);

/**
 * Reads the input's data tree. A file that is one array (an .npy, a pickled ndarray) becomes a one-entry map named
 * after the file (`weights.npy` → `weights`).
 */
export async function readTensorInput(src: ByteSource, limits: Limits): Promise<TensorInput> {
  const input = await read(src, limits);
  if (input.root.t !== 'tensor') return input;
  const file = basename(src.location.chain[0] ?? 'array');
  const stem = file.includes('.') ? file.slice(0, file.lastIndexOf('.')) : file;
  return { ...input, root: { t: 'map', entries: [[stem || 'array', input.root]], attrs: [] } };
}

async function read(src: ByteSource, limits: Limits): Promise<TensorInput> {
  const head = src.read(0, 64);
  if (looksLikeZip(src)) {
    const zip = readZip(src, { maxEntries: limits.maxEntries });
    if (zip.prefixBytes > 0)
      throw new UnsupportedError(
        `${zip.prefixBytes} byte(s) precede the zip: torch.load reads such a file as a pickle, other tools as a zip`,
        'polyglot',
      );
    const layout = torchZipLayout(zip.entries.filter((e) => !e.hidden).map((e) => e.name));
    if (layout) return readTorchZip(src, zip, layout, limits);
    if (isNpz(src, zip)) return readNpz(src, zip, limits);
    throw new UnsupportedError('a zip archive that is neither a torch checkpoint nor an .npz', 'zip');
  }
  if (looksLikeNpy(head)) return readNpy(src);
  const codec =
    sniffCodecIn(head, src) ?? (head[0] === 0x5a && head[1] === 0x46 ? sniffJoblibCompression(head) : undefined);
  if (codec) {
    if (src.size > limits.maxEntryBytes)
      throw new UnsupportedError(`a ${codec} stream larger than maxEntryBytes (${limits.maxEntryBytes})`, codec);
    let out;
    try {
      out = await decompress(codec, readAll(src), {
        maxOutputBytes: limits.maxEntryBytes,
        maxRatio: limits.maxRatio,
        ratioGraceBytes: limits.ratioGraceBytes,
      });
    } catch (e) {
      if (!(e instanceof CorruptError && WEAK.has(codec))) throw e;
    }
    if (out) {
      const corrupt = out.notes.find((n) => n.startsWith('corrupt'));
      if (corrupt) throw new CorruptError(`${codec} stream: ${corrupt}`);
      const inner = new MemorySource(child(src.location, layerSegment(codec)), out.bytes);
      if (looksLikeNpy(inner.read(0, 8))) return readNpy(inner);
      return readPickle(inner, limits, [`${codec}-compressed: ${out.bytes.length} bytes decompressed in memory`]);
    }
  }
  if (looksLikeTar(src)) throw new UnsupportedError('a tar archive (torch 0.1.1 checkpoints are not converted)', 'tar');
  if (isLegacyTorch(src, limits)) return readTorchLegacy(src, limits);
  return readPickle(src, limits);
}
