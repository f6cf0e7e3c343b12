// Format registry: expanders in the order their content checks run. Formats are chosen by content, never by
// extension; the raw-pickle check runs last because protocol 0/1 pickles have no magic bytes.
import type { Expander } from './context.js';
import { pickleExpander } from './pickle.js';

export const EXPANDERS: readonly Expander[] = [pickleExpander];
