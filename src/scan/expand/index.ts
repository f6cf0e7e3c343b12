// Format registry: expanders in the order their content checks run. Formats are chosen by content, never by
// extension; the raw-pickle check runs last because protocol 0/1 pickles have no magic bytes.
import type { Expander } from './context.js';
import { compressedExpander } from './compressed.js';
import { npyExpander } from './npy.js';
import { pickleExpander } from './pickle.js';
import { pythonExpander } from './python.js';
import { sevenZipExpander } from './sevenzip.js';
import { tarExpander } from './tar.js';
import { zipExpander } from './zip.js';

export const EXPANDERS: readonly Expander[] = [
  pythonExpander,
  zipExpander,
  sevenZipExpander,
  npyExpander,
  compressedExpander,
  tarExpander,
  pickleExpander,
];
