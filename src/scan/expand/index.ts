// Format registry: expanders in the order their content checks run. Formats are chosen by content, never by
// extension, and every expander whose check matches reads the file (a file two loaders read is scanned under both,
// and is a polyglot); formats recognised by their full structure (safetensors, GGUF, HDF5) come first, ONNX (weak
// protobuf sniff, confirmed by decoding) and JSON before the raw-pickle check, which runs last because protocol 0/1
// pickles have no magic bytes. Python and Jinja are chosen by name and never count as a reading of their own.
import type { Expander } from './context.js';
import { compressedExpander } from './compressed.js';
import { ggufExpander } from './gguf.js';
import { hdf5Expander } from './hdf5.js';
import { jinjaExpander } from './jinja.js';
import { jsonExpander } from './json.js';
import { npyExpander } from './npy.js';
import { onnxExpander } from './onnx.js';
import { pickleExpander } from './pickle.js';
import { pythonExpander } from './python.js';
import { safetensorsExpander } from './safetensors.js';
import { sevenZipExpander } from './sevenzip.js';
import { tarExpander } from './tar.js';
import { zipExpander } from './zip.js';

export const EXPANDERS: readonly Expander[] = [
  pythonExpander,
  jinjaExpander,
  safetensorsExpander,
  ggufExpander,
  hdf5Expander,
  zipExpander,
  sevenZipExpander,
  npyExpander,
  compressedExpander,
  tarExpander,
  onnxExpander,
  jsonExpander,
  pickleExpander,
];

/** Expanders chosen by the file's name: they analyse the text and never claim the bytes from the others. */
export const NAME_CHOSEN: ReadonlySet<string> = new Set([pythonExpander.id, jinjaExpander.id]);

/**
 * The distinct loader readings among the expanders that read a file (name-chosen ones excluded). A reading that
 * starts exactly where a container hands a member on unchanged (an HDF5 file stored in a zip or tar, found behind
 * the bytes before it) is that member's reading, already scanned as the member: not a second reading of the file.
 */
export function polyglotReadings(
  readings: readonly string[],
  starts: ReadonlyMap<string, number> = new Map(),
  members: readonly (readonly [number, number])[] = [],
): string[] {
  const memberStarts = new Set(members.map((m) => m[0]));
  return [
    ...new Set(
      readings.filter((r) => {
        if (NAME_CHOSEN.has(r)) return false;
        const at = starts.get(r);
        return at === undefined || at === 0 || !memberStarts.has(at);
      }),
    ),
  ];
}
