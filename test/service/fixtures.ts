// Small pickles for the service tests: a plain dict (benign) and `os.system('id')` (what a malicious __reduce__
// writes), assembled by the test pickle builder.
import { evilPickle, P } from '../helpers/pickle-builder.js';

export function opcodePickle(kind: 'benign' | 'os.system'): Buffer {
  if (kind === 'os.system') return Buffer.from(evilPickle('os', 'system', 'id'));
  // protocol 4: EMPTY_DICT, MEMOIZE, STOP
  return Buffer.from(new P().proto(4).raw(0x7d, 0x94).stop().bytes());
}
